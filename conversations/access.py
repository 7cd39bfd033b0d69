"""Who may read which conversation: a pair's two people (also once the mentorship is closed),
or a circle's mentor and its members now. Nobody else, admins included, gets past 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Q
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


def newest_message_id_for_user(user: User, mentorship_pk: int) -> int | None:
    """The newest message's id in the conversation the person reads through their mentorship
    ``mentorship_pk``, in one query: the poll's answer when nothing is new. None when there is no
    such message the person may read; the caller then goes the long way through
    ``get_thread_for_user``, which tells a stranger (404) from a conversation not yet begun."""
    mine = mentorships_visible_to(user).filter(pk=mentorship_pk)
    pair = Q(mentorship__in=mine.filter(group__isnull=True).values("pk"))
    circle = Q(group__in=circles_visible_to(user).filter(pk__in=mine.values("group_id")))
    conversation = Conversation.objects.filter(pair | circle).values("pk")
    return Message.objects.filter(conversation__in=conversation).aggregate(newest=Max("pk"))[
        "newest"
    ]


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
