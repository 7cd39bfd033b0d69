"""Where a meeting happens: the norms' place by default, a video link checked or a Jitsi room
made, the Join button's ten minutes, the place in the .ics and the reminder; and the refusals."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Mentorship, MentorshipGroup
from meetings.calendar import meeting_ics
from meetings.models import Meeting
from meetings.places import JOIN_BEFORE, jitsi_room, place_check, video_link_check
from meetings.reminders import meeting_reminders_scan
from meetings.services import together
from meetings.services.scheduling import (
    circle_meeting_schedule,
    meeting_cancel,
    meeting_confirm,
    meeting_place_set,
    meeting_propose,
)
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Reminder
from tests.meetings.helpers import NOW

pytestmark = pytest.mark.django_db

MON_2_MAR = NOW + timedelta(days=1, hours=2)  # 09:00 New York: inside the mentor's window
ZOOM = "https://acme.zoom.us/j/123456789?pwd=abc"


@pytest.fixture
def pair(mentorship_with_windows: Mentorship) -> Mentorship:
    return mentorship_with_windows


def _agree(mentorship: Mentorship, **norms: object) -> None:
    values = {"frequency": "monthly", "format": "video", "channel": ZOOM, "meeting_minutes": 45}
    together.agreement_propose(
        mentorship=mentorship, actor=mentorship.mentee.user, **(values | norms)
    )
    together.agreement_confirm(mentorship=mentorship, actor=mentorship.mentor.user, version=1)


def _meeting(mentorship: Mentorship, *, confirm: bool = True) -> Meeting:
    meeting = meeting_propose(
        mentorship=mentorship, actor=mentorship.mentee.user, starts_at=MON_2_MAR, minutes=45
    )
    return meeting_confirm(meeting=meeting, actor=mentorship.mentor.user) if confirm else meeting


# The rules, pure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        ZOOM,
        "https://teams.microsoft.com/l/meetup-join/19%3a",
        "https://meet.google.com/abc-defg-hij",
        "https://whereby.com/acme",
        "https://meet.jit.si/Twoway-x",
    ],
)
def test_video_links_of_the_known_services_are_taken(link):
    assert video_link_check(f"  {link} ") == link


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("http://acme.zoom.us/j/1", "starts with https://"),
        ("zoom.us/j/1", "starts with https://"),
        ("javascript:alert(1)", "starts with https://"),
        ("https://evil.example/zoom.us", "not of evil.example"),
        ("https://zoom.us.evil.example/j/1", "not of zoom.us.evil.example"),
        ("https://notzoom.us/j/1", "not of notzoom.us"),
    ],
)
def test_other_links_are_refused_with_the_reason(link, says):
    with pytest.raises(ValidationError, match=says):
        video_link_check(link)


def test_the_operator_adds_a_video_host(settings):
    with pytest.raises(ValidationError):
        video_link_check("https://video.acme.example/room")
    settings.MEETING_VIDEO_HOSTS = ["video.acme.example"]
    assert video_link_check("https://video.acme.example/room")


def test_a_jitsi_room_is_on_the_configured_server_and_unguessable(settings):
    settings.JITSI_URL = "https://jitsi.acme.example"
    first, second = jitsi_room(), jitsi_room()
    assert first.startswith("https://jitsi.acme.example/Twoway-") and first != second
    assert len(first.removeprefix("https://jitsi.acme.example/Twoway-")) >= 21  # 128 bits
    assert video_link_check(first) == first  # its own server's links are taken


def test_each_format_takes_its_kind_of_place():
    assert place_check("phone", "+44 20 7946 0000") == "+44 20 7946 0000"
    assert place_check("in_person", "  Room 4.12,   second floor ") == "Room 4.12, second floor"
    assert place_check("async", "") == ""
    with pytest.raises(ValidationError, match="phone number"):
        place_check("phone", "call me")
    with pytest.raises(ValidationError, match="Say where"):
        place_check("in_person", "")


# Services ------------------------------------------------------------------------------------------


def test_a_new_meeting_takes_the_norms_place(pair):
    _agree(pair)
    meeting = _meeting(pair, confirm=False)
    assert (meeting.format, meeting.place) == ("video", ZOOM)


def test_a_channel_that_is_no_link_leaves_the_video_link_to_be_set(pair):
    _agree(pair, channel="Zoom, link to follow")
    meeting = _meeting(pair, confirm=False)
    assert (meeting.format, meeting.place) == ("video", "")


def test_without_norms_nothing_is_said(pair):
    meeting = _meeting(pair, confirm=False)
    assert (meeting.format, meeting.place) == ("", "")


def test_either_person_sets_a_jitsi_room_and_the_other_is_told(pair, settings):
    meeting = _meeting(pair)
    mentee, mentor = pair.mentee.user, pair.mentor.user
    meeting = meeting_place_set(meeting=meeting, actor=mentee, format="video", jitsi=True)
    assert meeting.place.startswith(f"{settings.JITSI_URL}/Twoway-")
    told = Notification.objects.get(recipient=mentor, title__contains="set where you meet")
    assert meeting.place in told.body
    meeting = meeting_place_set(
        meeting=meeting, actor=mentor, format="phone", place="+1 212 555 0100"
    )
    assert (meeting.format, meeting.place) == ("phone", "+1 212 555 0100")


def test_refusals_change_nothing(pair, outsider):
    meeting = _meeting(pair)
    mentee = pair.mentee.user
    with pytest.raises(DomainError, match="not of evil.example") as refused:
        meeting_place_set(
            meeting=meeting, actor=mentee, format="video", place="https://evil.example/x"
        )
    assert refused.value.field == "place"
    with pytest.raises(DomainError, match="A Jitsi room is for a video call"):
        meeting_place_set(meeting=meeting, actor=mentee, format="phone", jitsi=True)
    with pytest.raises(DomainError, match="Only the two people"):
        meeting_place_set(meeting=meeting, actor=outsider, format="video", place=ZOOM)
    meeting_cancel(meeting=meeting, actor=mentee)
    with pytest.raises(DomainError, match="proposed or confirmed, and not over"):
        meeting_place_set(meeting=meeting, actor=mentee, format="video", place=ZOOM)
    meeting.refresh_from_db()
    assert (meeting.format, meeting.place) == ("", "")
    assert not Notification.objects.filter(title__contains="set where you meet").exists()


def test_a_meeting_that_has_ended_keeps_its_place(pair, clock):
    meeting = _meeting(pair)
    clock.move_to(meeting.ends_at + timedelta(minutes=1))
    with pytest.raises(DomainError, match="not over"):
        meeting_place_set(meeting=meeting, actor=pair.mentee.user, format="video", place=ZOOM)


def test_in_a_circle_only_its_mentor_says_where(circle: MentorshipGroup):
    dana, ana, _ = circle.people()
    meeting = circle_meeting_schedule(circle=circle, actor=dana, starts_at=MON_2_MAR, minutes=60)
    with pytest.raises(DomainError, match="who leads the circle"):
        meeting_place_set(meeting=meeting, actor=ana, format="video", place=ZOOM)
    meeting = meeting_place_set(meeting=meeting, actor=dana, format="in_person", place="Room 4")
    assert Notification.objects.filter(title__contains="set where you meet").count() == 2


# Where it shows --------------------------------------------------------------------------------


def test_the_ics_carries_the_place_and_the_link(pair):
    meeting = _meeting(pair)
    meeting = meeting_place_set(meeting=meeting, actor=pair.mentee.user, format="video", place=ZOOM)
    [event] = icalendar.Calendar.from_ical(meeting_ics(meeting, pair.mentee.user)).events
    assert str(event["location"]) == ZOOM
    assert str(event["conference"]) == ZOOM and event["conference"].params["FEATURE"] == "VIDEO"
    assert f"Join: {ZOOM}" in str(event["description"])


def test_the_reminder_says_where(pair, clock):
    _agree(pair, format="phone", channel="+1 212 555 0100")
    meeting = _meeting(pair)
    clock.move_to(meeting.starts_at - timedelta(hours=20))
    meeting_reminders_scan()
    reminder = Delivery.objects.get(recipient=pair.mentee.user, kind=Reminder.MEETING)
    assert reminder.body.startswith("Phone: +1 212 555 0100.")


def test_the_join_button_shows_from_ten_minutes_before_until_the_end(client, pair, clock):
    _agree(pair)
    meeting = _meeting(pair)
    page = reverse("meetings:meeting", kwargs={"pk": meeting.pk})
    client.force_login(pair.mentee.user)
    clock.move_to(meeting.starts_at - JOIN_BEFORE - timedelta(minutes=1))
    assert 'id="join"' not in client.get(page).content.decode()
    clock.move_to(meeting.starts_at - JOIN_BEFORE)
    html = client.get(page).content.decode()
    assert 'id="join"' in html and f'href="{ZOOM.replace("&", "&amp;")}"' in html
    clock.move_to(meeting.ends_at)
    assert 'id="join"' not in client.get(page).content.decode()


def test_the_page_refuses_a_bad_link_next_to_the_field(client, pair):
    meeting = _meeting(pair)
    client.force_login(pair.mentee.user)
    url = reverse("meetings:meeting_place", kwargs={"pk": meeting.pk})
    answer = client.post(
        url, {"format": "video", "place": "http://zoom.us/j/1"}, headers={"HX-Request": "true"}
    )
    assert "starts with https://" in answer.content.decode()
    assert 'id="id_place_place"' in answer.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == ""


def test_another_pairs_meeting_is_404(client, pair, outsider):
    meeting = _meeting(pair)
    client.force_login(outsider)
    url = reverse("meetings:meeting_place", kwargs={"pk": meeting.pk})
    assert client.post(url, {"format": "video", "jitsi": "on"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.place == ""
