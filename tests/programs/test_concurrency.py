"""Races that only a real PostgreSQL can show: row locks decide, not luck."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentorship.errors import DomainError
from programs.models import Invitation, Participant, Role
from programs.services import invitation_accept, invitation_create
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, n: int = 2) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(target())
        except DomainError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_accepts_of_one_invitation_make_one_participant(postgres, program):
    user = UserFactory(email="twice@example.org")
    invitation = InvitationFactory(program=program, email=user.email, role=Role.MENTOR)
    results = _race(lambda: invitation_accept(invitation=invitation, user=user))
    assert sum(isinstance(r, Participant) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert Participant.objects.filter(user=user, program=program, role=Role.MENTOR).count() == 1


def test_two_admins_inviting_the_same_person_at_once_make_one_invitation(
    postgres, program, admin_user
):
    results = _race(
        lambda: invitation_create(
            program=program, invited_by=admin_user, email="race@example.org", role=Role.MENTEE
        )
    )
    assert sum(isinstance(r, Invitation) for r in results) == 1
    assert Invitation.objects.filter(program=program, email="race@example.org").count() == 1
