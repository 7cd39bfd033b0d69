"""Reads of conversations: a page of messages, what is newer than the reader has, unread counts
(for the navigation, Home and /messages/), and when a mentor hears of a message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from conversations.access import Thread
from conversations.models import Conversation, Message, Seen
from conversations.notices import Telling, telling
from matching.models import Availability, Block, MentorProfile, Mentorship
from matching.windows import Window
from meetings.models import Agreement, Meeting
from mentorship.cache import Version, kept
from programs.models import Participant

PAGE = 50


def conversations_of(user: User) -> QuerySet[Conversation]:
    """The conversations the person reads: their pairs' (closed ones too) and their circles'.
    Built from the person's participant ids, so each part is an indexed lookup (the navigation
    counts unread messages with it on every page)."""
    mine = Participant.objects.filter(user=user).values("pk")
    pairs = Mentorship.objects.filter(Q(mentor_id__in=mine) | Q(mentee_id__in=mine))
    member_of = Mentorship.objects.filter(
        mentee_id__in=mine, status__in=Mentorship.LIVE_STATUSES, group__isnull=False
    )
    return Conversation.objects.filter(
        Q(mentorship_id__in=pairs.values("pk"))
        | Q(group__mentor_id__in=mine)
        | Q(group_id__in=member_of.values("group_id"))
    )


def _seen(user_id: int) -> Coalesce:
    mark = Seen.objects.filter(conversation=OuterRef("conversation"), user_id=user_id)
    return Coalesce(Subquery(mark.values("last_seen")[:1]), Value(0))


def unread_messages(*, user: User) -> QuerySet[Message]:
    """Messages others wrote, not deleted, beyond the person's read mark, in all their
    conversations: the navigation counts them in its one query."""
    return (
        Message.objects.filter(conversation__in=conversations_of(user), deleted_at__isnull=True)
        .exclude(author_id=user.pk)
        .alias(seen=_seen(user.pk))
        .filter(pk__gt=F("seen"))
    )


def unread_in(*, conversation_id: int, user_id: int, after: int) -> bool:
    """Whether someone else wrote, after message ``after``, something the person has not read."""
    return (
        Message.objects.filter(
            conversation_id=conversation_id, pk__gt=after, deleted_at__isnull=True
        )
        .exclude(author_id=user_id)
        .alias(seen=_seen(user_id))
        .filter(pk__gt=F("seen"))
        .exists()
    )


def messages_page(thread: Thread, *, before: int | None = None) -> list[Message]:
    """The latest messages (before message ``before``), oldest first."""
    if thread.conversation is None:
        return []
    rows = (
        Message.objects.filter(conversation=thread.conversation)
        .select_related("author")
        .prefetch_related("attachments")
    )
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return list(reversed(rows.order_by("-pk")[:PAGE]))


def messages_after(thread: Thread, *, after: int) -> list[Message]:
    """What was written after message ``after``: the poll, one query (none when nothing is)."""
    if thread.conversation is None:
        return []
    return list(
        Message.objects.filter(conversation=thread.conversation, pk__gt=after)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("pk")[:PAGE]
    )


def last_seen_of(thread: Thread, user: User) -> int:
    if thread.conversation is None:
        return 0
    return (
        Seen.objects.filter(conversation=thread.conversation, user=user)
        .values_list("last_seen", flat=True)
        .first()
        or 0
    )


@dataclass(frozen=True)
class ConversationRow:
    conversation: Conversation
    title: str
    mentorship_id: int
    unread: int
    last: Message | None


def conversation_list_for_user(*, user: User) -> list[ConversationRow]:
    """The person's conversations with something in them, newest first, each with its unread
    count and last message (three queries)."""
    unread = (
        Message.objects.filter(conversation=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author_id=user.pk)
        .alias(seen=_seen(user.pk))
        .filter(pk__gt=F("seen"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    conversations = list(
        conversations_of(user)
        .filter(last_message_at__isnull=False)
        .annotate(unread=Coalesce(Subquery(unread), Value(0)), last_id=Subquery(last))
        .select_related(
            "mentorship__mentor__user", "mentorship__mentee__user", "group__mentor__user"
        )
        .order_by("-last_message_at", "-pk")
    )
    lasts = Message.objects.select_related("author").in_bulk(
        [c.last_id for c in conversations]  # type: ignore[attr-defined]
    )
    titles = titles_for(user, conversations)
    return [
        ConversationRow(
            conversation,
            *titles[conversation.pk],
            conversation.unread,  # type: ignore[attr-defined]
            lasts.get(conversation.last_id),  # type: ignore[attr-defined]
        )
        for conversation in conversations
    ]


def titles_for(user: User, conversations: Sequence[Conversation]) -> dict[int, tuple[str, int]]:
    """Each conversation's name as the person sees it (the other of the pair, or the circle)
    and the mentorship of theirs it opens through: one query for the circles'."""
    own = dict(
        Mentorship.objects.filter(
            Q(mentor__user=user) | Q(mentee__user=user),
            group_id__in=[c.group_id for c in conversations if c.group_id],
        ).values_list("group_id", "pk")
    )
    found = {}
    for conversation in conversations:
        if conversation.mentorship is not None:
            pair = conversation.mentorship
            other = pair.mentee.user if pair.mentor.user_id == user.pk else pair.mentor.user
            found[conversation.pk] = (other.get_full_name(), pair.pk)
        else:
            circle = conversation.group
            assert circle is not None
            found[conversation.pk] = (str(circle), own[circle.pk])
    return found


