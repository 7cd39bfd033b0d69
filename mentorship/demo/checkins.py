"""Answered monthly check-ins of the demo's history, the figures the dashboard charts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from matching.models import Mentorship
from meetings.models import CheckIn
from meetings.services.checkins import period_of

COMMENTS = [
    "We found our rhythm; the agenda a day before helps a lot.",
    "Hard to find time this month, but the last talk was worth it.",
    "I would like more concrete feedback on my drafts.",
    "",
    "",
]


def checkins_answered_seed(
    pair: Mentorship, started: datetime, now: datetime, rng: random.Random, *, low: bool
) -> None:
    """Both people's check-ins from the month after the start until last month; ``low``: the
    mentee was unhappy last month (the pair is at risk)."""
    day = (started.date().replace(day=1) + timedelta(days=32)).replace(day=1)
    this_month = timezone.localdate(now).replace(day=1)
    while day < this_month:
        key, _ = period_of(day, 1)
        last = (day + timedelta(days=32)).replace(day=1) >= this_month
        for person in (pair.mentor.user, pair.mentee.user):
            score = (
                2 if low and last and person == pair.mentee.user else rng.choice([3, 4, 4, 5, 5])
            )
            comment = rng.choice(COMMENTS)
            CheckIn.objects.create(
                mentorship=pair,
                person=person,
                period_key=key,
                due_on=day,
                status=CheckIn.Status.ANSWERED,
                satisfaction=score,
                energy=score if low else max(3, min(5, score + rng.choice([-1, 0, 0, 1]))),
                norms_fit=CheckIn.NormsFit.YES,
                comment=comment,
                comment_visibility=CheckIn.Visibility.ADMINS
                if rng.random() < 0.5
                else CheckIn.Visibility.SHARED,
                answered_at=datetime.combine(
                    day + timedelta(days=rng.randint(1, 6)), time(12), tzinfo=UTC
                ),
            )
        day = (day + timedelta(days=32)).replace(day=1)
