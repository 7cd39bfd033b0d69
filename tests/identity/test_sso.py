"""Single sign-on settings and the rules around it (the sign-in itself runs through a real
OpenID provider in tests/e2e/test_sso_flow.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from identity.adapter import SocialAccountAdapter
from identity.forms import LoginForm
from identity.models import SsoProvider
from identity.services import sso_provider_save
from mentorship import crypto
from mentorship.errors import DomainError
from programs.models import AuditEntry
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.programs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SECRET = "the-client-secret-from-entra"  # noqa: S105 (test data)


def _save(organization, actor, **changes):
    values = {
        "name": "Acme Entra ID",
        "server_url": "https://login.example.com/tenant/v2.0",
        "client_id": "client-123",
        "secret": SECRET,
        "domains": "acme.test, acme.example",
        "required": True,
        **changes,
    }
    return sso_provider_save(organization=organization, actor=actor, **values)


def test_the_secret_is_stored_encrypted_and_never_logged(program, org_admin):
    provider = _save(program.organization, org_admin)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM identity_ssoprovider")
        (stored,) = cursor.fetchone()
    assert SECRET not in stored and crypto.decrypt(stored) == SECRET
    entry = AuditEntry.objects.get(action="sso.save")
    assert SECRET not in str(entry.detail) and entry.detail["after"]["client secret"] == "changed"
    _save(program.organization, org_admin, secret="", name="Acme sign-in")  # keeps the secret
    provider.refresh_from_db()
    assert crypto.decrypt(provider.secret_encrypted) == SECRET and provider.name == "Acme sign-in"
    app = SocialAccountAdapter().list_apps(None, provider=program.organization.slug)[0]
    assert app.secret == SECRET and app.settings["hidden"] is True
    assert app.settings["server_url"] == "https://login.example.com/tenant/v2.0"


def test_refusals_change_nothing(program, org_admin, admin_user):
    with pytest.raises(DomainError, match="organization admin"):
        _save(program.organization, admin_user)
    with pytest.raises(DomainError, match="client secret"):
        _save(program.organization, org_admin, secret="")
    with pytest.raises(DomainError, match="email domains"):
        _save(program.organization, org_admin, domains="not a domain")
    other = OrganizationFactory()
    boss = UserFactory()
    from programs.services import organization_admin_grant

    organization_admin_grant(organization=other, user=boss, actor=None)
    _save(other, boss, domains="other.test")
    with pytest.raises(DomainError, match="another organization"):
        _save(program.organization, org_admin, domains="acme.test, other.test")
    assert SsoProvider.objects.filter(organization=program.organization).count() == 0


def test_a_required_domain_cannot_sign_in_with_a_password_but_a_superuser_can(
    rf, program, org_admin
):
    _save(program.organization, org_admin)
    person = UserFactory(email="pat@acme.test")
    form = LoginForm(data={"login": person.email, "password": TEST_PASSWORD}, request=rf.get("/"))
    assert not form.is_valid() and "signs you in through Acme Entra ID" in str(form.errors)
    operator = UserFactory(email="root@acme.test", is_superuser=True, is_staff=True)
    request = rf.get("/")
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    form = LoginForm(data={"login": operator.email, "password": TEST_PASSWORD}, request=request)
    assert "signs you in through" not in str(form.errors)


def test_email_first_goes_to_the_domains_provider_and_keeps_a_safe_next(client, program, org_admin):
    _save(program.organization, org_admin)
    start = reverse("identity:sso_start")
    answer = client.get(start, {"email": "Pat@ACME.test", "next": "/goals/"})
    login = reverse("identity:oidc_login", kwargs={"provider_id": program.organization.slug})
    assert answer.status_code == 302 and answer["Location"].startswith(login)
    assert "next=%2Fgoals%2F" in answer["Location"]
    answer = client.get(start, {"email": "pat@acme.test", "next": "https://evil.test/"})
    assert "evil" not in answer["Location"]
    answer = client.get(start, {"email": "pat@nowhere.test"}, follow=True)
    assert "no organization sign-in here" in answer.content.decode()
    page = client.get(login)
    assert "form-action 'self' https://login.example.com" in page["Content-Security-Policy"]
    assert (
        client.get(reverse("account_login"))["Content-Security-Policy"].count("login.example") == 0
    )


def test_the_page_saves_single_sign_on_and_never_shows_the_secret(client, program, org_admin):
    url = reverse("identity:page", args=[program.organization.slug])
    client.force_login(org_admin)
    answer = client.post(
        url,
        {
            "action": "sso",
            "sso-kind": "oidc",
            "sso-name": "Acme Okta",
            "sso-server_url": "https://acme.okta.com",
            "sso-client_id": "0oa123",
            "sso-secret": SECRET,
            "sso-domains": "acme.test",
            "sso-required": "on",
        },
        follow=True,
    )
    page = answer.content.decode()
    assert "Single sign-on is saved." in page and "through\n    <strong>Acme Okta</strong>" in page
    assert SECRET not in page
    assert f"/accounts/oidc/{program.organization.slug}/login/callback/" in page
    answer = client.post(url, {"action": "sso", "sso-name": "x", "sso-domains": "acme.test"})
    assert "This field is required" in answer.content.decode()


def test_operators_set_it_up_in_the_admin_with_the_secret_encrypted(client, program):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    answer = client.post(
        "/admin/identity/ssoprovider/add/",
        {
            "organization": program.organization.pk,
            "kind": "oidc",
            "name": "Acme Keycloak",
            "server_url": "https://sso.acme.test/realms/acme",
            "client_id": "twoway",
            "secret": SECRET,
            "domains": "acme.test",
            "department_claim": "department",
            "job_title_claim": "job_title",
            "time_zone_claim": "zoneinfo",
            "groups_claim": "groups",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    provider = SsoProvider.objects.get(organization=program.organization)
    assert crypto.decrypt(provider.secret_encrypted) == SECRET
    assert SECRET not in provider.secret_encrypted
    assert AuditEntry.objects.filter(action="sso.save", actor=operator).exists()
    page = client.get(f"/admin/identity/ssoprovider/{provider.pk}/change/").content.decode()
    assert SECRET not in page and provider.secret_encrypted not in page


def test_a_provider_that_cannot_be_reached_sends_back_to_the_sign_in_page(
    client, program, org_admin
):
    """Its discovery document cannot be read (nothing listens at its address): the sign-in
    page says so, rather than a server error."""
    _save(program.organization, org_admin, server_url="http://127.0.0.1:9", required=False)
    url = reverse("identity:oidc_login", kwargs={"provider_id": program.organization.slug})
    answer = client.post(url, {"process": "login"}, follow=True)
    assert answer.redirect_chain[0] == (reverse("account_login"), 302)
    assert "sign-in service could not be reached" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_longer_than_any_is_refused_not_a_server_error(client, program, org_admin):
    """Found by fuzzing: some 20,000 characters as the sign-in address made SQLite refuse the
    domain's LIKE ("pattern too complex"), a server error; now the form's own refusal."""
    _save(program.organization, org_admin, required=True)
    for login in ("🙂" * 20_000, f"x@{'a' * 300}.test"):
        answer = client.post(reverse("account_login"), {"login": login, "password": "x"})
        assert answer.status_code == 200
        assert "_auth_user_id" not in client.session
