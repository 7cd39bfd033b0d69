"""An organization admin makes a SCIM token on the organization's Identity page (shown once) and
the identity provider uses it over HTTP; then the admin records that a mentor left: the mentee
hears that their mentorship ended, and when the mentor is back they can sign in again, the
mentorship still ended."""

from __future__ import annotations

import re

import httpx2
import pytest
from playwright.sync_api import expect

from accounts.models import User
from matching.models import ClosingReason, Mentorship
from programs.models import Role
from programs.services import organization_admin_grant
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import OrganizationFactory, ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def test_an_organization_admin_makes_a_scim_token_and_records_a_leaver_who_comes_back(
    page, new_page, live_server
):
    organization = OrganizationFactory(name="Acme", slug="acme")
    program = ProgramFactory(organization=organization, name="Pathways", slug="pathways")
    org_admin = organization_admin_grant(
        organization=organization, user=UserFactory(full_name="Orla Orgadmin"), actor=None
    ).user
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    console = watch_console(page)

    # The organization admin opens the organization's page and follows its Identity tab.
    log_in(page, org_admin.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.locator("#nav-manage").click()
    page.get_by_role("link", name="Acme", exact=True).click()
    expect(page.get_by_role("heading", name="Acme", exact=True)).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name="Identity").click()
    expect(page).to_have_url(re.compile(r"/organizations/acme/identity/$"))
    expect(page.get_by_role("heading", name="Identity of Acme")).to_be_visible()
    expect(page.locator("#tokens")).to_contain_text("No tokens yet.")

    # They make a token for Entra ID: it is shown once, and listed by its name.
    page.get_by_role("textbox", name="Token name*", exact=True).fill("Entra ID")
    page.get_by_role("button", name="Make a token").click()
    expect(page.locator("#new-token")).to_contain_text("shown only once")
    token = page.locator("#new-token code").inner_text().strip()
    assert token.startswith("twscim_"), token
    expect(page.locator("#tokens")).to_contain_text("Entra ID")
    expect(page.locator("#tokens")).to_contain_text(token.removeprefix("twscim_")[:6])
    # Reloaded, the page lists the token (once: the form is not sent again) but no longer
    # shows it.
    page.reload()
    expect(page.locator("#tokens tbody tr", has_text="Entra ID")).to_have_count(1)
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_text(token)).to_have_count(0)
    assert token not in page.content()

    # The identity provider lists the organization's users with it, over HTTP; a wrong token
    # is refused.
    with httpx2.Client(base_url=f"{live_server.url}/scim/v2", timeout=30) as scim:
        listed = scim.get("/Users", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["schemas"] == [LIST_RESPONSE], body
        assert body["totalResults"] == 0, body
        refused = scim.get("/Users", headers={"Authorization": "Bearer twscim_not-the-token"})
        assert refused.status_code == 401, refused.text
    page.goto("/organizations/acme/identity/")
    expect(page.locator("#tokens tbody tr", has_text="Entra ID")).not_to_contain_text("never")

    # The admin finds the mentor by name and records that he left the organization.
    page.get_by_label("Find someone by name or email").fill("Mo Ment")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#people tbody tr")).to_have_count(1)
    row = page.locator("#people tr", has_text="Mo Mentor")
    expect(row).to_contain_text(mentor.user.email)
    asked: list[str] = []

    def accept(dialog) -> None:
        asked.append(" ".join(dialog.message.split()))
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("button", name="Left the organization").click()
    expect(page.get_by_text("Mo Mentor has left: 1 mentorship(s) ended")).to_be_visible()
    assert asked == ["Has Mo Mentor left? They lose access at once."], asked
    departure = page.locator("#departures li", has_text="Mo Mentor")
    expect(departure).to_contain_text("An organization admin")
    expect(departure.get_by_role("button", name="Back again")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.closing_reason == ClosingReason.LEFT_ORGANIZATION
    assert not User.objects.get(pk=mentor.user_id).is_active

    # The page fits a 390 px phone.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the identity page is {width} px wide on a 390 px phone"
    page.set_viewport_size({"width": 1280, "height": 720})

    # The mentee is told why, and their mentorship page shows it ended.
    mentee_page = new_page()
    log_in(mentee_page, mentee.user.email, TEST_PASSWORD)
    expect(mentee_page).to_have_url(re.compile(r"/home/$"))
    mentee_page.locator("#nav-notifications").click()
    expect(mentee_page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(mentee_page.locator("#notifications")).to_contain_text(
        "Mo Mentor has left the organization: your mentorship has ended"
    )
    mentee_page.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentee_page.locator("#mentorship-status")).to_contain_text("Ended early")
    expect(mentee_page.locator("#mentorship-status")).to_contain_text("left the organization")
    expect(mentee_page.get_by_text("Ended early (was active)")).to_be_visible()

    # The mentor cannot sign in while he is gone.
    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/accounts/inactive/$"))
    expect(mentor_page.get_by_text("This account is inactive.")).to_be_visible()

    # He is back: the admin says so, he signs in again, and the mentorship stays ended.
    departure.get_by_role("button", name="Back again").click()
    expect(page.get_by_text("Mo Mentor is back.")).to_be_visible()
    expect(page.locator("#departures li", has_text="Mo Mentor")).to_contain_text("back on")
    expect(page.locator("#departures").get_by_role("button", name="Back again")).to_have_count(0)
    assert User.objects.get(pk=mentor.user_id).is_active
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    mentor_page.goto(f"/mentorships/{mentorship.pk}/")
    expect(mentor_page.locator("#mentorship-status")).to_contain_text("Ended early")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert csp_violations(console) == []
