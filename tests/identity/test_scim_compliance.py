"""The SCIM endpoint, checked over real HTTP by a compliance suite others wrote (python-scim's
scim2-tester, through scim2-client and httpx2): every check passes, apart from what the endpoint
declares unsupported in its ServiceProviderConfig (bulk operations and password changes)."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from identity.models import ScimToken, ScimUser, new_token, token_digest
from tests.programs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED}


@pytest.fixture
def scim(live_server):
    organization = OrganizationFactory(name="Acme", slug="acme")
    raw = new_token()
    ScimToken.objects.create(
        organization=organization, name="Tester", digest=token_digest(raw), hint=raw[7:13]
    )
    client = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=30,
    )
    yield SyncSCIMClient(client), organization
    client.close()


def test_scim2_tester_passes_every_check_it_runs(scim, settings):
    settings.SCIM_RATE_PER_MINUTE = 100_000  # the suite is faster than any identity provider
    client, organization = scim
    results = check_server(client)
    failed = [f"{r.title}: {r.reason}" for r in results if r.status not in PASSING]
    assert results and not failed, "\n".join(failed)
    ran = {r.title for r in results if r.status != Status.SKIPPED}
    # The suite really ran the protocol: creation, reading, replacing, patching, deleting.
    for check in ("object_creation", "object_query", "object_replacement", "object_deletion"):
        assert any(check in title for title in ran), (check, sorted(ran))
    skipped = {r.title for r in results if r.status == Status.SKIPPED}
    assert not any("user" in t.lower() and "patch" in t.lower() for t in skipped), skipped
    # What the tester created and deleted stays within its organization.
    assert not ScimUser.objects.exclude(organization=organization).exists()
