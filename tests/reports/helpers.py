"""What the dashboard tests share: their instant, and pairs with meetings held before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from matching.models import Mentorship
from meetings.models import Meeting
from programs.models import Program
from tests.matching.factories import MentorshipFactory, mentee_in, mentor_in

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday: where `dashboard_clock` stands


def new_pair(program: Program, *, started_days_ago: int = 100, **values: Any) -> Mentorship:
    """A mentorship of a new mentor (capacity 3) and a new mentee, started that long before NOW."""
    pair = MentorshipFactory(
        mentor=mentor_in(program, capacity=3), mentee=mentee_in(program), **values
    )
    Mentorship.objects.filter(pk=pair.pk).update(started_at=NOW - timedelta(days=started_days_ago))
    pair.refresh_from_db()
    return pair


def held_meeting(pair: Mentorship, days_ago: float) -> Meeting:
    """An hour's meeting of ``pair``, held ``days_ago`` before NOW."""
    starts = NOW - timedelta(days=days_ago)
    return Meeting.objects.create(
        mentorship=pair,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=Meeting.Status.HELD,
        held_at=starts + timedelta(hours=1),
    )
