"""A mentor's boundaries hold in writing: when they hear of a message (pure, across a
daylight-saving change), what the sender reads before sending, and the ledger's due time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from conversations.access import get_thread_for_user
from conversations.notices import telling
from conversations.services import message_send
from matching.models import MentorProfile, Mentorship
from matching.windows import Window
from meetings.models import Meeting
from notifications.models import Delivery, Reminder
from tests.matching.factories import AvailabilityFactory, ContactWindowFactory

Communication = MentorProfile.Communication
MONDAY_MORNING = (Window(0, time(8), time(10)),)  # Mondays 08:00–10:00, New York
# Saturday 7 March 2026, noon UTC. New York moves to summer time on Sunday 8 March at 02:00, so
# Monday 9 March 08:00 there is 12:00 UTC (it was 13:00 UTC the Monday before).
SATURDAY = datetime(2026, 3, 7, 12, tzinfo=UTC)


def _telling(communication: str, *, now: datetime = SATURDAY, meeting: datetime | None = None):
    return telling(
        now=now,
        name="Amara Okafor",
        communication=communication,
        windows=MONDAY_MORNING,
        zone="America/New_York",
        next_meeting_at=meeting,
        viewer_zone="Europe/London",
    )


def test_within_windows_waits_for_the_next_opening_across_the_clock_change():
    told = _telling(Communication.WITHIN_WINDOWS)
    assert told.at == datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert told.words == (
        "Amara Okafor reads messages Mon 08:00–10:00 New York time; Amara Okafor will be told "
        "Monday 9 March at 12:00 (London time)."
    )


def test_within_windows_inside_a_window_tells_after_ten_minutes():
    inside = datetime(2026, 3, 9, 12, 30, tzinfo=UTC)  # Monday 08:30 in New York
    told = _telling(Communication.WITHIN_WINDOWS, now=inside)
    assert told.at == inside + timedelta(minutes=10)
    assert "in a few minutes if it is still unread" in told.words


def test_only_at_meetings_waits_for_the_day_before_the_next_meeting():
    meeting = datetime(2026, 3, 12, 15, tzinfo=UTC)
    told = _telling(Communication.MEETINGS_ONLY, meeting=meeting)
    assert told.at == meeting - timedelta(days=1)
    assert told.words.startswith("Amara Okafor prefers to talk at meetings: Amara Okafor will")
    assert "the day before your next one, Wednesday 11 March at 15:00 (London time)" in told.words


def test_only_at_meetings_with_none_planned_waits_for_the_weekly_summary():
    told = _telling(Communication.MEETINGS_ONLY)
    # The Monday after, 08:00 in New York: already summer time.
    assert told.at == datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert "a weekly summary" in told.words


def test_any_time_tells_after_ten_minutes_without_a_word():
    told = _telling(Communication.ANY_TIME)
    assert told.at == SATURDAY + timedelta(minutes=10) and told.words == ""


@pytest.mark.django_db
def test_the_ledger_holds_the_mentors_notice_and_the_sender_is_told_why(
    client, mentorship: Mentorship, mentor, mentee
):
    MentorProfile.objects.filter(participant=mentorship.mentor).update(
        communication=Communication.WITHIN_WINDOWS
    )
    availability = AvailabilityFactory(participant=mentorship.mentor, time_zone="America/New_York")
    ContactWindowFactory(
        availability=availability, weekday=0, start_time=time(8), end_time=time(10)
    )
    mentee.time_zone = "America/New_York"
    mentee.save()
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(mentee)
        page = client.get(reverse("conversations:conversation", args=[mentorship.pk]))
        assert "will be told Monday 9 March at 08:00 (New York time)" in page.content.decode()
        message_send(
            thread=get_thread_for_user(mentee, mentorship.pk), author=mentee, text="A question"
        )
    notice = Delivery.objects.get(kind=Reminder.MESSAGE, recipient=mentor)
    assert notice.due_at == datetime(2026, 3, 9, 12, tzinfo=UTC)
    # The mentor writing back tells the mentee ten minutes later: the boundary is the mentor's.
    with time_machine.travel(SATURDAY, tick=False):
        message_send(
            thread=get_thread_for_user(mentor, mentorship.pk), author=mentor, text="Monday!"
        )
    back = Delivery.objects.get(kind=Reminder.MESSAGE, recipient=mentee)
    assert back.due_at == SATURDAY + timedelta(minutes=10)


@pytest.mark.django_db
def test_only_at_meetings_holds_the_notice_until_the_day_before_the_meeting(
    mentorship: Mentorship, mentor, mentee
):
    meeting_at = SATURDAY + timedelta(days=5)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=meeting_at,
        ends_at=meeting_at + timedelta(minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    with time_machine.travel(SATURDAY, tick=False):
        message_send(
            thread=get_thread_for_user(mentee, mentorship.pk), author=mentee, text="Agenda idea"
        )
    notice = Delivery.objects.get(kind=Reminder.MESSAGE, recipient=mentor)
    assert notice.due_at == meeting_at - timedelta(days=1)
