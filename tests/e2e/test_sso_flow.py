"""Single sign-on through a real OpenID provider (django-oauth-toolkit's, in its own process on
the loopback): a new person of an organization that requires it signs in with their work
address, gets an account just in time and lands in the program their group maps to; a password
sign-in for that domain is refused, and so is a password reset."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from accounts.models import User
from identity.models import GroupMapping, SsoProvider
from mentorship import crypto
from programs.models import Participant, Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import log_in
from tests.identity.oidc_provider.process import openid_provider
from tests.programs.factories import OrganizationFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _through_the_provider(page, address: str, username: str, password: str) -> None:
    """The sign-in page's "Use your organization's account", then the provider's own page."""
    page.goto("/accounts/login/")
    page.get_by_label("Your work address").fill(address)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Sign In Via Acme sign-in")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Acme identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in to Acme").click()


def test_a_new_person_signs_in_through_the_provider_and_lands_in_their_program(
    page, live_server, tmp_path
):
    organization = OrganizationFactory(name="Acme", slug="acme")
    program = ProgramFactory(organization=organization, name="Pathways", slug="pathways")
    GroupMapping.objects.create(
        organization=organization, group_name="Graduates", program=program, role=Role.MENTEE
    )
    callback = f"{live_server.url}/accounts/oidc/acme/login/callback/"
    people = [
        {
            "username": "pat",
            "password": "op-password-43",  # noqa: S106
            "email": "pat.present@acme.test",
            "first_name": "Pat",
            "last_name": "Present",
        },
        {
            "username": "eve",
            "password": "op-password-44",  # noqa: S106
            "email": "eve@elsewhere.test",
            "first_name": "Eve",
            "last_name": "Elsewhere",
        },
        {
            "username": "nia",
            "password": "op-password-42",  # noqa: S106 (the test provider's own account)
            "email": "nia.newcomer@acme.test",
            "first_name": "Nia",
            "last_name": "Newcomer",
        },
    ]
    claims = {"nia": {"groups": ["Graduates"], "department": "Research", "zoneinfo": "Europe/Oslo"}}
    with openid_provider(
        folder=tmp_path, redirect_uri=callback, people=people, claims=claims
    ) as provider:
        SsoProvider.objects.create(
            organization=organization,
            name="Acme sign-in",
            server_url=provider.issuer,
            client_id=provider.client_id,
            secret_encrypted=crypto.encrypt(provider.client_secret),
            domains="acme.test",
            required=True,
        )

        # Email first: the work address goes to Acme's provider.
        _through_the_provider(page, "nia.newcomer@acme.test", "nia", "op-password-42")

        # Back in Twoway, signed in, with an account made just now, in the mapped program.
        expect(page).to_have_url(re.compile(r"/home/$"))
        nia = User.objects.get(email="nia.newcomer@acme.test")
        assert nia.full_name == "Nia Newcomer" and nia.department == "Research"
        assert nia.time_zone == "Europe/Oslo" and not nia.has_usable_password()
        joined = Participant.objects.get(user=nia, program=program)
        assert joined.role == Role.MENTEE and joined.status == Participant.Status.ACTIVE
        page.goto("/programs/")
        expect(page.locator("main")).to_contain_text("Pathways")

        # Someone with an account already links it once, by proving it is theirs.
        pat = UserFactory(email="pat.present@acme.test", full_name="Pat Present")
        linking = page.context.browser.new_context(base_url=live_server.url)
        pat_page = linking.new_page()
        _through_the_provider(pat_page, "pat.present@acme.test", "pat", "op-password-43")
        expect(pat_page.get_by_text("There is a Twoway account for")).to_be_visible()
        assert not SocialAccount.objects.filter(user=pat).exists()
        # Let through once, for the link; then on to the provider (its session is still open).
        pat_page.get_by_label("Email").fill(pat.email)
        pat_page.get_by_label("Password").fill(TEST_PASSWORD)
        pat_page.get_by_role("button", name="Sign In").click()
        expect(pat_page.get_by_role("heading", name="Sign In Via Acme sign-in")).to_be_visible()
        pat_page.get_by_role("button", name="Continue").click()
        expect(pat_page).to_have_url(re.compile(r"/home/$"))
        assert SocialAccount.objects.filter(user=pat, provider="acme").exists()
        linking.close()

        # The provider cannot sign in an address outside the organization's domains.
        stranger = page.context.browser.new_context(base_url=live_server.url)
        eve_page = stranger.new_page()
        _through_the_provider(eve_page, "someone@acme.test", "eve", "op-password-44")
        expect(eve_page.get_by_text("not for this organization's email addresses")).to_be_visible()
        assert not User.objects.filter(email="eve@elsewhere.test").exists()
        stranger.close()

    # A password sign-in for the domain is refused, next to the form, and nobody is signed in.
    other = page.context.browser.new_context(base_url=live_server.url)
    password_page = other.new_page()
    log_in(password_page, "nia.newcomer@acme.test", "any password at all")
    expect(password_page.get_by_text("signs you in through Acme sign-in")).to_be_visible()
    expect(password_page).to_have_url(re.compile(r"/accounts/login/"))
    password_page.goto("/accounts/password/reset/")
    password_page.get_by_label("Email").fill("nia.newcomer@acme.test")
    password_page.get_by_role("button", name=re.compile("Reset", re.I)).click()
    expect(password_page.get_by_text("there is no password to reset")).to_be_visible()
    other.close()
