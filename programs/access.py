"""Who may see and run which program: decided here, and only here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from programs.models import (
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
    Role,
    Topic,
)

# A person who applied or was declined still sees the program's page (and their status on it).
VISIBLE_STATUSES = (
    Participant.Status.ACTIVE,
    Participant.Status.APPLIED,
    Participant.Status.INVITED,
    Participant.Status.DECLINED,
)


def programs_visible_to(user: User) -> QuerySet[Program]:
    """Programs the person takes part in, and open programs of organizations they belong to."""
    if not user.is_authenticated:
        return Program.objects.none()
    member = Participant.objects.filter(
        program=OuterRef("pk"), user=user, status__in=VISIBLE_STATUSES
    )
    in_organization = Participant.objects.filter(
        program__organization=OuterRef("organization"),
        user=user,
        status=Participant.Status.ACTIVE,
    )
    return Program.objects.filter(
        Q(Exists(member)) | (Q(enrollment_open=True) & Q(Exists(in_organization)))
    )


def programs_administered_by(user: User) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(
        participants__user=user,
        participants__role=Role.ADMIN,
        participants__status=Participant.Status.ACTIVE,
    )


def get_program_for_user(user: User, slug: str) -> Program:
    """The program if this person may see it; 404 otherwise (its existence stays private)."""
    program = programs_visible_to(user).select_related("organization").filter(slug=slug).first()
    if program is None:
        raise Http404("No such program.")
    return program


def get_program_for_admin(user: User, slug: str) -> Program:
    """The program if this person runs it; 403 if they only take part, 404 if they cannot see it."""
    program = get_program_for_user(user, slug)
    if not programs_administered_by(user).filter(pk=program.pk).exists():
        raise PermissionDenied("Only this program's admins can manage it.")
    return program


def get_participant_for_admin(program: Program, pk: int) -> Participant:
    participant = Participant.objects.select_related("user").filter(program=program, pk=pk).first()
    if participant is None:
        raise Http404("No such participant in this program.")
    return participant


def get_invitation_for_admin(program: Program, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(program=program, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation in this program.")
    return invitation


def organizations_user_can_create_programs_in(user: User) -> QuerySet:
    """An admin of any program of an organization may start another in it."""
    from programs.models import Organization

    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        programs__participants__user=user,
        programs__participants__role=Role.ADMIN,
        programs__participants__status=Participant.Status.ACTIVE,
    ).distinct()


# ---------------------------------------------------------------------------
# Organizations: their admins run what all its programs share (the topic list)
# ---------------------------------------------------------------------------
def organizations_administered_by(user: User) -> QuerySet[Organization]:
    """The organizations this person is an organization admin of (granted in /admin/)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        Exists(OrganizationAdmin.objects.filter(organization=OuterRef("pk"), user=user))
    )


def is_organization_admin(user: User, organization: Organization) -> bool:
    return (
        user.is_authenticated
        and OrganizationAdmin.objects.filter(organization=organization, user=user).exists()
    )


def get_organization_for_admin(user: User, slug: str) -> Organization:
    """The organization if this person is one of its admins; 404 otherwise, for anybody else
    (a program admin of it included): which organizations exist stays private."""
    organization = organizations_administered_by(user).filter(slug=slug).first()
    if organization is None:
        raise Http404("No such organization.")
    return organization


def get_topic_for_organization_admin(organization: Organization, pk: int) -> Topic:
    """A topic of this organization; 404 for any other."""
    topic = Topic.objects.filter(organization=organization, pk=pk).first()
    if topic is None:
        raise Http404("No such topic in this organization.")
    return topic
