"""Races that only a real PostgreSQL can show: row locks decide, not luck."""

from __future__ import annotations

import pytest

from mentorship.errors import DomainError
from programs.models import Invitation, Participant, Role
from programs.services import invitation_accept, invitation_create
from tests.accounts.factories import UserFactory
from tests.helpers import race
from tests.programs.factories import InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_accepts_of_one_invitation_make_one_participant(postgres, program):
    user = UserFactory(email="twice@example.org")
    invitation = InvitationFactory(program=program, email=user.email, role=Role.MENTOR)
    accept = lambda: invitation_accept(invitation=invitation, user=user)  # noqa: E731
    results = race([accept, accept])
    assert sum(isinstance(r, Participant) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert Participant.objects.filter(user=user, program=program, role=Role.MENTOR).count() == 1


def test_two_admins_inviting_the_same_person_at_once_make_one_invitation(
    postgres, program, admin_user
):
    def invite() -> Invitation:
        return invitation_create(
            program=program, invited_by=admin_user, email="race@example.org", role=Role.MENTEE
        )

    results = race([invite, invite])
    assert sum(isinstance(r, Invitation) for r in results) == 1
    assert Invitation.objects.filter(program=program, email="race@example.org").count() == 1
