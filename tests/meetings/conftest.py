"""Fixtures the meetings tests share: a frozen clock and a pair whose mentor keeps contact
windows, for scheduling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
import time_machine

from accounts.models import User
from matching.models import Mentorship
from programs.models import Participant
from tests.matching.factories import (
    AvailabilityFactory,
    ContactWindowFactory,
    MentorProfileFactory,
    MentorshipFactory,
)
from tests.meetings.helpers import NOW


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at NOW until a test moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentorship_with_windows(
    clock: time_machine.Traveller,
    mentor_participant: Participant,
    mentee_p: Participant,
    mentor: User,
) -> Mentorship:
    """Dana Mentor in New York, reachable Mondays 09:00–11:00 there with 24 hours' notice to
    schedule and to cancel, and Mia Mentee; made at NOW."""
    mentor.full_name = "Dana Mentor"
    mentor.time_zone = "America/New_York"
    mentor.save()
    MentorProfileFactory(participant=mentor_participant)
    availability = AvailabilityFactory(
        participant=mentor_participant,
        time_zone="America/New_York",
        minimum_notice_hours=24,
        cancellation_notice_hours=24,
    )
    ContactWindowFactory(
        availability=availability, weekday=0, start_time=time(9), end_time=time(11)
    )
    return MentorshipFactory(mentor=mentor_participant, mentee=mentee_p)
