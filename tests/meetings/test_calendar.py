"""Calendar files: one meeting's .ics and the private feed, parsed back with icalendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Mentorship
from meetings.calendar import calendar_feed_regenerate, feed_ics, meeting_ics
from meetings.models import CalendarFeed, Meeting
from meetings.services.scheduling import (
    meeting_cancel,
    meeting_confirm,
    meeting_propose,
    meeting_reschedule,
)
from tests.matching.factories import MentorshipFactory

UTC = ZoneInfo("UTC")
MON_2_MAR = datetime(2026, 3, 2, 14, tzinfo=UTC)  # 09:00 New York, 15:00 Berlin
MON_30_MAR = datetime(2026, 3, 30, 13, tzinfo=UTC)  # 09:00 New York, 15:00 Berlin (CEST)


@pytest.fixture
def mentorship(mentorship_with_windows: Mentorship) -> Mentorship:
    """Here the pair's mentor keeps Monday windows in New York, on the frozen clock (conftest)."""
    return mentorship_with_windows


def _meeting(mentorship, starts_at=MON_2_MAR, *, confirm=True) -> Meeting:
    meeting = meeting_propose(
        mentorship=mentorship, actor=mentorship.mentee.user, starts_at=starts_at, minutes=45
    )
    if confirm:
        meeting = meeting_confirm(meeting=meeting, actor=mentorship.mentor.user)
    return meeting


def _events(body: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(body).events


def test_a_meeting_ics_is_in_the_viewers_zone_at_the_right_instant(mentorship, mentee, mentor):
    meeting = _meeting(mentorship)
    [event] = _events(meeting_ics(meeting, mentee))
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.tzinfo.key == "Europe/Berlin"
    assert (start.hour, start.minute) == (15, 0)
    assert start == MON_2_MAR and end == MON_2_MAR + timedelta(minutes=45)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert str(event["summary"]) == "Mentoring: Dana Mentor"
    assert str(event["status"]) == "CONFIRMED"

    [event] = _events(meeting_ics(meeting, mentor))
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "America/New_York"
    assert (start.hour, start.minute) == (9, 0) and start == MON_2_MAR
    assert str(event["summary"]) == "Mentoring: Mia Mentee"


def test_the_calendar_carries_the_vtimezone_it_names(mentorship, mentee):
    calendar = icalendar.Calendar.from_ical(meeting_ics(_meeting(mentorship), mentee))
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()


def test_summer_time_gives_the_summer_offset(mentorship, mentee):
    [event] = _events(meeting_ics(_meeting(mentorship, MON_30_MAR), mentee))
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=2)
    assert start == MON_30_MAR


def test_status_follows_the_meeting(mentorship, mentee):
    proposal = _meeting(mentorship, confirm=False)
    assert str(_events(meeting_ics(proposal, mentee))[0]["status"]) == "TENTATIVE"
    cancelled = meeting_cancel(meeting=proposal, actor=mentee)
    assert str(_events(meeting_ics(cancelled, mentee))[0]["status"]) == "CANCELLED"


def test_the_uid_stays_when_a_meeting_moves(mentorship, mentee):
    meeting = _meeting(mentorship)
    before = str(_events(meeting_ics(meeting, mentee))[0]["uid"])
    moved = meeting_reschedule(meeting=meeting, actor=mentee, starts_at=MON_30_MAR, minutes=30)
    [event] = _events(meeting_ics(moved, mentee))
    assert str(event["uid"]) == before
    assert event.decoded("dtstart") == MON_30_MAR


def test_the_feed_has_all_of_the_persons_meetings_and_nobody_elses(mentorship, mentee, mentor):
    first, second = _meeting(mentorship), _meeting(mentorship, MON_30_MAR)
    elsewhere = MentorshipFactory()
    Meeting.objects.create(
        mentorship=elsewhere, starts_at=MON_2_MAR, ends_at=MON_2_MAR + timedelta(hours=1)
    )
    events = _events(feed_ics(mentee))
    assert [e.decoded("dtstart") for e in events] == [first.starts_at, second.starts_at]
    assert all(e.decoded("dtstart").tzinfo.key == "Europe/Berlin" for e in events)


def test_an_empty_feed_is_still_a_calendar(mentee, db):
    assert _events(feed_ics(mentee)) == []


# ---------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------
def test_the_two_people_download_the_ics(client, mentorship, mentee):
    meeting = _meeting(mentorship)
    client.force_login(mentee)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="meeting-{meeting.pk}.ics"' in response["Content-Disposition"]
    assert _events(response.content)[0].decoded("dtstart") == MON_2_MAR


@pytest.mark.parametrize("who", ["outsider", "admin_user"])
def test_nobody_else_downloads_a_meetings_ics(client, mentorship, who, request):
    meeting = _meeting(mentorship)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 404


def test_the_calendar_page_offers_to_make_a_feed(client, mentee):
    client.force_login(mentee)
    response = client.get(reverse("meetings:calendar"))
    assert response.status_code == 200
    assert response.context["feed"] is None
    assert not CalendarFeed.objects.exists()


def test_the_feed_answers_by_secret_without_a_login(client, mentorship, mentee):
    meeting = _meeting(mentorship)
    client.force_login(mentee)
    client.post(reverse("meetings:calendar_regenerate"))
    feed = CalendarFeed.objects.get(user=mentee)
    assert len(feed.secret) >= 40
    page = client.get(reverse("meetings:calendar"))
    url = reverse("meetings:calendar_feed", args=[feed.secret])
    assert url == f"/calendar/{feed.secret}.ics"
    assert url in page.content.decode()
    response = Client().get(url)
    assert response.status_code == 200
    [event] = _events(response.content)
    assert event.decoded("dtstart") == meeting.starts_at


def test_regenerating_revokes_the_old_address(client, mentorship, mentee):
    _meeting(mentorship)
    old = calendar_feed_regenerate(user=mentee).secret
    client.force_login(mentee)
    response = client.post(reverse("meetings:calendar_regenerate"))
    assert response["Location"] == reverse("meetings:calendar")
    new = CalendarFeed.objects.get(user=mentee).secret
    assert new != old
    anonymous = Client()
    assert anonymous.get(reverse("meetings:calendar_feed", args=[old])).status_code == 404
    assert anonymous.get(reverse("meetings:calendar_feed", args=[new])).status_code == 200


def test_an_unknown_secret_is_404(client, db):
    assert client.get("/calendar/not-a-secret.ics").status_code == 404


def test_regenerate_needs_a_login_and_a_post(client, mentee):
    assert client.post(reverse("meetings:calendar_regenerate")).status_code == 302
    assert not CalendarFeed.objects.exists()
    client.force_login(mentee)
    assert client.get(reverse("meetings:calendar_regenerate")).status_code == 405
