"""Scans for request and relationship reminders: find what is due, in batches, and put it in
the notifications ledger (a second scan, or a second beat, finds the rows there already)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import Mentorship, MentorshipRequest
from matching.selectors import away_mentor_user_ids
from notifications.models import Reminder
from notifications.reminders import (
    Due,
    keyset_batches,
    reminder_schedule,
    reminders_schedule_many,
    timing,
)

# Timings are in settings.REMINDER_TIMINGS; expiry itself is per program
# (Program.request_expiry_days, set on the request).
BATCH = 500

M = TypeVar("M", bound=Model)


def remind_both(
    rows: QuerySet[M],
    *,
    today: date,
    mentorship_of: Callable[[M], Mentorship],
    due_for: Callable[[M, User, User], Due | None],
    batch_size: int,
    away_mentees_too: bool = False,
) -> int:
    """Schedule ``due_for(row, person, other)`` for both people of each row's mentorship, batch
    by batch, skipping mentors away until after ``today`` (with ``away_mentees_too``, mentees
    who are away mentors elsewhere as well); returns how many were scheduled."""
    found = 0
    for batch in keyset_batches(rows, batch_size):
        pairs = [mentorship_of(row) for row in batch]
        users = {m.mentor.user_id for m in pairs}
        if away_mentees_too:
            users |= {m.mentee.user_id for m in pairs}
        away = away_mentor_user_ids(user_ids=users, today=today)
        items = [
            due
            for row, mentorship in zip(batch, pairs, strict=True)
            for person, other in mentorship.each_with_other(skip=away)
            if (due := due_for(row, person, other)) is not None
        ]
        reminders_schedule_many(items)
        found += len(items)
    return found


def request_pending_scan(*, now: datetime | None = None) -> int:
    """The mentor, once, when a request has waited on them for "request_pending_after"."""
    now = now or timezone.now()
    after = timing("request_pending_after")
    waiting = MentorshipRequest.objects.filter(
        status=MentorshipRequest.Status.PENDING,
        waiting_on=MentorshipRequest.WaitingOn.MENTOR,
        created_at__lte=now - after,
        expires_at__gt=now,
    ).select_related("mentor__user", "mentee__user")
    found = 0
    for batch in keyset_batches(waiting, BATCH):
        away = away_mentor_user_ids(
            user_ids={r.mentor.user_id for r in batch}, today=timezone.localdate(now)
        )
        items = [
            Due(
                recipient_id=request.mentor.user_id,
                kind=Reminder.REQUEST_PENDING,
                subject_key=f"request:{request.pk}",
                period_key="once",
                title=f"{request.mentee.user.get_full_name()} is waiting for your answer",
                body=(
                    "Accept, ask a question, suggest someone else or decline kindly: "
                    f"the request expires on {timezone.localdate(request.expires_at):%d %b %Y}."
                ),
                link=reverse("matching:request", kwargs={"pk": request.pk}),
                due_at=request.created_at + after,
            )
            for request in batch
            if request.mentor.user_id not in away
        ]
        reminders_schedule_many(items)
        found += len(items)
    return found


def request_expired_schedule(*, request: MentorshipRequest, now: datetime) -> bool:
    """Tell the mentee their request expired, with the directory as the way on (once)."""
    return reminder_schedule(
        recipient=request.mentee.user,
        kind=Reminder.REQUEST_EXPIRED,
        subject_key=f"request:{request.pk}",
        period_key="once",
        title=f"Your request to {request.mentor.user.get_full_name()} expired without an answer",
        body="Other mentors in the directory may have room now.",
        link=reverse("matching:directory", kwargs={"slug": request.program.slug}),
        due_at=now,
    )


def relationship_ending_scan(*, now: datetime | None = None) -> int:
    """Both people, two weeks before the end date: wrap up, reflect, say thanks."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ending = Mentorship.objects.filter(
        status=Mentorship.Status.ACTIVE,
        ends_on__gte=today,
        ends_on__lte=today + timing("ending_before"),
    ).select_related("mentor__user", "mentee__user")

    def due_for(mentorship: Mentorship, person: User, other: User) -> Due:
        assert mentorship.ends_on is not None
        return Due(
            recipient_id=person.pk,
            kind=Reminder.ENDING,
            subject_key=f"mentorship:{mentorship.pk}",
            # A moved end date is a new ending, with its own reminder.
            period_key=mentorship.ends_on.isoformat(),
            title=f"Your mentorship with {other.get_full_name()} ends on {mentorship.ends_on:%d %b %Y}",
            body="Time to wrap up: look back at your goals, write a reflection, say thanks.",
            link=reverse("matching:mentorship", kwargs={"pk": mentorship.pk}),
            due_at=now,
        )

    return remind_both(
        ending, today=today, mentorship_of=lambda m: m, due_for=due_for, batch_size=BATCH
    )
