"""Staff reach Django's admin through allauth's sign-in and its two-factor step; a program admin
without a second factor is shown how to set one up, does so, and then uses the site."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.test import override_settings

from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.accounts.helpers import current_code
from tests.e2e.conftest import log_in
from tests.programs.factories import ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_with_totp_signs_in_to_the_admin_through_allauth(page):
    staff = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert page.get_by_role("heading", name="Two-Factor Authentication").is_visible()
    page.get_by_placeholder("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()
    assert page.get_by_role("link", name="Twoway administration").is_visible()


@override_settings(MFA_REQUIRED_FOR_ADMINS=True)
def test_a_program_admin_without_mfa_sets_it_up_then_uses_the_site(page):
    admin = ParticipantFactory(role=Role.ADMIN, user__email="runner@example.org").user

    log_in(page, admin.email, TEST_PASSWORD)
    page.goto("/home/")
    page.wait_for_url("**/accounts/two-factor-required/")
    assert page.get_by_role("heading", name="Two-factor sign-in required").is_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()

    # allauth asks for the password again before it adds an authenticator.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")

    page.goto("/home/")
    page.wait_for_url("**/home/")
    assert page.get_by_role("heading", name=re.compile("Welcome")).is_visible()
