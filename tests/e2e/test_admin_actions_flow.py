"""An admin sends an announcement to the mentees, a mentee reads it in the notification centre;
then the admin pauses a mentorship for its people, with a reason, and it shows as paused."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from matching.models import Mentorship
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_announces_to_mentees_and_pauses_a_mentorship_for_its_people(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    admin = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    console = watch_console(page)

    # The admin writes to the mentees.
    log_in(page, admin.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/pathways/manage/")
    page.get_by_role("link", name="Announcements").click()
    expect(page.get_by_role("heading", name="Announcements", exact=True)).to_be_visible()
    page.get_by_label("Mentees").check()
    page.get_by_label("Title").fill("Kick-off on Monday")
    page.get_by_label("Message").fill("Bring one question you would like help with.")
    page.get_by_role("button", name="Send announcement").click()
    expect(page.locator("#announcement-confirm")).to_contain_text(
        "Send “Kick-off on Monday” to 1 person?"
    )
    assert not mail.outbox
    page.get_by_role("button", name="Send to 1 person").click()
    expect(page.get_by_text("is on its way to 1 person")).to_be_visible()
    expect(page.locator("#announcements")).to_contain_text("Kick-off on Monday")
    assert [m.to for m in mail.outbox] == [[mentee.user.email]]

    # The mentee finds it in the notification centre.
    mentee_page = new_page()
    log_in(mentee_page, mentee.user.email, TEST_PASSWORD)
    expect(mentee_page).to_have_url(re.compile(r"/home/$"))
    mentee_page.locator("#nav-notifications").click()
    expect(mentee_page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(mentee_page.locator("#notifications")).to_contain_text("Pathways: Kick-off on Monday")

    # The admin pauses the mentorship for the two of them: a reason is required.
    page.locator(".nav-tabs").get_by_role("link", name="Mentorships").click()
    page.get_by_role("link", name="Mia Mentee").click()
    expect(page.locator("#mentorship-status")).to_have_text("Active")
    pause = page.locator("#pause-form")
    pause.get_by_role("button", name="Pause").click()
    expect(pause.get_by_text("Give a reason: both people will read it.")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    pause.get_by_label("Reason (both people read it)").fill("Mia is on parental leave.")
    pause.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused; both people are told why.")).to_be_visible()
    expect(page.locator("#mentorship-status")).to_have_text("Paused")
    expect(page.locator("#history")).to_contain_text("Mia is on parental leave.")

    # It is in the audit log with its before and after, and the mentee is told.
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#audit")).to_contain_text("Paused a mentorship")
    expect(page.locator("#audit del", has_text="Active")).to_be_visible()
    expect(page.locator("#audit ins", has_text="Paused")).to_be_visible()
    mentee_page.reload()
    expect(mentee_page.locator("#notifications")).to_contain_text(
        "The admins of Pathways paused your mentorship with Mo Mentor"
    )
    assert csp_violations(console) == []
