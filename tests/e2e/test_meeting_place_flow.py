"""Where a meeting happens, in the browser: the mentee tries a link Twoway does not take (told
why, next to the field), then has Twoway make a Jitsi room; the link and the Join button show
(the meeting starts in minutes), and the mentor finds the same place on their page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from matching.services.start import mentorship_start
from meetings.models import Meeting
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mentee_makes_a_jitsi_room_and_both_can_join(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Dana Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)
    now = timezone.now()
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=now + timedelta(minutes=5),
        ends_at=now + timedelta(minutes=50),
        status=Meeting.Status.CONFIRMED,
        confirmed_at=now,
        proposed_by=mentor.user,
    )

    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto(f"/meetings/{meeting.pk}/")
    where = page.locator("#meeting-place")
    expect(where.locator("#meeting-where")).to_have_text("Not said yet.")
    expect(where.get_by_role("link", name="Join the call")).to_have_count(0)

    where.get_by_text("Change where you meet").click()
    where.get_by_label("How").select_option(label="Video call")
    where.get_by_label("Where").fill("http://zoom.us/j/123")
    where.get_by_role("button", name="Save where").click()
    error = page.locator("#meeting-place").get_by_text("A video link starts with https://")
    expect(error).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.place == ""

    where = page.locator("#meeting-place")
    where.get_by_label("Where").fill("")
    where.get_by_label("Make a Jitsi Meet room for us instead").check()
    where.get_by_role("button", name="Save where").click()
    link = page.locator("#meeting-where").get_by_role("link")
    expect(link).to_have_text(re.compile(rf"^{re.escape(settings.JITSI_URL)}/Twoway-\S{{20,}}$"))
    room = link.inner_text()
    expect(page.get_by_role("link", name="Join the call")).to_have_attribute("href", room)
    meeting.refresh_from_db()
    assert (meeting.format, meeting.place) == ("video", room)

    # The mentor is told, and finds the same room on the meeting's page.
    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    mentor_page.goto("/notifications/")
    mentor_page.get_by_role("link", name=re.compile("Mia Mentee set where you meet")).click()
    expect(mentor_page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    expect(mentor_page.locator("#meeting-where").get_by_role("link")).to_have_text(room)
    expect(mentor_page.get_by_role("link", name="Join the call")).to_be_visible()
