"""Factories for organizations, programs, participants, invitations, the audit log and topics."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from programs.models import (
    AuditEntry,
    Invitation,
    Organization,
    Participant,
    Program,
    Role,
    Topic,
)
from tests.accounts.factories import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.MENTEE
    status = Participant.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    program = factory.SubFactory(ProgramFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.MENTEE
    nonce = factory.LazyFunction(lambda: secrets.token_hex(16))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    program = factory.SubFactory(ProgramFactory)
    action = "participant.withdraw"
    subject = factory.Sequence(lambda n: f"person{n}@example.org")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


def topics_of(organization: Organization, n: int) -> list[Topic]:
    return TopicFactory.create_batch(n, organization=organization)
