"""A person's own calendar over CalDAV, against a real server (Radicale, started on the
loopback): connecting it (refused with wrong credentials, changing nothing), its busy times
taken out of the slot picker (never its titles), a free event left alone, a server that is down
(the last busy times kept, the failure shown), the app password encrypted, disconnecting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from caldav.davclient import DAVClient
from django.db import connection
from django.urls import reverse

from matching.models import Mentorship
from meetings.models import CalendarConnection
from meetings.services.calendars import (
    calendar_connect,
    calendar_disconnect,
    calendar_sync,
)
from meetings.services.scheduling import slots_for
from mentorship.errors import DomainError
from tests.conftest import CalDavServer

pytestmark = pytest.mark.django_db

MON_2_MAR_0900_NY = datetime(2026, 3, 2, 14, tzinfo=UTC)  # in Dana's Monday window (EST)


def _calendar(server: CalDavServer, name: str = "Work"):
    client = DAVClient(url=server.url, username=server.username, password=server.password)
    return client.principal().make_calendar(name=name)


def _busy(calendar, start: datetime, minutes: int, *, uid: str, free: bool = False) -> None:
    calendar.save_event(
        dtstart=start,
        dtend=start + timedelta(minutes=minutes),
        summary="Dentist (private)",
        uid=uid,
        transp="TRANSPARENT" if free else "OPAQUE",
    )


def _connect(pair: Mentorship, server: CalDavServer, **changes: str) -> CalendarConnection:
    values = {
        "server_url": server.url,
        "username": server.username,
        "password": server.password,
        **changes,
    }
    return calendar_connect(user=pair.mentor.user, **values)


def test_a_busy_block_takes_its_slots_out_of_the_picker(mentorship_with_windows, radicale):
    pair = mentorship_with_windows
    before = slots_for(mentorship=pair, minutes=30)
    assert MON_2_MAR_0900_NY in before
    calendar = _calendar(radicale)
    _busy(calendar, MON_2_MAR_0900_NY, 60, uid="dentist")
    _busy(calendar, MON_2_MAR_0900_NY + timedelta(hours=1), 30, uid="free", free=True)
    found = _connect(pair, radicale)
    assert found.calendar_name == "Work" and found.sync_error == ""
    assert found.busy == [
        [MON_2_MAR_0900_NY.isoformat(), (MON_2_MAR_0900_NY + timedelta(hours=1)).isoformat()]
    ]
    after = slots_for(mentorship=pair, minutes=30)
    assert MON_2_MAR_0900_NY not in after
    assert MON_2_MAR_0900_NY + timedelta(minutes=30) not in after
    assert MON_2_MAR_0900_NY + timedelta(hours=1) in after  # a "free" event blocks nothing
    assert "Dentist" not in str(CalendarConnection.objects.values_list("busy", flat=True)[0])


def test_wrong_credentials_are_refused_and_change_nothing(mentorship_with_windows, radicale):
    _calendar(radicale)
    with pytest.raises(DomainError, match="refused that user name and app password") as refused:
        _connect(mentorship_with_windows, radicale, password="wrong")
    assert refused.value.field == "server_url"
    with pytest.raises(DomainError, match="could not be reached"):
        _connect(mentorship_with_windows, radicale, server_url="http://127.0.0.1:9/")
    with pytest.raises(DomainError, match="yours are: Work") as refused:
        _connect(mentorship_with_windows, radicale, calendar_name="Holidays")
    assert refused.value.field == "calendar_name"
    assert not CalendarConnection.objects.exists()


def test_the_app_password_is_stored_encrypted(mentorship_with_windows, radicale):
    _calendar(radicale)
    _connect(mentorship_with_windows, radicale)
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM meetings_calendarconnection")
        (stored,) = cursor.fetchone()
    assert radicale.password not in stored and stored


def test_a_server_that_is_down_keeps_the_last_busy_times_and_says_why(
    mentorship_with_windows, radicale
):
    calendar = _calendar(radicale)
    _busy(calendar, MON_2_MAR_0900_NY, 60, uid="dentist")
    found = _connect(mentorship_with_windows, radicale)
    synced = found.synced_at
    CalendarConnection.objects.filter(pk=found.pk).update(server_url="http://127.0.0.1:9/")
    found.refresh_from_db()
    found = calendar_sync(connection=found)
    found.refresh_from_db()
    assert "could not be reached" in found.sync_error
    assert found.synced_at == synced and len(found.busy) == 1
    assert MON_2_MAR_0900_NY not in slots_for(mentorship=mentorship_with_windows, minutes=30)


def test_disconnecting_forgets_the_calendar(mentorship_with_windows, radicale):
    _calendar(radicale)
    _connect(mentorship_with_windows, radicale)
    assert calendar_disconnect(user=mentorship_with_windows.mentor.user)
    assert not CalendarConnection.objects.exists()
    assert not calendar_disconnect(user=mentorship_with_windows.mentor.user)


def test_calendar_page_connects_and_shows_refusals_next_to_the_field(
    client, mentorship_with_windows, radicale
):
    _calendar(radicale)
    mentor = mentorship_with_windows.mentor.user
    client.force_login(mentor)
    url = reverse("meetings:calendar_connect")
    form = {"server_url": radicale.url, "username": radicale.username, "password": "wrong"}
    answer = client.post(url, form)
    html = answer.content.decode()
    assert answer.status_code == 200 and "refused that user name and app password" in html
    assert 'id="id_server_url"' in html and not CalendarConnection.objects.exists()
    answer = client.post(url, {**form, "password": radicale.password}, follow=True)
    assert "Connected: your calendar “Work”." in answer.content.decode()
    assert CalendarConnection.objects.get().user == mentor
    answer = client.post(reverse("meetings:calendar_sync"), follow=True)
    assert "Synced: your calendar and Twoway agree." in answer.content.decode()
    client.post(reverse("meetings:calendar_disconnect"))
    assert not CalendarConnection.objects.exists()
    assert client.post(reverse("meetings:calendar_sync")).status_code == 404


def test_the_picker_says_when_busy_times_may_be_out_of_date(
    client, mentorship_with_windows, radicale
):
    _calendar(radicale)
    found = _connect(mentorship_with_windows, radicale)
    picker = reverse("meetings:meeting_propose", kwargs={"pk": mentorship_with_windows.pk})
    client.force_login(mentorship_with_windows.mentee.user)
    assert 'id="calendars-stale"' not in client.get(picker).content.decode()
    CalendarConnection.objects.filter(pk=found.pk).update(server_url="http://127.0.0.1:9/")
    found.refresh_from_db()
    calendar_sync(connection=found)
    assert "may be out of date" in client.get(picker).content.decode()


def test_the_picker_shows_a_busy_time_as_busy_not_as_a_choice(
    client, mentorship_with_windows, radicale
):
    _busy(_calendar(radicale), MON_2_MAR_0900_NY, 30, uid="dentist")
    _connect(mentorship_with_windows, radicale)
    client.force_login(mentorship_with_windows.mentee.user)
    picker = reverse("meetings:meeting_propose", kwargs={"pk": mentorship_with_windows.pk})
    html = client.get(picker).content.decode()
    assert f'data-slot="{MON_2_MAR_0900_NY.isoformat()}"' in html
    assert f'value="{MON_2_MAR_0900_NY.isoformat()}"' not in html
    assert f'value="{(MON_2_MAR_0900_NY + timedelta(minutes=30)).isoformat()}"' in html
    assert 'id="busy-explained"' in html
