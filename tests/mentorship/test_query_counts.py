"""No page's query count grows with the data: each page is measured small, then large."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Participant, Role
from tests.helpers import assert_flat_queries
from tests.notifications.factories import NotificationFactory
from tests.programs.factories import (
    AuditEntryFactory,
    InvitationFactory,
    ParticipantFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


def _grow_memberships(user, organization, n: int) -> None:
    for i in range(n):
        other = ProgramFactory(organization=organization, enrollment_open=(i % 3 == 0))
        ParticipantFactory(
            program=other, user=user, role=[Role.MENTEE, Role.MENTOR, Role.ADMIN][i % 3]
        )
        ParticipantFactory(program=other, role=Role.MENTEE, status=Participant.Status.APPLIED)
        InvitationFactory(program=other, email=user.email, role=Role.MENTOR)
        ProgramFactory(organization=organization, enrollment_open=True)
    NotificationFactory.create_batch(n, recipient=user, link="/programs/")


@pytest.mark.parametrize("name", ["home", "programs:list", "notifications:list"])
def test_personal_pages_stay_flat(client, django_assert_num_queries, program, admin_user, name):
    client.force_login(admin_user)
    _grow_memberships(admin_user, program.organization, 1)
    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse(name),
        lambda: _grow_memberships(admin_user, program.organization, 25),
    )


def test_program_page_stays_flat(client, django_assert_num_queries, program, mentee):
    client.force_login(mentee)
    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse("programs:detail", args=[program.slug]),
        lambda: ParticipantFactory.create_batch(80, program=program, role=Role.MENTOR),
    )


def test_manage_page_stays_flat(client, django_assert_num_queries, program, admin_user):
    client.force_login(admin_user)

    def grow() -> None:
        ParticipantFactory.create_batch(120, program=program, role=Role.MENTEE)
        ParticipantFactory.create_batch(
            30, program=program, role=Role.MENTOR, status=Participant.Status.APPLIED
        )
        InvitationFactory.create_batch(40, program=program)

    ParticipantFactory(program=program, role=Role.MENTEE, status=Participant.Status.APPLIED)
    InvitationFactory(program=program)
    assert_flat_queries(
        client, django_assert_num_queries, reverse("programs:manage", args=[program.slug]), grow
    )


def test_audit_page_stays_flat(client, django_assert_num_queries, program, admin_user):
    client.force_login(admin_user)
    AuditEntryFactory(program=program, actor=admin_user)
    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse("programs:audit", args=[program.slug]),
        lambda: AuditEntryFactory.create_batch(90, program=program, actor=admin_user),
    )


@pytest.mark.parametrize(("url", "status"), [("/no/such/page/", 404), ("manage", 403)])
def test_a_refusal_shows_the_plain_navigation_and_asks_nothing_of_it(
    client, program, mentee, url, status
):
    """A 404 or 403 costs the session and the person only: its navigation has no counts and
    no Manage menu (what scanners and guessed addresses cost), and still leads home."""
    client.force_login(mentee)
    url = reverse("programs:manage", kwargs={"slug": program.slug}) if url == "manage" else url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status
    asked = [query["sql"] for query in queries.captured_queries]
    assert not any("notifications_notification" in sql for sql in asked), asked
    assert not any("conversations_" in sql for sql in asked), asked
    html = response.content.decode()
    assert 'href="/home/"' in html and 'id="nav-manage"' not in html