def telling_for(thread: Thread, *, now: datetime, viewer: User) -> Telling | None:
    """When the thread's mentor hears of what ``viewer`` writes now, and the words for it;
    None when the viewer is the mentor (everyone else hears ten minutes after, if unread)."""
    mentor = thread.circle.mentor if thread.circle is not None else thread.mentorship.mentor
    if mentor.user_id == viewer.pk:
        return None
    profile = MentorProfile.objects.filter(participant=mentor).first()
    availability = (
        Availability.objects.filter(participant=mentor).prefetch_related("windows").first()
    )
    windows = (
        tuple(Window(w.weekday, w.start_time, w.end_time) for w in availability.windows.all())
        if availability
        else ()
    )
    meetings = Meeting.objects.filter(
        status=Meeting.Status.CONFIRMED, starts_at__gt=now, **thread.owner
    )
    return telling(
        now=now,
        name=mentor.user.get_full_name(),
        communication=profile.communication if profile else MentorProfile.Communication.ANY_TIME,
        windows=windows,
        zone=availability.time_zone if availability else mentor.user.time_zone,
        next_meeting_at=meetings.order_by("starts_at").values_list("starts_at", flat=True).first(),
        viewer_zone=viewer.time_zone,
    )


def last_messages_of(mentorships: list[Mentorship]) -> list[tuple[int, datetime]]:
    """Each mentorship's last message (its pair's, or its circle's since the member joined):
    activity for the inactivity rule. Two queries."""
    pairs = (
        Message.objects.filter(conversation__mentorship__in=[m.pk for m in mentorships])
        .values("conversation__mentorship_id")
        .annotate(last=Max("created_at"))
        .values_list("conversation__mentorship_id", "last")
        .order_by()
    )
    circles = {m.group_id for m in mentorships if m.group_id is not None}
    last_in_circle = dict(
        Message.objects.filter(conversation__group_id__in=circles)
        .values("conversation__group_id")
        .annotate(last=Max("created_at"))
        .values_list("conversation__group_id", "last")
        .order_by()
    )
    found = list(pairs)
    for mentorship in mentorships:
        moment = last_in_circle.get(mentorship.group_id or 0)
        if moment is not None and moment >= mentorship.started_at:
            found.append((mentorship.pk, moment))
    return found


SEARCH_LIMIT = 50


def search_messages(*, user: User, query: str) -> list[Message]:
    """The person's messages (in their conversations, not deleted) that match ``query``, newest
    first: PostgreSQL's full-text search (web-search syntax, English stemming), or a plain
    contains-search on SQLite."""
    query = query.strip()
    if not query:
        return []
    rows = Message.objects.filter(conversation__in=conversations_of(user), deleted_at__isnull=True)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        rows = rows.annotate(found=SearchVector("text", config="english")).filter(
            found=SearchQuery(query, config="english", search_type="websearch")
        )
    else:
        rows = rows.filter(text__icontains=query)
    return list(
        rows.select_related(
            "author",
            "conversation__mentorship__mentor__user",
            "conversation__mentorship__mentee__user",
            "conversation__group__mentor__user",
        ).order_by("-pk")[:SEARCH_LIMIT]
    )


def reply_norm(thread: Thread) -> str:
    """How quickly messages are answered, as the pair's (or circle's) confirmed norms say."""
    code = (
        Agreement.objects.filter(confirmed_at__isnull=False, **thread.owner)
        .order_by("-version")
        .values_list("reply_within", flat=True)
        .first()
    )
    return str(Agreement.ReplyWithin(code).label) if code else ""


def block_of(person: User, other: User) -> Block | None:
    """Whether ``person`` muted or blocked ``other``."""
    return Block.objects.filter(person=person, other=other).first()


def unread_version(user_id: int) -> Version:
    """Changed whenever a person's unread count may change (conversations.services)."""
    return Version(f"unread-messages:{user_id}")


def unread_message_count(*, user: User) -> int:
    """The navigation's count of unread messages, kept per person (``UNREAD_MESSAGES_SECONDS``):
    working it out asks PostgreSQL to plan a query over the person's conversations, which
    costs more than every other part of the navigation together."""
    return kept(
        unread_version(user.pk),
        "count",
        lambda: unread_messages(user=user).count(),
        timeout=settings.UNREAD_MESSAGES_SECONDS,
    )
