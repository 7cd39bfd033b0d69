"""An admin pauses a reported mentor's new requests: the mentor sees the switch locked on their
profile, with why, and cannot turn it back on; the admin lifts the pause and the switch is
theirs again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import MentorProfile, Report
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_pauses_a_mentors_requests_and_only_the_admins_lift_it(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    admin = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    MentorProfileFactory(participant=mentor, headline="Platform engineering")
    mentorship = MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    report = Report.objects.create(
        program=program, mentorship=mentorship, reporter=mentee.user, kind="no_show", text="x"
    )
    console = watch_console(page)

    # The admin pauses the reported mentor's new requests from the report.
    log_in(page, admin.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto(f"/programs/pathways/manage/reports/{report.pk}/")
    page.get_by_role("button", name="Pause new requests").click()
    expect(page.get_by_text("The mentor takes no new requests until you lift it.")).to_be_visible()
    expect(page.get_by_role("heading", name="Mo Mentor's new requests are paused")).to_be_visible()

    # The mentor finds the switch locked, with why; saving the profile keeps it off.
    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    mentor_page.goto("/programs/pathways/profile/")
    accepting = mentor_page.get_by_label("Accepting new requests")
    expect(accepting).to_be_disabled()
    expect(accepting).not_to_be_checked()
    expect(mentor_page.get_by_text("only they can let requests in again")).to_be_visible()
    mentor_page.get_by_role("button", name="Save your limits").click()
    expect(mentor_page.get_by_text("Saved: your limits.")).to_be_visible()
    mentor_page.get_by_label("Headline").fill("Platform and reliability")
    mentor_page.get_by_role("button", name="Save what you offer").click()
    expect(
        mentor_page.get_by_text("Saved: what you offer, and what you cannot help with.")
    ).to_be_visible()
    profile = MentorProfile.objects.get(participant=mentor)
    assert profile.headline == "Platform and reliability"
    assert profile.accepting_requests is False

    # The admin lifts the pause; the switch is the mentor's again.
    page.get_by_role("button", name="Let mentees send requests again").click()
    expect(page.get_by_text("Mentees can send the mentor requests again.")).to_be_visible()
    mentor_page.goto("/programs/pathways/profile/")
    expect(accepting).to_be_enabled()
    expect(accepting).to_be_checked()
    assert csp_violations(console) == []
