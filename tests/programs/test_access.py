"""Every program page checks the object: roles, programs and organizations do not leak."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import Invitation, Participant, Role
from tests.programs.factories import InvitationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

MANAGE_PAGES = [
    "programs:manage",
    "programs:settings",
    "programs:invite",
    "programs:import",
    "programs:audit",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_mentee_cannot_reach_manage_pages(client, program, mentee, name):
    client.force_login(mentee)
    assert client.get(reverse(name, args=[program.slug])).status_code == 403


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_mentor_cannot_reach_manage_pages(client, program, mentor, name):
    client.force_login(mentor)
    assert client.get(reverse(name, args=[program.slug])).status_code == 403


@pytest.mark.parametrize("name", ["programs:detail", *MANAGE_PAGES])
def test_admin_of_another_program_sees_nothing_of_this_one(client, program, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[program.slug])).status_code == 404


def test_admin_of_another_program_cannot_act_on_this_ones_people(
    client, program, mentee, outsider, other_program
):
    """Using their own program's slug with this program's participant id finds nothing."""
    participant = Participant.objects.get(user=mentee, program=program)
    client.force_login(outsider)
    for name in ("programs:withdraw", "programs:approve", "programs:decline"):
        response = client.post(reverse(name, args=[other_program.slug, participant.pk]))
        assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE


def test_admin_of_another_program_cannot_revoke_this_ones_invitations(
    client, program, outsider, other_program
):
    invitation = InvitationFactory(program=program)
    client.force_login(outsider)
    assert (
        client.post(
            reverse("programs:revoke", args=[other_program.slug, invitation.pk])
        ).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_mentee_cannot_withdraw_others(client, program, mentee, mentor):
    participant = Participant.objects.get(user=mentor, program=program)
    client.force_login(mentee)
    assert (
        client.post(reverse("programs:withdraw", args=[program.slug, participant.pk])).status_code
        == 403
    )
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE


def test_withdrawn_participant_loses_access(client, program, admin_user, mentee):
    participant = Participant.objects.get(user=mentee, program=program)
    client.force_login(admin_user)
    client.post(reverse("programs:withdraw", args=[program.slug, participant.pk]))
    participant.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN
    client.force_login(mentee)
    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == 404
    assert mentee.notifications.filter(title__contains="no longer a mentee").exists()


def test_closed_program_of_same_organization_stays_hidden(client, program, mentee):
    hidden = ParticipantFactory(program__organization=program.organization, role=Role.ADMIN).program
    client.force_login(mentee)
    assert client.get(reverse("programs:detail", args=[hidden.slug])).status_code == 404


def test_open_program_of_same_organization_is_visible(client, program, mentee):
    open_program = ParticipantFactory(
        program__organization=program.organization, program__enrollment_open=True, role=Role.ADMIN
    ).program
    client.force_login(mentee)
    assert client.get(reverse("programs:detail", args=[open_program.slug])).status_code == 200
    assert open_program.name in client.get(reverse("programs:list")).content.decode()


def test_open_program_of_another_organization_stays_hidden(client, mentee):
    other = ParticipantFactory(program__enrollment_open=True, role=Role.ADMIN).program
    client.force_login(mentee)
    assert client.get(reverse("programs:detail", args=[other.slug])).status_code == 404


def test_only_program_admins_can_create_programs(client, program, mentee, admin_user):
    client.force_login(mentee)
    assert client.get(reverse("programs:create")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("programs:create")).status_code == 200
