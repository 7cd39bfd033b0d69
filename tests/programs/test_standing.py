"""A person's standing (the programs they run or are a mentee of, the organizations they are an
admin of) is kept in the cache, and every write that changes it forgets it at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from identity.models import Departure
from identity.services import person_leave
from programs.mfa import user_must_have_mfa
from programs.models import OrganizationAdmin, Participant, Role
from programs.services import organization_admin_grant
from programs.standing import standing_of
from tests.accounts.factories import UserFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings) -> None:
    settings.STANDING_SECONDS = 300
    settings.MFA_REQUIRED_FOR_ADMINS = True


def _names(programs) -> list[str]:
    return [p.name for p in programs]


def test_the_standing_is_kept_between_pages(mentee, program):
    assert _names(standing_of(mentee).mentee_programs) == ["Pathways"]
    with CaptureQueriesContext(connection) as captured:
        kept = standing_of(mentee)
    assert len(captured) == 0
    assert _names(kept.mentee_programs) == ["Pathways"] and not kept.runs_anything


def test_a_new_admin_role_counts_at_once(mentee, program):
    assert not user_must_have_mfa(mentee)
    other = ProgramFactory(name="Bridges")
    ParticipantFactory(program=other, user=mentee, role=Role.ADMIN)
    assert user_must_have_mfa(mentee)
    assert _names(standing_of(mentee).admin_programs) == ["Bridges"]


def test_a_role_that_ends_stops_counting_at_once(admin_user, program):
    assert user_must_have_mfa(admin_user)
    participant = Participant.objects.get(user=admin_user)
    participant.status = Participant.Status.WITHDRAWN
    participant.save()
    assert not user_must_have_mfa(admin_user)
    assert standing_of(admin_user).admin_programs == []


def test_an_organization_admin_role_counts_at_once_and_ends_at_once(mentee, program):
    assert standing_of(mentee).organizations == []
    role = organization_admin_grant(organization=program.organization, user=mentee, actor=None)
    assert _names(standing_of(mentee).organizations) == [program.organization.name]
    assert user_must_have_mfa(mentee)
    OrganizationAdmin.objects.filter(pk=role.pk).delete()
    assert standing_of(mentee).organizations == []
    assert not user_must_have_mfa(mentee)


def test_a_renamed_program_is_drawn_with_its_new_name(client: Client, mentee, program):
    client.force_login(mentee)
    assert client.get(reverse("notifications:list")).status_code == 200
    program.name = "Pathways Two"
    program.save()
    assert _names(standing_of(mentee).mentee_programs) == ["Pathways Two"]


def test_leaving_the_organization_forgets_the_standing(admin_user, program, org_admin):
    assert user_must_have_mfa(admin_user)
    person_leave(
        organization=program.organization, user=admin_user, actor=org_admin, via=Departure.Via.ADMIN
    )
    assert standing_of(admin_user).admin_programs == []


def test_an_admin_made_while_signed_in_is_sent_to_set_up_two_factor(client: Client, program):
    person = UserFactory()
    ParticipantFactory(program=program, user=person, role=Role.MENTEE)
    client.force_login(person)
    assert client.get("/home/").status_code == 200  # kept: a mentee
    ParticipantFactory(program=ProgramFactory(), user=person, role=Role.ADMIN)
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_required")
