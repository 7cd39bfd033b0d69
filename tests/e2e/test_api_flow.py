"""The API from a person's side, in the browser: Mia makes a token under Settings › API tokens
(refused first without a scope, told next to the field), copies its key (shown once), reads
her mentorships with it, and revokes it, after which the key is refused. The API's
documentation page loads with no Content Security Policy violation and lists the routes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.services.start import mentorship_start
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_made_used_and_revoked(page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Dana Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)

    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("button", name=re.compile("Mia")).click()  # the menu under her name
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.locator("#no-tokens")).to_be_visible()

    page.get_by_label("Name").fill("My spreadsheet")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator("#error_1_id_scopes")).to_have_text("Choose what the token may read.")
    page.get_by_label("Read mentorships").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Copy this key now")).to_be_visible()
    key = page.locator("#token-key").input_value()
    assert key.startswith("twoway_")

    answer = page.request.get("/api/v1/mentorships/", headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 200
    [row] = answer.json()["results"]
    assert row["id"] == mentorship.pk and row["mentor"]["name"] == "Dana Mentor"
    refused = page.request.get("/api/v1/goals/", headers={"Authorization": f"Bearer {key}"})
    assert refused.status == 403  # not among its scopes

    page.reload()
    expect(page.locator("#token-key")).to_have_count(0)  # shown once
    row = page.locator("#tokens tbody tr").filter(has_text="My spreadsheet")
    expect(row).to_contain_text("mentorships:read")
    expect(row).not_to_contain_text("never")  # it was used
    row.get_by_role("button", name="Revoke My spreadsheet").click()
    expect(page.get_by_text("Revoked: that key no longer works.")).to_be_visible()
    gone = page.request.get("/api/v1/mentorships/", headers={"Authorization": f"Bearer {key}"})
    assert gone.status == 401


def test_the_documentation_page_loads_without_csp_violations(page):
    console = watch_console(page)
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name=re.compile("Twoway API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/mentorships/{id}/").first).to_be_visible()
    assert csp_violations(console) == [], console
