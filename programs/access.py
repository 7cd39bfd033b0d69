"""Who may see and run which program: decided here, and only here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from mentorship.errors import DomainError
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


# ---------------------------------------------------------------------------
# Program admins: the one rule for "runs this program", used by every check below and elsewhere
# ---------------------------------------------------------------------------
def program_admin_participations() -> QuerySet[Participant]:
    """Who runs a program: an active participation in the admin role, and nothing else.

    An organization admin runs the organization's shared topic list, not its programs (they
    see none of a program's people unless they also hold this role), and site staff work in
    /admin/; neither counts here. A withdrawn, invited or applied admin row does not count.
    """
    return Participant.objects.filter(role=Role.ADMIN, status=Participant.Status.ACTIVE)


def is_admin_participation(participant: Participant) -> bool:
    """The same rule on a participation already loaded (no query)."""
    return participant.role == Role.ADMIN and participant.status == Participant.Status.ACTIVE


def is_program_admin(user: User, program: Program) -> bool:
    """Whether this person runs this program (the question every admin check asks)."""
    return (
        user.is_authenticated
        and program_admin_participations().filter(program=program, user_id=user.pk).exists()
    )


def require_program_admin(*, program: Program, actor: User, doing: str) -> None:
    """Refuse anyone but an active admin of this program (views check too; services never trust them).

    ``doing``: what they may do, as a translated verb phrase ("send announcements")."""
    if not is_program_admin(actor, program):
        raise DomainError(
            # Translators: %(doing)s is a verb phrase in the infinitive, such as "send announcements".
            _("Only the admins of %(program)s can %(doing)s.")
            % {"program": program.name, "doing": doing}
        )


def programs_administered_by(user: User) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(
        Exists(program_admin_participations().filter(program=OuterRef("pk"), user=user))
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
        raise PermissionDenied(_("Only this program's admins can manage it."))
    return program


def get_participant_for_admin(program: Program, pk: int) -> Participant:
    participant = Participant.objects.select_related("user").filter(program=program, pk=pk).first()
    if participant is None:
        raise Http404("No such participant in this program.")
    return participant


def user_can_accept_invitation(*, user: User, invitation: Invitation) -> bool:
    """The invitation went to an address this person has verified (or signs in with)."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def get_invitation_for_admin(program: Program, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(program=program, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation in this program.")
    return invitation


def organizations_user_can_create_programs_in(user: User) -> QuerySet[Organization]:
    """An admin of any program of an organization may start another in it; a superuser, in any.

    Deliberately wider than ``is_program_admin`` for one program (any program of the
    organization counts) and deliberately not open to organization admins (they own the
    shared topic list, not the programs).
    """
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        Exists(
            program_admin_participations().filter(program__organization=OuterRef("pk"), user=user)
        )
    )


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


def require_organization_admin(*, organization: Organization, actor: User, doing: str) -> None:
    """Refuse anyone but an admin of this organization (views check too; services never trust
    them). A program's admins are not enough: the list is every program's. ``doing``: what they
    may do, as a translated verb phrase ("add topics")."""
    if not is_organization_admin(actor, organization):
        raise DomainError(
            _(
                # Translators: %(doing)s is a verb phrase in the infinitive, such as "add topics".
                "Only the organization admins of %(organization)s can %(doing)s: the list is "
                "shared by all its programs."
            )
            % {"organization": organization.name, "doing": doing}
        )


def get_topic_for_organization_admin(organization: Organization, pk: int) -> Topic:
    """A topic of this organization; 404 for any other."""
    topic = Topic.objects.filter(organization=organization, pk=pk).first()
    if topic is None:
        raise Http404("No such topic in this organization.")
    return topic


# ---------------------------------------------------------------------------
# Operators: they alone grant and take back the organization admin role
# ---------------------------------------------------------------------------
GRANT_PERMISSION = "programs.add_organizationadmin"
REVOKE_PERMISSION = "programs.delete_organizationadmin"


def require_operator(actor: User | None, permission: str) -> None:
    """Only an operator with the model permission (or the system itself: seed_demo, a
    migration, with no actor) grants and revokes the role; no program role reaches it."""
    if actor is not None and not actor.has_perm(permission):
        raise DomainError(
            _("Only the site's operators grant or take back the organization admin role.")
        )


def may_see_person(viewer: User, person_id: int) -> bool:
    """Whether ``viewer`` may see this person's face: themselves, or someone active in a program
    the person takes part in (as anything but an applicant), or site staff."""
    if viewer.pk == person_id or viewer.is_staff:
        return True
    shown = Participant.objects.filter(user_id=person_id).exclude(
        status__in=[Participant.Status.APPLIED, Participant.Status.DECLINED]
    )
    return Participant.objects.filter(
        user=viewer,
        status=Participant.Status.ACTIVE,
        program_id__in=shown.values("program_id"),
    ).exists()
