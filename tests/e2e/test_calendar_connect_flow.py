"""A mentor connects their own calendar (a real CalDAV server, Radicale) on the calendar page;
a busy block there takes that time out of the mentee's slot picker; the meeting the mentee
proposes, with a Jitsi room, and the mentor confirms lands in that calendar with its link; the
mentor drags it to another day there, syncs, and the mentee finds the new time to confirm."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from caldav.davclient import DAVClient
from playwright.sync_api import expect

from matching.services.start import mentorship_start
from meetings.calendar import meeting_uid
from meetings.models import Meeting
from meetings.services.scheduling import slots_for
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.helpers import weekday_mentor
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_busy_block_in_the_mentors_calendar_leaves_the_mentees_picker(
    monday_morning, radicale, page, new_page
):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = weekday_mentor(program)
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)
    first = slots_for(mentorship=mentorship, minutes=30)[0]
    # Dana's own calendar: busy for the hour of the first free time.
    client = DAVClient(url=radicale.url, username=radicale.username, password=radicale.password)
    work = client.principal().make_calendar(name="Work")
    work.save_event(
        dtstart=first, dtend=first + timedelta(hours=1), summary="Board meeting", uid="board"
    )

    log_in(page, mentor.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/calendar/")
    section = page.locator("#caldav")
    section.get_by_label("CalDAV server address").fill(radicale.url)
    section.get_by_label("User name").fill(radicale.username)
    section.get_by_label("App password").fill("not-the-password")
    section.get_by_role("button", name="Connect my calendar").click()
    expect(page.get_by_text("The server refused that user name and app password.")).to_be_visible()
    section = page.locator("#caldav")
    section.get_by_label("App password").fill(radicale.password)
    section.get_by_role("button", name="Connect my calendar").click()
    expect(page.get_by_text("Connected: your calendar “Work”.")).to_be_visible()
    expect(page.locator("#caldav-status")).to_contain_text("Synced")

    mentee_page = new_page()
    log_in(mentee_page, mentee.user.email, TEST_PASSWORD)
    expect(mentee_page).to_have_url(re.compile(r"/home/$"))
    mentee_page.goto(f"/mentorships/{mentorship.pk}/meetings/new/")
    picker = mentee_page.get_by_role("group", name="Free times in the next two weeks")
    expect(picker.get_by_role("radio").first).to_be_attached()
    values = [radio.get_attribute("value") for radio in picker.get_by_role("radio").all()]
    busy = {first.isoformat(), (first + timedelta(minutes=30)).isoformat()}
    assert not busy & set(values), values[:4]
    assert (first + timedelta(hours=1)).isoformat() in values
    # Shown to Mia as busy, not as a time she can pick.
    expect(picker.locator(f".slot-busy[data-slot='{first.isoformat()}']")).to_contain_text("busy")
    expect(mentee_page.locator("#busy-explained")).to_be_visible()
    assert "Board meeting" not in mentee_page.content()

    # Mia proposes the first time still free, and has Twoway make a Jitsi room for it.
    later = first + timedelta(hours=1)
    radio = picker.locator(f"input[value='{later.isoformat()}']")
    picker.locator(f"label[for='{radio.get_attribute('id')}']").click()
    mentee_page.get_by_role("button", name="Propose this time").click()
    expect(mentee_page.locator("#meeting-status")).to_have_text("Proposed")
    where = mentee_page.locator("#meeting-place")
    where.get_by_text("Change where you meet").click()
    where.get_by_label("How").select_option(label="Video call")
    where.get_by_label("Make a Jitsi Meet room for us instead").check()
    where.get_by_role("button", name="Save where").click()
    room = mentee_page.locator("#meeting-where").get_by_role("link")
    expect(room).to_have_text(re.compile(r"^https://"))
    meeting = Meeting.objects.get(mentorship=mentorship)

    # Dana confirms; the meeting is in her own calendar, with the room's link.
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#meeting-status")).to_have_text("Confirmed")
    event = work.event_by_uid(meeting_uid(meeting)).icalendar_component
    assert event.decoded("dtstart") == later
    assert str(event["location"]) == room.inner_text()
    assert str(event["status"]) == "CONFIRMED"

    # She drags it to the same hour a day later in her calendar app, and syncs.
    moved = later + timedelta(days=1)
    stored = work.event_by_uid(meeting_uid(meeting))
    component = stored.icalendar_component
    del component["dtstart"], component["dtend"]
    component.add("dtstart", moved)
    component.add("dtend", moved + timedelta(minutes=30))
    stored.save()
    page.goto("/calendar/")
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text("Synced: your calendar and Twoway agree.")).to_be_visible()

    # Mia is asked to confirm the new time.
    mentee_page.goto("/notifications/")
    mentee_page.get_by_role("link", name=re.compile("Dana Designer moved your meeting")).click()
    expect(mentee_page.locator("#meeting-status")).to_have_text("Proposed")
    local = moved.astimezone(ZoneInfo(mentee.user.time_zone))
    expect(mentee_page.locator("#meeting-time")).to_contain_text(f"{local:%H:%M}–")
    expect(mentee_page.locator("#meeting-time")).to_contain_text(f"{local.day}")
    mentee_page.get_by_role("button", name="Confirm").click()
    expect(mentee_page.locator("#meeting-status")).to_have_text("Confirmed")
    assert str(work.event_by_uid(meeting_uid(meeting)).icalendar_component["status"]) == "CONFIRMED"
