"""Fixtures the meetings tests share: a frozen clock, a pair whose mentor keeps contact
windows, for scheduling, and a circle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
import time_machine

from accounts.models import User
from matching.models import Mentorship, MentorshipGroup
from matching.services.start import mentorship_start
from programs.models import Participant, Program, Role
from tests.matching.factories import (
    AvailabilityFactory,
    ContactWindowFactory,
    MentorProfileFactory,
    MentorshipFactory,
)
from tests.meetings.helpers import NOW
from tests.programs.factories import ParticipantFactory


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


@pytest.fixture
def circle(clock: time_machine.Traveller, program: Program) -> MentorshipGroup:
    """Dana leads one circle of (up to) three in a group program; Ana and Bo are in it."""
    program.kind = Program.Kind.GROUP
    program.circle_size = 3
    program.save()
    mentor = ParticipantFactory(
        program=program,
        role=Role.MENTOR,
        user__full_name="Dana Mentor",
        user__time_zone="America/New_York",
    )
    MentorProfileFactory(participant=mentor, capacity=1)
    availability = AvailabilityFactory(
        participant=mentor, time_zone="America/New_York", minimum_notice_hours=24
    )
    ContactWindowFactory(
        availability=availability, weekday=0, start_time=time(9), end_time=time(11)
    )
    for name in ("Ana Member", "Bo Member"):
        mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name=name)
        mentorship_start(mentor=mentor, mentee=mentee)
    return MentorshipGroup.objects.get(mentor=mentor)
