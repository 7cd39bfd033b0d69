"""An organization admin connects the HR system's webhook in the browser: an address Twoway
cannot reach is refused next to the field; the webhook is added with its events and its signing
secret shown once; a mentorship starts, and the event arrives at the receiver (a real HTTP
server on the loopback) signed with that secret; the admin sees the delivery with the answer it
got and sends it again, under the same webhook-id."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook as Verifier

from matching.services.start import mentorship_start
from programs.models import Role
from programs.services import organization_admin_grant
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import log_in
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organization_admin_connects_a_webhook_and_sees_its_deliveries(page, receiver):
    program = ProgramFactory(name="Pathways", slug="pathways")
    organization = program.organization
    admin = organization_admin_grant(
        organization=organization, user=UserFactory(full_name="Orla Orgadmin"), actor=None
    ).user
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Dana Mentor")
    MentorProfileFactory(participant=mentor)
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")

    log_in(page, admin.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto(f"/organizations/{organization.slug}/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name=f"Webhooks of {organization.name}")).to_be_visible()

    page.get_by_label("Address").fill("https://hooks.nowhere.invalid/twoway")
    page.get_by_label("A mentorship started").check()
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.locator("#error_1_id_url")).to_contain_text("does not resolve")

    page.get_by_label("Address").fill(receiver.url)
    page.get_by_label("What it is").fill("HR dashboard")
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_text("Copy the signing secret now")).to_be_visible()
    secret = page.locator("#webhook-secret").input_value()
    assert secret.startswith("whsec_")
    expect(page.locator("#webhook-events")).to_contain_text("mentorship.started")

    mentorship = mentorship_start(mentor=mentor, mentee=mentee)  # sent on commit
    [item] = receiver.got
    event = Verifier(secret).verify(item.body, item.headers)
    assert event["type"] == "mentorship.started"
    assert event["data"]["mentorship"] == mentorship.pk

    page.reload()
    expect(page.locator("#webhook-secret")).to_have_count(0)  # shown once
    row = page.locator("#deliveries tbody tr").first
    expect(row).to_contain_text("mentorship.started")
    expect(row).to_contain_text("200")
    row.get_by_role("button", name=re.compile("Send .* again")).click()
    expect(page.get_by_text("Sent again, with the same webhook-id.")).to_be_visible()
    assert len(receiver.got) == 2 and len(set(receiver.ids())) == 1
