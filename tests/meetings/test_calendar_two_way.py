"""Two-way calendar sync against a real CalDAV server (Radicale on the loopback): meetings are
written into the person's calendar (the Jitsi link with them, a proposal as tentative, a
cancelled one taken out); moving or deleting one there proposes the new time or cancels it at
the next sync, under the mentor's windows and notice, across a daylight-saving change; what
breaks a rule is refused, told, and put back; an interrupted sync neither loses nor doubles
anything; a sync asks only for what changed (RFC 6578 sync tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from caldav.davclient import DAVClient

from matching.models import MeetingFormat, Mentorship
from meetings import caldav_sync
from meetings.calendar import meeting_uid
from meetings.models import CalendarConnection, CalendarEntry, Meeting, MeetingAnswer
from meetings.services import calendars
from meetings.services.calendars import calendar_connect, calendar_sync, calendars_write_meeting
from meetings.services.scheduling import (
    circle_meeting_schedule,
    circle_slots_for,
    meeting_cancel,
    meeting_confirm,
    meeting_place_set,
    meeting_propose,
)
from notifications.models import Notification
from tests.conftest import CalDavServer

pytestmark = pytest.mark.django_db

MON_2_MAR_0900_NY = datetime(2026, 3, 2, 14, tzinfo=UTC)  # 09:00 EST, in Dana's window
# A week on, the clocks in New York have gone forward: 09:00 there is 13:00 UTC.
MON_9_MAR_0900_NY = datetime(2026, 3, 9, 13, tzinfo=UTC)


@dataclass
class Connected:
    pair: Mentorship
    calendar: Any  # the caldav library's Calendar, as the person's own app sees it
    connection: CalendarConnection

    def sync(self) -> CalendarConnection:
        self.connection.refresh_from_db()
        return calendar_sync(connection=self.connection)

    def events(self) -> list[Any]:
        return [event.icalendar_component for event in self.calendar.events()]


@pytest.fixture
def dana(mentorship_with_windows: Mentorship, radicale: CalDavServer) -> Connected:
    """Dana (the mentor) connected her Radicale calendar "Work"."""
    client = DAVClient(url=radicale.url, username=radicale.username, password=radicale.password)
    calendar = client.principal().make_calendar(name="Work")
    connection = calendar_connect(
        user=mentorship_with_windows.mentor.user,
        server_url=radicale.url,
        username=radicale.username,
        password=radicale.password,
    )
    return Connected(pair=mentorship_with_windows, calendar=calendar, connection=connection)


def _confirmed(
    pair: Mentorship, on_commit: Any, starts_at: datetime = MON_2_MAR_0900_NY
) -> Meeting:
    """Mia proposes a video call with a Jitsi room; Dana confirms it."""
    with on_commit(execute=True):
        meeting = meeting_propose(
            mentorship=pair, actor=pair.mentee.user, starts_at=starts_at, minutes=30
        )
    with on_commit(execute=True):
        meeting = meeting_place_set(
            meeting=meeting, actor=pair.mentee.user, format=MeetingFormat.VIDEO, jitsi=True
        )
    with on_commit(execute=True):
        return meeting_confirm(meeting=meeting, actor=pair.mentor.user)


def _move(calendar: Any, uid: str, starts_at: datetime, minutes: int = 30) -> None:
    """What a calendar app does when the person drags the event to another time."""
    event = calendar.event_by_uid(uid)
    component = event.icalendar_component
    for name in ("dtstart", "dtend"):
        del component[name]
    component.add("dtstart", starts_at)
    component.add("dtend", starts_at + timedelta(minutes=minutes))
    event.save()


def test_a_confirmed_meeting_is_written_with_its_jitsi_link(
    dana, django_capture_on_commit_callbacks
):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    [event] = dana.events()
    assert str(event["uid"]) == meeting_uid(meeting)
    assert event.decoded("dtstart") == MON_2_MAR_0900_NY
    assert str(event["status"]) == "CONFIRMED"
    assert meeting.place.startswith("https://meet.jit.si/")
    assert str(event["location"]) == meeting.place
    assert meeting.place in str(event["description"])
    assert str(event["summary"]) == "Mentoring: Mia Mentee"
    [entry] = CalendarEntry.objects.all()
    assert entry.sequence == Meeting.objects.get().sequence


def test_a_proposal_is_tentative_and_a_cancelled_meeting_is_taken_out(
    dana, django_capture_on_commit_callbacks
):
    pair = dana.pair
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_propose(
            mentorship=pair, actor=pair.mentee.user, starts_at=MON_2_MAR_0900_NY, minutes=30
        )
    [event] = dana.events()
    assert str(event["status"]) == "TENTATIVE"
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=pair.mentee.user)
    assert dana.events() == []
    assert not CalendarEntry.objects.exists()


def test_connecting_writes_the_meetings_already_planned(
    mentorship_with_windows, radicale, django_capture_on_commit_callbacks
):
    meeting = _confirmed(mentorship_with_windows, django_capture_on_commit_callbacks)
    client = DAVClient(url=radicale.url, username=radicale.username, password=radicale.password)
    calendar = client.principal().make_calendar(name="Work")
    calendar_connect(
        user=mentorship_with_windows.mentee.user,
        server_url=radicale.url,
        username=radicale.username,
        password=radicale.password,
    )
    [event] = calendar.events()
    assert str(event.icalendar_component["uid"]) == meeting_uid(meeting)


def test_moving_it_there_proposes_the_new_time_across_the_clock_change(
    dana, django_capture_on_commit_callbacks
):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    _move(dana.calendar, meeting_uid(meeting), MON_9_MAR_0900_NY)
    with django_capture_on_commit_callbacks(execute=True):
        dana.sync()
    meeting.refresh_from_db()
    assert meeting.starts_at == MON_9_MAR_0900_NY
    assert meeting.ends_at == MON_9_MAR_0900_NY + timedelta(minutes=30)
    assert meeting.status == Meeting.Status.PROPOSED  # Mia confirms the new time
    assert meeting.proposed_by == dana.pair.mentor.user
    told = Notification.objects.get(recipient=dana.pair.mentee.user, title__contains="moved")
    assert "2 Mar" in told.title and "9 Mar" in told.title
    # Written back as the proposal it now is, at the time Dana chose.
    [event] = dana.events()
    assert str(event["status"]) == "TENTATIVE"
    assert event.decoded("dtstart") == MON_9_MAR_0900_NY


def test_a_move_that_breaks_a_boundary_is_refused_told_and_put_back(
    dana, django_capture_on_commit_callbacks
):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    evening = MON_2_MAR_0900_NY + timedelta(hours=9)  # 18:00 in New York: outside her window
    _move(dana.calendar, meeting_uid(meeting), evening)
    dana.sync()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.status) == (MON_2_MAR_0900_NY, Meeting.Status.CONFIRMED)
    refused = Notification.objects.get(recipient=dana.pair.mentor.user, title__contains="could not")
    assert "could not do" in refused.title and "outside" in refused.body
    [event] = dana.events()
    assert event.decoded("dtstart") == MON_2_MAR_0900_NY
    assert not Notification.objects.filter(recipient=dana.pair.mentee.user, title__contains="moved")


def test_deleting_it_there_cancels_it_and_inside_the_notice_it_is_late(
    dana, clock, django_capture_on_commit_callbacks
):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    dana.calendar.event_by_uid(meeting_uid(meeting)).delete()
    clock.move_to(MON_2_MAR_0900_NY - timedelta(hours=3))  # inside the 24 hours' notice
    dana.sync()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancelled_by == dana.pair.mentor.user and meeting.cancelled_late
    told = Notification.objects.get(recipient=dana.pair.mentee.user, title__contains="cancelled")
    assert "short notice" in told.title
    assert dana.events() == [] and not CalendarEntry.objects.exists()


def test_a_circle_member_deleting_it_declines_it(
    circle, radicale, django_capture_on_commit_callbacks
):
    member = circle.people()[1]
    client = DAVClient(url=radicale.url, username=radicale.username, password=radicale.password)
    calendar = client.principal().make_calendar(name="Work")
    connection = calendar_connect(
        user=member, server_url=radicale.url, username="dana", password=radicale.password
    )
    starts_at = circle_slots_for(circle=circle, minutes=60)[0]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = circle_meeting_schedule(
            circle=circle, actor=circle.mentor.user, starts_at=starts_at, minutes=60
        )
    calendar.event_by_uid(meeting_uid(meeting)).delete()
    connection.refresh_from_db()
    calendar_sync(connection=connection)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED  # the circle meets; this member will not
    answer = MeetingAnswer.objects.get(meeting=meeting, user=member)
    assert answer.answer == MeetingAnswer.Answer.DECLINED
    assert Notification.objects.filter(
        recipient=circle.mentor.user, title__contains="declined"
    ).exists()
    calendar_sync(connection=connection)
    assert calendar.events() == []  # not written back: they will not come


def test_an_interrupted_sync_takes_a_move_in_once(
    dana, django_capture_on_commit_callbacks, monkeypatch
):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    _move(dana.calendar, meeting_uid(meeting), MON_9_MAR_0900_NY)
    token = CalendarConnection.objects.get().sync_token

    def down(*args: Any, **kwargs: Any) -> None:
        raise caldav_sync.CalendarUnreachable("The calendar server could not be reached.")

    # The move is taken in; then the server goes away before the busy times are read.
    monkeypatch.setattr(calendars, "busy_times", down)
    failed = dana.sync()
    assert "could not be reached" in failed.sync_error
    assert CalendarConnection.objects.get().sync_token == token  # not moved on
    monkeypatch.undo()
    dana.sync()
    dana.sync()
    meeting.refresh_from_db()
    assert meeting.starts_at == MON_9_MAR_0900_NY
    moved = Notification.objects.filter(recipient=dana.pair.mentee.user, title__contains="moved")
    assert moved.count() == 1
    assert CalendarConnection.objects.get().sync_error == ""


def test_an_interrupted_write_is_written_again_once(
    dana, django_capture_on_commit_callbacks, monkeypatch
):
    real = CalendarEntry.objects.update_or_create

    def lost(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the worker stopped")

    # The event reaches the server but the worker stops before recording it.
    monkeypatch.setattr(CalendarEntry.objects, "update_or_create", lost)
    with pytest.raises(RuntimeError):
        calendars_write_meeting(_confirmed_quietly(dana.pair).pk)
    assert len(dana.events()) == 1 and not CalendarEntry.objects.exists()
    monkeypatch.setattr(CalendarEntry.objects, "update_or_create", real)
    dana.sync()
    dana.sync()
    assert len(dana.events()) == 1  # the same event, written over: not a second one
    assert CalendarEntry.objects.count() == 1


def _confirmed_quietly(pair: Mentorship) -> Meeting:
    """Confirmed without its after-commit writes (as if the worker died before them)."""
    meeting = meeting_propose(
        mentorship=pair, actor=pair.mentee.user, starts_at=MON_2_MAR_0900_NY, minutes=30
    )
    return meeting_confirm(meeting=meeting, actor=pair.mentor.user)


def test_a_sync_asks_only_for_what_changed(dana, django_capture_on_commit_callbacks, monkeypatch):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    dana.calendar.save_event(
        dtstart=MON_9_MAR_0900_NY, dtend=MON_9_MAR_0900_NY + timedelta(hours=1), uid="dentist"
    )
    dana.sync()  # takes in its own write and the dentist
    reads: list[str] = []
    busy_reads: list[datetime] = []
    real_times, real_busy = calendars.event_times, calendars.busy_times
    monkeypatch.setattr(
        calendars,
        "event_times",
        lambda account, href: reads.append(href) or real_times(account, href),
    )
    monkeypatch.setattr(
        calendars,
        "busy_times",
        lambda *args, **kwargs: busy_reads.append(args[2]) or real_busy(*args, **kwargs),
    )
    dana.sync()
    assert reads == [] and busy_reads == []  # nothing changed there: nothing read
    _move(dana.calendar, meeting_uid(meeting), MON_9_MAR_0900_NY + timedelta(hours=1))
    dana.sync()
    assert reads == [CalendarEntry.objects.get().href] and len(busy_reads) == 1


def test_its_own_meetings_are_not_read_back_as_busy(dana, django_capture_on_commit_callbacks):
    meeting = _confirmed(dana.pair, django_capture_on_commit_callbacks)
    dana.calendar.save_event(
        dtstart=MON_9_MAR_0900_NY, dtend=MON_9_MAR_0900_NY + timedelta(hours=1), uid="dentist"
    )
    found = dana.sync()
    assert found.busy == [
        [MON_9_MAR_0900_NY.isoformat(), (MON_9_MAR_0900_NY + timedelta(hours=1)).isoformat()]
    ]
    assert meeting_uid(meeting) in {str(event["uid"]) for event in dana.events()}
