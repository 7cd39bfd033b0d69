"""MFA_REQUIRED_FOR_ADMINS: staff and program admins use the site only with two-factor sign-in."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programs.mfa import user_must_have_mfa
from programs.models import Participant, Program, Role
from tests.accounts.factories import UserFactory
from tests.helpers import GOOD_SECRET_KEY, manage_py
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

REQUIRED = override_settings(MFA_REQUIRED_FOR_ADMINS=True)
SET_UP_PAGE = "/accounts/two-factor-required/"


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(is_staff=True, is_superuser=True)


@REQUIRED
def test_a_program_admin_without_mfa_is_sent_to_the_set_up_page(client: Client, admin_user):
    client.force_login(admin_user)
    for url in ("/home/", "/programs/pathways/manage/", "/notifications/", "/accounts/profile/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SET_UP_PAGE, url
    page = client.get(SET_UP_PAGE)
    assert page.status_code == 200
    assert "Two-factor sign-in required" in page.content.decode()
    assert reverse("mfa_activate_totp") in page.content.decode()


@REQUIRED
def test_a_program_admin_without_mfa_cannot_write_either(client: Client, admin_user, program):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:invite", kwargs={"slug": program.slug}),
        {"email": "someone@example.org", "role": "mentee", "full_name": ""},
    )
    assert response["Location"] == SET_UP_PAGE
    assert not program.invitations.exists()


@REQUIRED
def test_the_set_up_pages_and_the_way_out_stay_open(client: Client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("mfa_index")).status_code == 200
    # Activating TOTP first asks for the password again; both stay reachable.
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(activate["Location"]).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    assert client.post(reverse("account_logout"))["Location"] == "/"
    assert "_auth_user_id" not in client.session


@REQUIRED
def test_an_htmx_request_is_sent_to_the_set_up_page_as_a_whole_page(client: Client, admin_user):
    client.force_login(admin_user)
    response = client.get("/notifications/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == SET_UP_PAGE


@REQUIRED
def test_a_program_admin_with_totp_uses_the_site(client: Client, admin_user):
    client.force_login(with_totp(admin_user))
    assert client.get("/home/").status_code == 200
    assert client.get("/programs/pathways/manage/").status_code == 200
    page = client.get(SET_UP_PAGE)
    assert "Two-factor sign-in is on for your account" in page.content.decode()


@REQUIRED
def test_recovery_codes_alone_are_not_a_second_factor(client: Client, admin_user):
    Authenticator.objects.create(
        user=admin_user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    client.force_login(admin_user)
    assert client.get("/home/")["Location"] == SET_UP_PAGE


@REQUIRED
def test_staff_without_mfa_are_sent_to_the_set_up_page_from_the_admin(client: Client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index"))["Location"] == SET_UP_PAGE
    client.force_login(with_totp(staff))
    assert client.get(reverse("admin:index")).status_code == 200


@REQUIRED
def test_mentors_and_mentees_need_no_mfa(client: Client, mentor, mentee):
    for person in (mentor, mentee):
        client.force_login(person)
        assert client.get("/home/").status_code == 200


@REQUIRED
def test_only_an_active_admin_role_counts(admin_user, program: Program):
    assert user_must_have_mfa(admin_user)
    Participant.objects.filter(user=admin_user).update(status=Participant.Status.WITHDRAWN)
    assert not user_must_have_mfa(admin_user)
    invited = ParticipantFactory(
        program=program, role=Role.ADMIN, status=Participant.Status.INVITED
    ).user
    assert not user_must_have_mfa(invited)


@override_settings(MFA_REQUIRED_FOR_ADMINS=False)
def test_with_the_setting_off_nothing_changes(client: Client, admin_user, staff):
    assert not user_must_have_mfa(admin_user) and not user_must_have_mfa(staff)
    client.force_login(admin_user)
    assert client.get("/home/").status_code == 200
    assert client.get("/programs/pathways/manage/").status_code == 200
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def _queries(client: Client, url: str, **changed: object) -> int:
    with override_settings(**changed), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_check_costs_no_query_when_off_and_none_for_a_mentee_when_on(
    client: Client, mentee, settings
):
    """On, the check reads the person's standing, which the navigation reads too and which is
    kept in the cache between the writes that change it (``STANDING_SECONDS``)."""
    settings.STANDING_SECONDS = 300
    client.force_login(mentee)
    without = [name for name in settings.MIDDLEWARE if not name.endswith("MfaRequiredMiddleware")]
    assert len(without) == len(settings.MIDDLEWARE) - 1
    _queries(client, "/notifications/")  # warm: the session's first read, the standing kept
    alone = _queries(client, "/notifications/", MIDDLEWARE=without)
    assert _queries(client, "/notifications/", MFA_REQUIRED_FOR_ADMINS=False) == alone
    assert _queries(client, "/notifications/", MFA_REQUIRED_FOR_ADMINS=True) == alone


def _mfa_setting(**env: str) -> bool:
    result = manage_py(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.MFA_REQUIRED_FOR_ADMINS))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_setting_is_on_in_production_and_off_in_development():
    production = {"SECRET_KEY": GOOD_SECRET_KEY, "ALLOWED_HOSTS": "twoway.example.com"}
    assert _mfa_setting(DJANGO_ENV="production", **production) is True
    assert _mfa_setting(DJANGO_ENV="development") is False
    assert (
        _mfa_setting(DJANGO_ENV="production", MFA_REQUIRED_FOR_ADMINS="false", **production)
        is False
    )
