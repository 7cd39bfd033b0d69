"""Scans for request and relationship reminders: find what is due, in batches, and put it in
the notifications ledger (a second scan, or a second beat, finds the rows there already)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

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
from notifications.services import in_language

# Timings are in settings.REMINDER_TIMINGS; expiry itself is per program
# (Program.request_expiry_days, set on the request).
BATCH = 500

M = TypeVar("M", bound=Model)


def _day(value: date) -> str:
    return date_format(value, "d M Y")


# A date in the words of the reader's language ("05 Mar 2025"), made when the reminder is written.
_lazy_day = lazy(_day, str)


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
                language=request.mentor.user.language_code,
                kind=Reminder.REQUEST_PENDING,
                subject_key=f"request:{request.pk}",
                period_key="once",
                title=format_lazy(
                    gettext_lazy("{name} is waiting for your answer"),
                    name=request.mentee.user.get_full_name(),
                ),
                body=format_lazy(
                    gettext_lazy(
                        "Accept, ask a question, suggest someone else or decline kindly: "
                        "the request expires on {date}."
                    ),
                    date=_lazy_day(timezone.localdate(request.expires_at)),
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
    mentee = request.mentee.user
    return reminder_schedule(
        recipient=mentee,
        kind=Reminder.REQUEST_EXPIRED,
        subject_key=f"request:{request.pk}",
        period_key="once",
        # Written in the mentee's language.
        title=in_language(
            mentee.language_code,
            format_lazy(
                gettext_lazy("Your request to {name} expired without an answer"),
                name=request.mentor.user.get_full_name(),
            ),
        ),
        body=in_language(
            mentee.language_code,
            gettext_lazy("Other mentors in the directory may have room now."),
        ),
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
            language=person.language_code,
            kind=Reminder.ENDING,
            subject_key=f"mentorship:{mentorship.pk}",
            # A moved end date is a new ending, with its own reminder.
            period_key=mentorship.ends_on.isoformat(),
            title=format_lazy(
                gettext_lazy("Your mentorship with {name} ends on {date}"),
                name=other.get_full_name(),
                date=_lazy_day(mentorship.ends_on),
            ),
            body=gettext_lazy(
                "Time to wrap up: look back at your goals, write a reflection, say thanks."
            ),
            link=reverse("matching:mentorship", kwargs={"pk": mentorship.pk}),
            due_at=now,
        )

    return remind_both(
        ending, today=today, mentorship_of=lambda m: m, due_for=due_for, batch_size=BATCH
    )
