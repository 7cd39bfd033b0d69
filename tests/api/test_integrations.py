"""An organization's integration reads the API as the organization, by OAuth 2.0 client
credentials: added by an organization admin on its page (client id and secret shown once, the
secret kept hashed); its access token reads the organization's programs as their admins do, not
another organization's, nothing beyond its scopes and never people's meetings or goals; a wrong
secret, a scope it was not given, and a revoked integration are refused."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import Application

from api.integrations import integration_create, integration_revoke
from api.models import Integration
from programs.models import Role
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/oauth/token/"


def _token(client_id: str, secret: str, **extra: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", **extra},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def _bearer(access: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {access}")


@pytest.fixture
def hr(program, org_admin):
    integration, client_id, secret = integration_create(
        organization=program.organization,
        actor=org_admin,
        name="Workday",
        scopes=["mentorships:read", "participants:read"],
    )
    return integration, client_id, secret


def test_an_integration_reads_its_organizations_programs(hr, program, mentorship):
    _, client_id, secret = hr
    answer = _token(client_id, secret)
    assert answer.status_code == 200, answer.content
    token = answer.json()
    assert set(token["scope"].split()) == {"mentorships:read", "participants:read"}
    sibling = ProgramFactory(organization=program.organization)
    pair = MentorshipFactory(
        mentor=ParticipantFactory(program=sibling, role=Role.MENTOR),
        mentee=ParticipantFactory(program=sibling, role=Role.MENTEE),
    )
    elsewhere = MentorshipFactory(
        mentor=ParticipantFactory(role=Role.MENTOR),
        mentee=ParticipantFactory(role=Role.MENTEE),
    )
    client = _bearer(token["access_token"])
    ids = [row["id"] for row in client.get("/api/v1/mentorships/").json()["results"]]
    assert sorted(ids) == sorted([mentorship.pk, pair.pk])
    assert client.get(f"/api/v1/mentorships/{elsewhere.pk}/").status_code == 404
    assert client.get("/api/v1/meetings/").status_code == 403  # not among its scopes
    assert client.get("/api/v1/goals/").status_code == 403


def test_the_secret_is_kept_hashed_and_a_wrong_one_is_refused(hr):
    integration, client_id, secret = hr
    stored = Application.objects.get(pk=integration.application_id).client_secret
    assert secret not in stored
    assert _token(client_id, "not-the-secret").status_code == 401


def test_a_scope_it_was_not_given_is_refused(hr):
    _, client_id, secret = hr
    refused = _token(client_id, secret, scope="audit:read")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    narrower = _token(client_id, secret, scope="mentorships:read")
    assert narrower.json()["scope"] == "mentorships:read"


def test_a_revoked_integration_stops_at_once(hr, program, org_admin, mentorship):
    integration, client_id, secret = hr
    access = _token(client_id, secret).json()["access_token"]
    assert _bearer(access).get("/api/v1/mentorships/").status_code == 200
    integration_revoke(organization=program.organization, integration=integration, actor=org_admin)
    assert _bearer(access).get("/api/v1/mentorships/").status_code == 401
    assert _token(client_id, secret).status_code == 401
    assert not Integration.objects.exists()


def test_only_organization_admins_add_and_revoke(client, program, org_admin, admin_user, hr):
    url = reverse("api:integrations", kwargs={"slug": program.organization.slug})
    client.force_login(admin_user)
    assert client.get(url).status_code == 404
    integration, _, _ = hr
    revoke = reverse(
        "api:integration_revoke", kwargs={"slug": program.organization.slug, "pk": integration.pk}
    )
    assert client.post(revoke).status_code == 404
    client.force_login(org_admin)
    refused = client.post(url, {"name": "BI"}).content.decode()
    assert "Choose what it may read." in refused
    assert client.post(url, {"name": "BI", "scopes": ["audit:read"]}).status_code == 302
    page = client.get(url).content.decode()
    secret = page.split('id="client-secret" type="text" readonly value="')[1].split('"')[0]
    client_id = page.split('id="client-id" type="text" readonly value="')[1].split('"')[0]
    assert _token(client_id, secret).status_code == 200
    assert secret not in client.get(url).content.decode()  # shown once
