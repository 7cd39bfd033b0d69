"""A meeting in the past gets its follow-up in the notification centre after the task runs, and
the check-in form can be answered from the link in the nudge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import CheckIn, Meeting
from meetings.reminders import follow_ups_scan
from meetings.services.checkins import checkins_open_due
from notifications.reminders import deliveries_send_due
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.helpers import daytime_zone
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_up_and_checkin_nudge_arrive_and_the_checkin_is_answered(page):
    now = timezone.now()
    zone = daytime_zone(now)
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(
        program=program, role=Role.MENTOR, user__full_name="Dana Designer", user__time_zone=zone
    )
    mentee = ParticipantFactory(
        program=program, role=Role.MENTEE, user__full_name="Mia Mentee", user__time_zone=zone
    )
    mentorship = MentorshipFactory(
        program=program, mentor=mentor, mentee=mentee, started_at=now - timedelta(days=400)
    )
    ended = now - timedelta(hours=5)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=ended - timedelta(minutes=45),
        ends_at=ended,
        status=Meeting.Status.HELD,
        held_at=ended,
        proposed_by=mentee.user,
    )

    # What the beat tasks do: scan, then deliver.
    follow_ups_scan(now=now)
    checkins_open_due(now=now)
    deliveries_send_due(now=now)

    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.locator("#nav-notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(
        page.get_by_role("link", name="How did your meeting with Dana Designer go?")
    ).to_be_visible()
    nudge = page.get_by_role("link", name="Check-in: how is it going with Dana Designer?")
    expect(nudge).to_be_visible()

    nudge.click()
    checkin = CheckIn.objects.get(person=mentee.user, mentorship=mentorship)
    expect(page).to_have_url(re.compile(rf"/checkins/{checkin.pk}/$"))
    expect(
        page.get_by_role("heading", name=re.compile("Check-in .*: with Dana Designer"))
    ).to_be_visible()

    # Sending it empty shows what is missing, next to the fields.
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_text("Choose how satisfied you are, from 1 to 5.")).to_be_visible()

    form = page.locator("#checkin-form")
    form.locator("input[name=satisfaction][value='4']").check()
    form.locator("input[name=energy][value='5']").check()
    form.get_by_label("Yes, our agreement still fits").check()
    form.get_by_label("Anything else?").fill("Our talks keep me going.")
    page.get_by_role("button", name="Send check-in").click()

    expect(page.get_by_text("Thank you: your check-in is answered.")).to_be_visible()
    expect(page.locator("#checkin-status")).to_have_text("Answered")
    checkin.refresh_from_db()
    assert (checkin.status, checkin.satisfaction, checkin.energy, checkin.comment) == (
        CheckIn.Status.ANSWERED,
        4,
        5,
        "Our talks keep me going.",
    )
