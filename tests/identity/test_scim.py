"""What SCIM does in Twoway, beyond the protocol that test_scim_compliance.py checks: tokens
name the organization, provisioning makes accounts, ``active: false`` is the leaver path, and
groups feed programs."""

from __future__ import annotations

import json

import pytest

from identity.models import Departure, GroupMapping, ScimToken, ScimUser, new_token, token_digest
from identity.services import scim_token_revoke
from matching.models import ClosingReason, Mentorship
from notifications.models import Notification
from programs.models import Participant, Role
from tests.programs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


def _token(organization) -> str:
    raw = new_token()
    ScimToken.objects.create(
        organization=organization, name="IdP", digest=token_digest(raw), hint=raw[7:13]
    )
    return raw


class Scim:
    def __init__(self, client, token: str):
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **query):
        return self.client.get(f"/scim/v2/{path}", query, **self.auth)

    def send(self, method: str, path: str, body: dict):
        call = getattr(self.client, method)
        return call(f"/scim/v2/{path}", json.dumps(body), content_type=SCIM, **self.auth)


@pytest.fixture
def scim(client, program):
    return Scim(client, _token(program.organization))


def _person(email: str, **extra) -> dict:
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": email, "primary": True}],
        "title": "Engineer",
        **extra,
    }


def test_no_token_no_entry_and_a_session_is_not_a_token(client, mentor):
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    client.force_login(mentor)
    assert client.get("/scim/v2/Users").status_code == 401
    assert client.get("/scim/v2/ServiceProviderConfig").status_code == 200


def test_provisioning_makes_a_verified_account_found_by_user_name(scim):
    from allauth.account.models import EmailAddress

    response = scim.send("post", "Users", _person("ada@example.org"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["userName"] == "ada@example.org" and created["meta"]["version"]
    account = ScimUser.objects.get(scim_id=created["id"]).user
    assert account.full_name == "Ada Lovelace" and account.job_title == "Engineer"
    assert EmailAddress.objects.get(user=account).verified
    found = scim.get("Users", filter='userName eq "ADA@example.org"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == created["id"]
    again = scim.send("post", "Users", _person("ada@example.org"))
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


def test_a_token_sees_only_its_own_organization(client, scim, program):
    theirs = Scim(client, _token(OrganizationFactory()))
    created = theirs.send("post", "Users", _person("bob@elsewhere.org")).json()
    assert scim.get(f"Users/{created['id']}").status_code == 404
    assert scim.get("Users").json()["totalResults"] == 0
    assert scim.send("delete", f"Users/{created['id']}", {}).status_code == 404
    assert ScimUser.objects.filter(scim_id=created["id"]).exists()


def test_a_revoked_token_is_refused(client, program, org_admin):
    raw = _token(program.organization)
    scim_token_revoke(
        organization=program.organization,
        token=ScimToken.objects.get(digest=token_digest(raw)),
        actor=org_admin,
    )
    assert Scim(client, raw).get("Users").status_code == 401


def test_active_false_is_the_leaver_path_and_true_brings_them_back(
    client, scim, program, mentor, mentee, mentorship
):
    created = scim.send("post", "Users", _person(mentor.email)).json()
    assert ScimUser.objects.get(scim_id=created["id"]).user == mentor  # linked, not duplicated
    client.force_login(mentor)
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    assert scim.send("patch", f"Users/{created['id']}", patch).status_code == 204
    assert scim.get(f"Users/{created['id']}").json()["active"] is False
    mentorship.refresh_from_db()
    mentor.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.closing_reason == ClosingReason.LEFT_ORGANIZATION
    assert not mentor.is_active
    assert Notification.objects.filter(recipient=mentee, title__contains="has left").exists()
    assert Departure.objects.get(user=mentor).via == Departure.Via.SCIM
    assert client.get("/home/").status_code == 302  # their session is over
    patch["Operations"][0]["value"] = True
    assert scim.send("patch", f"Users/{created['id']}", patch).status_code == 204
    mentor.refresh_from_db()
    assert mentor.is_active
    assert Participant.objects.get(user=mentor, program=program).status == "active"
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED


def test_deleting_a_user_is_leaving_and_keeps_the_account(scim, mentor, mentorship):
    created = scim.send("post", "Users", _person(mentor.email)).json()
    assert scim.send("delete", f"Users/{created['id']}", {}).status_code == 204
    mentor.refresh_from_db()
    assert not mentor.is_active and not ScimUser.objects.exists()
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED


def test_a_mapped_group_feeds_the_program(scim, program):
    GroupMapping.objects.create(
        organization=program.organization,
        group_name="Graduates 2027",
        program=program,
        role=Role.MENTEE,
    )
    person = scim.send("post", "Users", _person("grace@example.org")).json()
    group = scim.send(
        "post",
        "Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Graduates 2027",
            "members": [{"value": person["id"]}],
        },
    )
    assert group.status_code == 201, group.content
    joined = Participant.objects.get(user__email="grace@example.org", program=program)
    assert joined.role == Role.MENTEE and joined.status == "active"


def test_too_many_calls_are_told_to_wait(scim, settings):
    settings.SCIM_RATE_PER_MINUTE = 3
    answers = [scim.get("Users").status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]
    response = scim.get("Users")
    assert response["Retry-After"] == "60" and response.json()["status"] == "429"
