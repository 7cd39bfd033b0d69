"""A stable matching round in the browser: the admin starts it, a mentee ranks mentors from
the notification, a mentor orders who chose them, and the admin runs and publishes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from matching.models import MatchingRound, Mentorship
from programs.models import Program, Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.matching.factories import mentee_in, mentor_in
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preferences_are_given_and_the_stable_round_is_published(page, new_page):
    program = ProgramFactory(
        name="Pathways", slug="pathways", matching_mode=Program.MatchingMode.ADMIN_ASSIGNS
    )
    admin = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin").user
    dana = mentor_in(program, capacity=1)
    eli = mentor_in(program, capacity=1)
    mia, noor = mentee_in(program), mentee_in(program)
    User.objects.filter(pk=dana.user_id).update(full_name="Dana Designer")
    User.objects.filter(pk=eli.user_id).update(full_name="Eli Engineer")
    User.objects.filter(pk=mia.user_id).update(full_name="Mia Mentee")
    User.objects.filter(pk=noor.user_id).update(full_name="Noor Newcomer")

    log_in(page, admin.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/pathways/matching/")
    page.get_by_label("Name").fill("Spring, stable")
    page.get_by_role("radio", name=re.compile("Stable: mentees rank")).check()
    page.get_by_role("button", name="Create round").click()
    expect(page.locator("#preferences-progress")).to_contain_text("0 of 2 mentees")
    matching_round = MatchingRound.objects.get(name="Spring, stable")

    # Mia follows the notification and ranks Dana first, Eli second; a doubled choice is refused.
    mentee_page = new_page()
    log_in(mentee_page, mia.user.email, TEST_PASSWORD)
    mentee_page.goto("/notifications/")
    mentee_page.get_by_role("link", name="Pathways: choose up to 5 mentors").click()
    expect(mentee_page).to_have_url(re.compile(rf"/matching/{matching_round.pk}/preferences/$"))
    mentee_page.get_by_label("Choice 1").select_option(str(dana.pk))
    mentee_page.get_by_label("Choice 2").select_option(str(dana.pk))
    mentee_page.get_by_role("button", name="Save my choices").click()
    expect(mentee_page.get_by_text("Each mentor can be chosen once.")).to_be_visible()
    mentee_page.get_by_label("Choice 2").select_option(str(eli.pk))
    mentee_page.get_by_role("button", name="Save my choices").click()
    expect(mentee_page.get_by_text("Your preferences are saved.")).to_be_visible()

    # Noor ranks Dana only.
    noor_page = new_page()
    log_in(noor_page, noor.user.email, TEST_PASSWORD)
    noor_page.goto(f"/programs/pathways/matching/{matching_round.pk}/preferences/")
    noor_page.get_by_label("Choice 1").select_option(str(dana.pk))
    noor_page.get_by_role("button", name="Save my choices").click()
    expect(noor_page.get_by_text("Your preferences are saved.")).to_be_visible()

    # Dana puts Noor first.
    mentor_page = new_page()
    log_in(mentor_page, dana.user.email, TEST_PASSWORD)
    mentor_page.goto(f"/programs/pathways/matching/{matching_round.pk}/preferences/")
    mentor_page.get_by_label("Noor Newcomer").select_option("1")
    mentor_page.get_by_label("Mia Mentee").select_option("2")
    mentor_page.get_by_role("button", name="Save my order").click()
    expect(mentor_page.get_by_text("Your preferences are saved.")).to_be_visible()

    page.reload()
    expect(page.locator("#preferences-progress")).to_contain_text("2 of 2 mentees")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#round-summary")).to_contain_text("2 matched, 0 unmatched")
    expect(page.locator("#proposals")).to_contain_text("Dana Designer")
    page.get_by_role("link", name="Publish 2 mentorships…").click()
    expect(page.locator("#publish-summary")).to_contain_text("tells 4 people")
    page.get_by_role("button", name="Publish and tell 4 people").click()
    expect(page.locator("#round-status")).to_have_text("Published")

    # Dana preferred Noor; Mia got her second choice, and nobody would rather swap.
    assert set(Mentorship.objects.values_list("mentee_id", "mentor_id")) == {
        (noor.pk, dana.pk),
        (mia.pk, eli.pk),
    }
    # Preferences are closed once the round has run.
    mentee_page.reload()
    expect(mentee_page.get_by_text("preferences are closed")).to_be_visible()
