"""Django's admin signs in through allauth's door: its two-factor step and its rate limits.

Django's own admin login form checks a password and opens a session by itself, so a superuser's
TOTP and allauth's throttling were both skipped there (issue 14, part 3).
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.accounts.helpers import current_code

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"


def superuser_with_totp() -> tuple[User, str]:
    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_the_admin_login_form_gives_no_session_even_for_the_right_password(client: Client):
    user, _secret = superuser_with_totp()
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": user.email, "password": TEST_PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    # The form sends the person to allauth's sign-in, which brings them back to the admin.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_the_admin_sign_in_asks_for_the_totp_code_before_the_admin_opens(client: Client):
    user, secret = superuser_with_totp()
    door = client.get(reverse("admin:index"), follow=True)
    assert door.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2F"
    password = client.post(
        door.redirect_chain[-1][0], {"login": user.email, "password": TEST_PASSWORD}
    )
    assert password["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302

    code = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert code["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_totp_code_keeps_the_admin_closed(client: Client):
    user, _secret = superuser_with_totp()
    client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": user.email, "password": TEST_PASSWORD},
    )
    answer = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert answer.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_twenty_five_password_guesses_through_the_admin_door_are_throttled(client: Client):
    """25 guesses in a row: the admin form checks none, allauth's sign-in stops them at five."""
    user, _secret = superuser_with_totp()
    answers = []
    for attempt in range(25):
        guess = {"username": user.email, "password": f"guess-{attempt}"}
        door = client.post(reverse("admin:login"), guess)
        assert door.status_code == 302, f"the admin form answered guess {attempt} itself"
        assert door["Location"].startswith(reverse("account_login"))
        answers.append(
            client.post(door["Location"], {"login": user.email, "password": guess["password"]})
        )
    assert all(TOO_MANY not in answer.content.decode() for answer in answers[:5])
    assert all(TOO_MANY in answer.content.decode() for answer in answers[5:])
    # ... and then even the right password is refused for a while.
    right = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_who_is_not_staff_is_refused_the_admin_login(client: Client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403
