"""Scans for meeting reminders and follow-ups: find what is due, in batches, and put it in
the notifications ledger (which makes a second scan, or a second beat, harmless)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorProfile, Mentorship
from meetings.models import Meeting
from notifications.models import Reminder
from notifications.reminders import Due, reminders_schedule_many

REMINDER_BEFORE = timedelta(hours=24)
FOLLOW_UP_AFTER = {"mentee": timedelta(hours=3), "mentor": timedelta(hours=4)}
FOLLOW_UP_WINDOW = timedelta(days=7)
BATCH = 500


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%a %d %b, %H:%M")


def _away_user_ids(user_ids: set[int], today: object) -> set[int]:
    """Mentors who are away get nothing until they return (one query per batch)."""
    return set(
        MentorProfile.objects.filter(
            participant__user_id__in=user_ids, away_until__gt=today
        ).values_list("participant__user_id", flat=True)
    )


def _batches(meetings: QuerySet[Meeting]) -> Iterator[list[Meeting]]:
    """Keyset pages of BATCH rows: a fixed number of queries per batch, whatever the total."""
    last = 0
    while True:
        batch = list(meetings.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def meeting_reminders_scan(*, now: datetime | None = None) -> int:
    """Both people, a day before a confirmed meeting, with a prompt to add agenda questions."""
    now = now or timezone.now()
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.CONFIRMED,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_BEFORE,
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")
    found = 0
    for batch in _batches(upcoming):
        users = {m.mentorship.mentor.user_id for m in batch} | {
            m.mentorship.mentee.user_id for m in batch
        }
        away = _away_user_ids(users, timezone.localdate(now))
        items = []
        for meeting in batch:
            link = reverse("meetings:meeting", kwargs={"pk": meeting.pk})
            pair = (meeting.mentorship.mentor.user, meeting.mentorship.mentee.user)
            for person, other in (pair, pair[::-1]):
                if person.pk in away:
                    continue
                items.append(
                    Due(
                        recipient_id=person.pk,
                        kind=Reminder.MEETING,
                        subject_key=f"meeting:{meeting.pk}",
                        period_key=meeting.starts_at.isoformat(),
                        title=f"Meeting with {other.get_full_name()} on {_local(meeting.starts_at, person.time_zone)}",
                        body="Add your questions to the agenda, so the time goes to what matters.",
                        link=link,
                        due_at=max(now, meeting.starts_at - REMINDER_BEFORE),
                    )
                )
        reminders_schedule_many(items)
        found += len(items)
    return found


def follow_ups_scan(*, now: datetime | None = None) -> int:
    """A few hours after a meeting: notes, action items, thanks, the next date. Mentee first."""
    now = now or timezone.now()
    ended = Meeting.objects.filter(
        status__in=[Meeting.Status.CONFIRMED, Meeting.Status.HELD],
        ends_at__lte=now - FOLLOW_UP_AFTER["mentee"],
        ends_at__gt=now - FOLLOW_UP_WINDOW,
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")
    found = 0
    for batch in _batches(ended):
        users = {m.mentorship.mentor.user_id for m in batch}
        away = _away_user_ids(users, timezone.localdate(now))
        items = []
        for meeting in batch:
            link = reverse("meetings:meeting", kwargs={"pk": meeting.pk})
            for side, person, other in (
                ("mentee", meeting.mentorship.mentee.user, meeting.mentorship.mentor.user),
                ("mentor", meeting.mentorship.mentor.user, meeting.mentorship.mentee.user),
            ):
                if person.pk in away or meeting.ends_at + FOLLOW_UP_AFTER[side] > now:
                    continue
                items.append(
                    Due(
                        recipient_id=person.pk,
                        kind=Reminder.FOLLOW_UP,
                        subject_key=f"meeting:{meeting.pk}",
                        period_key="once",
                        title=f"How did your meeting with {other.get_full_name()} go?",
                        body="Record notes and action items, say thanks, and set the next date.",
                        link=link,
                        due_at=meeting.ends_at + FOLLOW_UP_AFTER[side],
                    )
                )
        reminders_schedule_many(items)
        found += len(items)
    return found
