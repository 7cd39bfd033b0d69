"""The past written so that every kind of reminder is due once now, and one pass of every
scan, so the ledger holds them (make run's worker delivers them; reruns add nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import Frequency, Mentorship, MentorshipRequest
from matching.services.requests import requests_expire_due
from meetings.models import Advice, Meeting
from meetings.services.checkins import checkins_open_due
from meetings.services.together import agreement_confirm, agreement_propose
from notifications.digest import last_week
from notifications.models import Delivery, Reminder
from notifications.reminders import CHOOSABLE, preferences_of, preferences_save
from programs.models import Program


def reminder_history_seed(*, program: Program, mentees: list[User]) -> None:
    """A meeting tomorrow, one held yesterday, a pair overdue for its agreed rhythm, a request
    waiting four days and one that expired, advice with no outcome after two weeks, an end
    date in ten days, and last week's items for a weekly digest."""
    if Delivery.objects.filter(subject_key__startswith="demo-history:").exists():
        return
    now = timezone.now()
    by_mentee = {
        m.mentee.user.email: m
        for m in Mentorship.objects.filter(
            program=program, status=Mentorship.Status.ACTIVE
        ).select_related("mentor__user", "mentee__user")
    }

    def pair(number: int) -> Mentorship:
        return by_mentee[f"mentee{number}@example.com"]

    # Meeting reminder (tomorrow) and follow-up (held yesterday): written as they happened.
    tomorrow = (now + timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    Meeting.objects.create(
        mentorship=pair(2),
        starts_at=tomorrow,
        ends_at=tomorrow + timedelta(minutes=30),
        status=Meeting.Status.CONFIRMED,
        proposed_by=pair(2).mentee.user,
        confirmed_at=now - timedelta(days=2),
    )
    yesterday = (now - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    Meeting.objects.create(
        mentorship=pair(3),
        starts_at=yesterday,
        ends_at=yesterday + timedelta(minutes=45),
        status=Meeting.Status.HELD,
        proposed_by=pair(3).mentee.user,
        confirmed_at=yesterday - timedelta(days=4),
        held_at=yesterday + timedelta(minutes=45),
    )
    # Cadence: a monthly rhythm agreed 45 days ago, and no meeting since.
    overdue = pair(6)
    agreement_propose(
        mentorship=overdue,
        actor=overdue.mentee.user,
        frequency=Frequency.MONTHLY,
        format="video",
        channel="The video link in the calendar invite",
        between_meetings="",
        meeting_minutes=45,
        other="",
    )
    agreement = agreement_confirm(mentorship=overdue, actor=overdue.mentor.user, version=1)
    type(agreement).objects.filter(pk=agreement.pk).update(confirmed_at=now - timedelta(days=45))
    # Report back: advice given sixteen days ago that the mentee has not acted on yet.
    Advice.objects.filter(mentorship__program=program, outcome="").update(
        created_at=now - timedelta(days=16)
    )
    # Relationship ending: an end date ten days away.
    Mentorship.objects.filter(pk=pair(15).pk).update(
        ends_on=timezone.localdate(now) + timedelta(days=10)
    )
    _requests_waiting(program, now)
    _digest_items(mentees[3], now)


def _requests_waiting(program: Program, now: datetime) -> None:
    """A request waiting four days on its mentor, and one that expired unanswered."""
    waiting = MentorshipRequest.objects.filter(
        program=program,
        status=MentorshipRequest.Status.PENDING,
        waiting_on=MentorshipRequest.WaitingOn.MENTOR,
    ).order_by("pk")
    MentorshipRequest.objects.filter(pk__in=waiting.values("pk")[:1]).update(
        created_at=now - timedelta(days=4)
    )
    stale = waiting.exclude(mentee__user__email="mentee1@example.com").last()
    if stale is not None:
        MentorshipRequest.objects.filter(pk=stale.pk).update(
            created_at=now - timedelta(days=15), expires_at=now - timedelta(hours=1)
        )
        requests_expire_due(now=now)


def _digest_items(person: User, now: datetime) -> None:
    """Weekly digest: this person (mentee4) has action items go to the digest; last week had two."""
    prefs = preferences_of(person)
    channels = {kind: dict(prefs.for_kind(kind)) for kind in CHOOSABLE}
    channels[Reminder.ACTION_DUE] = {"in_app": False, "email": False, "digest": True}
    preferences_save(
        user=person, channels=channels, quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end
    )
    _key, last_monday, _end = last_week(now)
    for day, text in ((1, "Read the chapter on feedback"), (3, "Ask Sam for an intro")):
        Delivery.objects.create(
            recipient=person,
            kind=Reminder.ACTION_DUE,
            subject_key=f"demo-history:{day}",
            period_key=f"{last_monday + timedelta(days=day):%Y-%m-%d}",
            title=f"Due tomorrow: {text}",
            link=reverse("home"),
            due_at=last_monday + timedelta(days=day, hours=9),
            state=Delivery.State.SENT,
            sent_at=last_monday + timedelta(days=day, hours=9),
            channels="digest",
        )


def reminders_scan_once() -> None:
    """Run every scan once, so the ledger has reminders of each kind that is due now."""
    from mentorship.management.commands.send_due_reminders import SCANS

    now = timezone.now()
    # History: the demo relationships began last period, so this period's check-ins are open.
    Mentorship.objects.filter(started_at__gt=now - timedelta(days=120)).update(
        started_at=now - timedelta(days=120)
    )
    for scan in SCANS:
        scan(now=now)
    checkins_open_due(now=now)
