"""Who may read which conversation: a pair's two people (also once the mentorship is closed),
or a circle's mentor and its members now. Nobody else, admins included, gets past 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, OuterRef, Q, Subquery, When
from django.http import Http404

from accounts.models import User
from conversations.models import Attachment, Conversation, Message
from matching.access import get_mentorship_for_user, mentorships_visible_to
from matching.models import Mentorship, MentorshipGroup
from meetings.access import circles_visible_to, get_circle_for_user


@dataclass
class Thread:
    """A conversation as its reader opens it: whose it is, who is in it, whether it takes new
    messages. ``conversation`` is None until its first message (or first read mark)."""

    mentorship: Mentorship  # the reader's own mentorship it was opened from
    circle: MentorshipGroup | None
    conversation: Conversation | None
    people: list[User]
    open: bool

    @property
    def owner(self) -> dict[str, Mentorship | MentorshipGroup]:
        return (
            {"group": self.circle} if self.circle is not None else {"mentorship": self.mentorship}
        )


def get_thread_for_user(user: User, mentorship_pk: int) -> Thread:
    """The conversation of one of the person's mentorships (their circle's, in a group
    program); 404 for anyone else, and for a former member of a circle."""
    mentorship = get_mentorship_for_user(user, mentorship_pk)
    if mentorship.group_id is not None:
        circle = get_circle_for_user(user, mentorship.group_id)
        return Thread(
            mentorship=mentorship,
            circle=circle,
            conversation=Conversation.objects.filter(group=circle).first(),
            people=circle.people(),
            open=True,  # a circle's people are its live members and its mentor
        )
    return Thread(
        mentorship=mentorship,
        circle=None,
        conversation=Conversation.objects.filter(mentorship=mentorship).first(),
        people=[mentorship.mentor.user, mentorship.mentee.user],
        open=mentorship.status in Mentorship.LIVE_STATUSES,
    )


@dataclass(frozen=True)
class PollState:
    """What the poll needs to answer "nothing new": whether the person may read the
    conversation at all, and its newest message's id (None before the first message)."""

    readable: bool
    newest: int | None


def poll_state_for_user(user: User, mentorship_pk: int) -> PollState:
    """The poll's answer when nothing is new, in one query: the person's mentorship
    ``mentorship_pk`` (its circle's, in a group program, while they belong to it) with the newest
    message of its conversation. Readable as ``get_thread_for_user`` would find it; when not,
    the caller goes the long way through it for its 404."""

    def newest(owner: Q) -> Subquery:
        # The conversation's id first, so that the newest message is read from the index on
        # (conversation, id) rather than by walking every message from the newest one down.
        conversation = Conversation.objects.filter(owner).values("pk")[:1]
        return Subquery(
            Message.objects.filter(conversation=Subquery(conversation))
            .order_by("-pk")
            .values("pk")[:1]
        )

    row = (
        mentorships_visible_to(user)
        .filter(pk=mentorship_pk)
        .filter(Q(group__isnull=True) | Q(group__in=circles_visible_to(user)))
        .annotate(
            newest=Case(
                When(group__isnull=True, then=newest(Q(mentorship=OuterRef(OuterRef("pk"))))),
                default=newest(Q(group=OuterRef(OuterRef("group_id")))),
            )
        )
        .values_list("newest", flat=True)
    )
    found = list(row[:1])
    return PollState(readable=bool(found), newest=found[0] if found else None)


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    """A file of a message the person may read; 404 otherwise."""
    found = Attachment.objects.filter(pk=pk).values_list("message_id", flat=True).first()
    if found is None:
        raise Http404("No such file.")
    message, _ = get_message_for_user(user, found)
    return message.attachments.get(pk=pk)


def get_message_for_user(user: User, pk: int) -> tuple[Message, Thread]:
    """A message of a conversation the person may read, with its thread; 404 otherwise."""
    message = (
        Message.objects.select_related("conversation__mentorship", "conversation__group")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    return message, get_conversation_thread_for_user(user, message.conversation)


def get_conversation_thread_for_user(user: User, conversation: Conversation) -> Thread:
    """The thread through which the person reads ``conversation``: the pair's mentorship, or
    their live membership of the circle (any membership, for its mentor); 404 otherwise."""
    if conversation.mentorship_id is not None:
        return get_thread_for_user(user, conversation.mentorship_id)
    mine = (
        Mentorship.objects.filter(group_id=conversation.group_id, mentee__user=user)
        .filter(status__in=Mentorship.LIVE_STATUSES)
        .first()
    ) or Mentorship.objects.filter(group_id=conversation.group_id, mentor__user=user).first()
    if mine is None:
        raise Http404("No such conversation.")
    return get_thread_for_user(user, mine.pk)
