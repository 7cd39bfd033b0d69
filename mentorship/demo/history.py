"""Half a year as it happened: people joining, requests sent and answered, meetings roughly
every two to four weeks, monthly check-ins and goals achieved. Two pairs went quiet
(stalled), two had a bad month (at risk), one cancelled late twice, one never met."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from goals.models import Goal
from matching.models import Mentorship, MentorshipRequest
from meetings.models import Meeting
from mentorship.demo.checkins import checkins_answered_seed
from mentorship.demo.programs import HISTORY_DAYS
from programs.models import Participant, Program, Role

# The pairs by their mentee's number (mentee7@example.com is pair 7).
QUIET, LOW_MONTH, LATE_CANCELLER, NEVER_MET = {7, 8}, {5, 9}, {4}, {6}


def history_seed(*, program: Program, mentees: list[User]) -> None:
    now = timezone.now()
    if Meeting.objects.filter(
        mentorship__program=program, starts_at__lt=now - timedelta(days=60)
    ).exists():
        return
    rng = random.Random(11)  # noqa: S311 (demo data, not security)
    start = now - timedelta(days=HISTORY_DAYS - 10)
    for offset, pk in enumerate(
        Participant.objects.filter(program=program)
        .exclude(role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        Participant.objects.filter(pk=pk).update(joined_at=start + timedelta(days=offset % 21))
    pairs = {
        int(m.mentee.user.email.removeprefix("mentee").split("@")[0]): m
        for m in Mentorship.objects.filter(
            program=program, status=Mentorship.Status.ACTIVE
        ).select_related("mentor__user", "mentee__user")
    }
    for number, pair in sorted(pairs.items()):
        _pair_history(program, pair, number, start=start, now=now, rng=rng)
    _requests_closed(program, mentees, start=start, rng=rng)


def _pair_history(
    program: Program,
    pair: Mentorship,
    number: int,
    *,
    start: datetime,
    now: datetime,
    rng: random.Random,
) -> None:
    """The request that started the pair, its meetings, check-ins and an achieved goal."""
    started = start + timedelta(days=20 + 3 * number)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=started)
    asked = MentorshipRequest.objects.create(
        program=program,
        mentee=pair.mentee,
        mentor=pair.mentor,
        why_this_mentor="Your profile says you have done what I am trying to do.",
        status=MentorshipRequest.Status.ACCEPTED,
        answered_at=started,
        closed_at=started,
        expires_at=started + timedelta(days=14),
        mentorship=pair,
    )
    MentorshipRequest.objects.filter(pk=asked.pk).update(
        created_at=started - timedelta(days=rng.randint(1, 6))
    )
    if number in NEVER_MET:
        return
    last = now - timedelta(days=80 if number in QUIET else 4)
    day = started + timedelta(days=rng.randint(5, 12))
    while day < last:
        begins = day.replace(hour=14, minute=0, second=0, microsecond=0)
        Meeting.objects.create(
            mentorship=pair,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=45),
            status=Meeting.Status.HELD,
            proposed_by=pair.mentee.user,
            confirmed_at=begins - timedelta(days=3),
            held_at=begins + timedelta(minutes=45),
        )
        day += timedelta(days=rng.choice([10, 14, 14, 21, 28]))
    if number in LATE_CANCELLER:
        for days_ago in (50, 20):
            begins = (now - timedelta(days=days_ago)).replace(
                hour=9, minute=0, second=0, microsecond=0
            )
            Meeting.objects.create(
                mentorship=pair,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=30),
                status=Meeting.Status.CANCELLED,
                proposed_by=pair.mentee.user,
                cancelled_at=begins - timedelta(hours=2),
                cancelled_late=True,
            )
    checkins_answered_seed(pair, started, now, rng, low=number in LOW_MONTH)
    goal = (
        Goal.objects.filter(owner=pair.mentee, status=Goal.Status.ACTIVE)
        .order_by("-position")
        .first()
    )
    if goal is not None and number % 3:
        Goal.objects.filter(pk=goal.pk).update(
            status=Goal.Status.ACHIEVED,
            progress=100,
            achieved_at=now - timedelta(days=rng.randint(7, HISTORY_DAYS - 40)),
        )


def _requests_closed(
    program: Program, mentees: list[User], *, start: datetime, rng: random.Random
) -> None:
    """Requests that did not become mentorships: declined, expired, withdrawn."""
    mentors = list(Participant.objects.filter(program=program, role=Role.MENTOR).order_by("pk"))
    waiting = list(
        Participant.objects.filter(
            program=program, role=Role.MENTEE, user__email__in=[u.email for u in mentees[15:]]
        )
    )
    endings = [
        MentorshipRequest.Status.DECLINED,
        MentorshipRequest.Status.EXPIRED,
        MentorshipRequest.Status.WITHDRAWN,
    ]
    for k in range(30):
        sent = start + timedelta(days=rng.randint(0, HISTORY_DAYS - 30))
        status = endings[k % 3]
        done = sent + timedelta(days=rng.randint(1, 9))
        asked = MentorshipRequest.objects.create(
            program=program,
            mentee=waiting[k % len(waiting)],
            mentor=mentors[rng.randrange(len(mentors))],
            why_this_mentor="I would value your view on my next step.",
            status=status,
            answered_at=done if status == MentorshipRequest.Status.DECLINED else None,
            decline_reason=MentorshipRequest.DeclineReason.NO_TIME
            if status == MentorshipRequest.Status.DECLINED
            else "",
            closed_at=done,
            expires_at=sent + timedelta(days=14),
        )
        MentorshipRequest.objects.filter(pk=asked.pk).update(created_at=sent)
