"""Reads for working together: the mentorship timeline, norms, a meeting's page, and home lists.

The timeline pages through one UNION over every kind of entry (kind, id, when), newest first,
then loads each kind on the page with one query (plus prefetches): a fixed number of queries
however long the relationship runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, Prefetch, QuerySet, Value, prefetch_related_objects

from accounts.models import User
from goals.models import ProgressUpdate
from matching.models import Mentorship, MentorshipGroup
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    Meeting,
    MeetingFeedback,
    PrivateNote,
)

PER_PAGE = 20


@dataclass
class Entry:
    kind: str
    when: datetime
    item: Any


@dataclass
class Norms:
    """All versions of a pair's agreement, newest first, and which one both confirmed."""

    versions: list[Agreement] = field(default_factory=list)

    @property
    def latest(self) -> Agreement | None:
        return self.versions[0] if self.versions else None

    @property
    def confirmed(self) -> Agreement | None:
        return next((a for a in self.versions if a.confirmed_at is not None), None)

    @property
    def pending(self) -> Agreement | None:
        """The latest version, if it still waits for the other side."""
        latest = self.latest
        return latest if latest is not None and latest.confirmed_at is None else None


def norms_of(
    *, mentorship: Mentorship | None = None, circle: MentorshipGroup | None = None
) -> Norms:
    """Every version of a pair's (or a circle's) norms in one query: there are a handful."""
    whose = {"mentorship": mentorship} if mentorship is not None else {"group": circle}
    return Norms(
        versions=list(
            Agreement.objects.filter(**whose)
            .select_related("proposed_by", "confirmed_by")
            .order_by("-version")
        )
    )


def _index(mentorship: Mentorship) -> QuerySet[Any]:
    """(kind, pk, when) of every entry, as one UNION ALL ordered newest first."""

    def rows(qs: QuerySet[Any], kind: str, when: str) -> QuerySet[Any]:
        return (
            qs.order_by()
            .annotate(entry_kind=Value(kind, output_field=models.CharField()), entry_when=F(when))
            .values_list("entry_kind", "pk", "entry_when")
        )

    mentor_user_id = mentorship.mentor.user_id
    parts = [
        rows(Agreement.objects.filter(mentorship=mentorship), "agreement", "created_at"),
        rows(Meeting.objects.filter(mentorship=mentorship), "meeting", "starts_at"),
        rows(
            ActionItem.objects.filter(mentorship=mentorship, meeting__isnull=True),
            "action",
            "created_at",
        ),
        rows(Advice.objects.filter(mentorship=mentorship), "advice", "created_at"),
        rows(Appreciation.objects.filter(mentorship=mentorship), "appreciation", "created_at"),
        rows(
            MeetingFeedback.objects.filter(meeting__mentorship=mentorship),
            "feedback",
            "created_at",
        ),
        # Privacy: progress on goals the mentee shared with this mentor, and on no other goal.
        rows(
            ProgressUpdate.objects.filter(
                goal__owner_id=mentorship.mentee_id, goal__shares__mentor_id=mentor_user_id
            ),
            "progress",
            "created_at",
        ),
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-entry_when", "-entry_kind", "-pk")


def _load(kind: str, ids: list[int]) -> dict[int, Any]:
    querysets: dict[str, QuerySet[Any]] = {
        "agreement": Agreement.objects.select_related("proposed_by", "confirmed_by"),
        "meeting": Meeting.objects.select_related(
            "proposed_by", "shared_notes_edited_by"
        ).prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("author")),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        ),
        "action": ActionItem.objects.select_related("owner"),
        "advice": Advice.objects.select_related("recorded_by", "meeting"),
        "appreciation": Appreciation.objects.select_related("author", "goal", "advice"),
        "feedback": MeetingFeedback.objects.select_related("author", "meeting"),
        "progress": ProgressUpdate.objects.select_related("author", "goal"),
    }
    return querysets[kind].in_bulk(ids)


def timeline_for(*, mentorship: Mentorship, page_number: int | str | None = 1) -> Page[Entry]:
    """One page of the mentorship's story, newest first. Private notes are never part of it."""
    page = Paginator(_index(mentorship), PER_PAGE).get_page(page_number)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _when in page.object_list:
        wanted.setdefault(kind, []).append(pk)
    loaded = {kind: _load(kind, ids) for kind, ids in wanted.items()}
    page.object_list = [
        Entry(kind=kind, when=when, item=loaded[kind][pk])
        for kind, pk, when in page.object_list
        if pk in loaded[kind]
    ]
    return page


# A meeting's page ------------------------------------------------------------------------------


@dataclass
class MeetingPage:
    meeting: Meeting
    private_note: PrivateNote | None
    advice: list[Advice]
    feedback: list[MeetingFeedback]

    @property
    def agenda(self) -> list[AgendaItem]:
        return list(self.meeting.agenda.all())

    @property
    def action_items(self) -> list[ActionItem]:
        return list(self.meeting.action_items.all())


def meeting_page_for(*, meeting: Meeting, viewer: User) -> MeetingPage:
    """A meeting (from ``get_meeting_for_user``) with agenda, notes, action items, advice, feedback."""
    prefetch_related_objects(
        [meeting],
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("author")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
    )
    return MeetingPage(
        meeting=meeting,
        # Privacy: only the viewer's own note is ever fetched.
        private_note=PrivateNote.objects.filter(meeting=meeting, author=viewer).first(),
        advice=list(Advice.objects.filter(meeting=meeting).select_related("recorded_by")),
        feedback=list(
            MeetingFeedback.objects.filter(meeting=meeting)
            .select_related("author")
            .order_by("created_at")
        ),
    )


# Home page -------------------------------------------------------------------------------------


def open_action_items_for(*, user: User, limit: int = 10) -> list[ActionItem]:
    """The person's open action items in live mentorships, soonest due first."""
    return list(
        ActionItem.objects.filter(
            owner=user, done_at__isnull=True, mentorship__status__in=Mentorship.LIVE_STATUSES
        ).order_by(F("due_on").asc(nulls_last=True), "id")[:limit]
    )


def wins_for_mentee(*, user: User, limit: int = 10) -> list[Appreciation]:
    """Wins shared in mentorships where the person is the mentee, newest first."""
    return list(
        Appreciation.objects.filter(kind=Appreciation.Kind.WIN, mentorship__mentee__user=user)
        .select_related("author", "goal")
        .order_by("-created_at")[:limit]
    )
