"""The API's schema: valid OpenAPI 3 by drf-spectacular's own validation, and held to by every
route, as checked by Schemathesis (a property-based tester written by others): for each route
it generates requests from the schema, valid and not, sends them with the token of each role
(a mentee, a mentor, a program admin, a stranger) and an organization's integration, and checks that no answer is a
server error and every answer (status, headers, content type, body) is one the schema allows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from api.integrations import INTEGRATION_SCOPES, integration_create
from api.scopes import Scope
from api.services import token_create
from goals.models import Goal
from meetings.models import Meeting
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorshipRequestFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 20


def test_the_schema_is_valid_openapi_3_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert text.startswith("openapi: 3.")
    for path in ("/api/v1/mentorships/", "/api/v1/mentorships/{id}/", "/api/v1/goals/"):
        assert f"  {path}:" in text


def test_the_schema_is_served_to_anyone(client):
    answer = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200 and answer.json()["info"]["title"] == "Twoway API"


def _schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/v1/schema/ serves it, run against the app in this process."""
    generated = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(generated, default=str)))
    loaded.app = WSGIHandler()
    return loaded


@pytest.fixture
def tokens(keys: dict[str, str]) -> Iterator[dict[str, str]]:
    """The keys, while the app is called in this process as WSGI: the end of each request must
    not close the test's database connection (Django's test client holds the same signal back
    during its own requests, and connects it again after them: so this comes after ``keys``,
    which asks the token endpoint through the test client)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield keys
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def keys(mentorship, admin_user, outsider, org_admin) -> dict[str, str]:
    """Something of each kind to read, and a token of every scope for each role."""
    program = mentorship.program
    MentorshipRequestFactory(mentor=mentorship.mentor, mentee=mentorship.mentee)
    GoalFactory(owner=mentorship.mentee, status=Goal.Status.ACTIVE)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
    )
    assert program.participants.count() >= 3
    people = {
        "mentee": mentorship.mentee.user,
        "mentor": mentorship.mentor.user,
        "admin": admin_user,
        "stranger": outsider,
    }
    keys = {
        role: token_create(user=person, name=role, scopes=list(Scope.values))[1]
        for role, person in people.items()
    }
    # The organization's integration, with every scope an integration may have.
    _, client_id, secret = integration_create(
        organization=program.organization,
        actor=org_admin,
        name="Workday",
        scopes=list(INTEGRATION_SCOPES),
    )
    answer = Client().post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    keys["integration"] = answer.json()["access_token"]
    return keys


schema = _schema()
# The token the generated requests carry, set by the test for each role. Given through
# Schemathesis's own auth hook, so that it knows the header is handled and does not count its
# own missing-header variants as bad input the app accepted.
TOKEN: dict[str, str] = {}


@schema.auth(cache_by_key=lambda case, context: TOKEN.get("key", ""))
class Bearer:
    def get(self, case: Any, context: Any) -> str:
        return TOKEN.get("key", "")

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_route_answers_as_its_schema_says(case, tokens):
    for key in tokens.values():
        TOKEN["key"] = key
        response = case.call_and_validate()
        if response.request.headers.get("Authorization") == f"Bearer {key}":
            assert response.status_code != 401  # the token sent was taken
        # (Schemathesis also sends its own variants without it, or with one made up: 401.)
