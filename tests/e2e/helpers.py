"""What several browser tests share."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, available_timezones

from programs.models import Participant, Program, Role
from tests.matching.factories import AvailabilityFactory, ContactWindowFactory, MentorProfileFactory
from tests.programs.factories import ParticipantFactory


def daytime_zone(now: datetime) -> str:
    """A time zone where it is mid-day right now, so quiet hours (21:00–08:00) hold nothing."""
    for name in sorted(available_timezones()):
        if name.startswith("Etc/") and 10 <= now.astimezone(ZoneInfo(name)).hour <= 17:
            return name
    raise AssertionError("no zone at mid-day")  # pragma: no cover


def nav_link(page, name: str):  # noqa: ANN001, ANN201 - a Playwright page and locator
    """A link of the main navigation, by its name."""
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name)


def weekday_mentor(program: Program) -> Participant:
    """Dana Designer, a mentor in London who takes meetings Monday to Friday, 09:00–17:00
    there: a free slot always exists."""
    mentor = ParticipantFactory(
        program=program,
        role=Role.MENTOR,
        user__full_name="Dana Designer",
        user__time_zone="Europe/London",
    )
    MentorProfileFactory(participant=mentor)
    availability = AvailabilityFactory(participant=mentor, time_zone="Europe/London")
    for weekday in range(5):
        ContactWindowFactory(
            availability=availability, weekday=weekday, start_time=time(9), end_time=time(17)
        )
    return mentor
