"""Reads of programs that views share; each starts from a scoped queryset."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from programs.access import (
    VISIBLE_STATUSES,
    is_admin_participation,
    program_admin_participations,
    programs_administered_by,
    programs_visible_to,
)
from programs.models import (
    Announcement,
    AuditEntry,
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
    Role,
    Topic,
)


@dataclass
class Membership:
    """One program and the person's roles in it."""

    program: Program
    participations: list[Participant] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return [p.role for p in self.participations if p.status == Participant.Status.ACTIVE]

    @property
    def is_admin(self) -> bool:
        return any(is_admin_participation(p) for p in self.participations)


def membership_list_for_user(*, user: User) -> list[Membership]:
    """The person's programs with their roles and statuses, in one query."""
    rows = (
        Participant.objects.filter(user=user, status__in=VISIBLE_STATUSES)
        .select_related("program", "program__organization")
        .order_by("-program__starts_on", "program__name", "role")
    )
    memberships: dict[int, Membership] = {}
    for participant in rows:
        membership = memberships.setdefault(
            participant.program_id, Membership(program=participant.program)
        )
        membership.participations.append(participant)
    return list(memberships.values())


def membership_for_user(*, user: User, program: Program) -> Membership:
    rows = Participant.objects.filter(user=user, program=program).order_by("role")
    return Membership(program=program, participations=list(rows))


def open_program_list_for_user(*, user: User) -> QuerySet[Program]:
    """Open programs of the person's organizations that they have not joined or applied to."""
    joined = Participant.objects.filter(
        program=OuterRef("pk"), user=user, status__in=VISIBLE_STATUSES
    )
    return (
        programs_visible_to(user)
        .filter(enrollment_open=True)
        .exclude(Exists(joined))
        .select_related("organization")
        .order_by("name")
    )


def invitation_list_for_user(*, user: User) -> QuerySet[Invitation]:
    """Usable invitations sent to any of the person's verified addresses."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return (
        Invitation.objects.filter(
            status=Invitation.Status.PENDING, expires_at__gt=timezone.now(), email__in=verified
        )
        .select_related("program", "program__organization", "invited_by")
        .order_by("-created_at")
    )


def program_overview_for_user(*, user: User) -> dict[str, Any]:
    """What home and "my programs" both show: memberships, invitations, open programs."""
    return {
        "memberships": membership_list_for_user(user=user),
        "invitations": invitation_list_for_user(user=user),
        "open_programs": open_program_list_for_user(user=user),
    }


def admin_program_list_for_user(*, user: User) -> QuerySet[Program]:
    """Programs the person runs, with what waits for them there."""
    return (
        programs_administered_by(user)
        .annotate(
            applications=Count(
                "participants",
                filter=Q(participants__status=Participant.Status.APPLIED),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def program_role_counts(*, program: Program) -> dict[str, dict[str, int]]:
    """{role: {status: count}} for one program, in one query."""
    counts: dict[str, dict[str, int]] = {role: {} for role in Role.values}
    rows = (
        Participant.objects.filter(program=program)
        .values_list("role", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for role, status, n in rows:
        counts.setdefault(role, {})[status] = n
    return counts


def participant_list_for_admin(
    *, program: Program, role: str = "", status: str = "", query: str = ""
) -> QuerySet[Participant]:
    participants = Participant.objects.filter(program=program).select_related("user")
    if role in Role.values:
        participants = participants.filter(role=role)
    if status in Participant.Status.values:
        participants = participants.filter(status=status)
    if query:
        participants = participants.filter(
            Q(user__full_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(user__department__icontains=query)
        )
    return participants.order_by("role", "user__full_name", "pk")


def invitation_list_for_admin(*, program: Program) -> QuerySet[Invitation]:
    return Invitation.objects.filter(program=program, status=Invitation.Status.PENDING).order_by(
        "-created_at"
    )


def audit_list_for_admin(*, program: Program) -> QuerySet[AuditEntry]:
    """The program's own entries and its organization's (topics, organization admins): a
    change to what every program shares shows in every program's log."""
    return AuditEntry.objects.filter(
        Q(program=program) | Q(program__isnull=True, organization_id=program.organization_id)
    ).select_related("actor")


def audit_list_for_organization(*, organization: Organization) -> QuerySet[AuditEntry]:
    """Organization-wide entries only: a program's own log stays its admins'."""
    return AuditEntry.objects.filter(
        program__isnull=True, organization=organization
    ).select_related("actor")


def topic_list_for_organization(*, organization_id: int) -> QuerySet[Topic]:
    """The organization's topics with how often mentors and goals use each."""
    return (
        Topic.objects.filter(organization_id=organization_id)
        .annotate(
            mentor_count=Count("mentor_profiles", distinct=True),
            goal_count=Count("goals", distinct=True),
        )
        .order_by("name")
    )


def topic_list_for_program(*, program: Program) -> QuerySet[Topic]:
    return topic_list_for_organization(organization_id=program.organization_id)


def organization_admin_names(*, organization_id: int) -> list[str]:
    """Who manages an organization's shared lists, as its programs' admins are told."""
    return [
        role.user.get_full_name()
        for role in OrganizationAdmin.objects.filter(organization_id=organization_id)
        .select_related("user")
        .order_by("user__full_name", "pk")
    ]


def organization_program_list(*, organization: Organization, user: User) -> QuerySet[Program]:
    """The organization's programs for its admins: size, and whether the viewer runs each."""
    runs = program_admin_participations().filter(program=OuterRef("pk"), user=user)
    return (
        Program.objects.filter(organization=organization)
        .annotate(
            people=Count(
                "participants__user",
                filter=Q(participants__status=Participant.Status.ACTIVE),
                distinct=True,
            ),
            viewer_runs=Exists(runs),
        )
        .order_by("-starts_on", "name")
    )


# Roles each announcement audience reaches.
AUDIENCE_ROLES = {
    Announcement.Audience.EVERYONE: (Role.ADMIN, Role.MENTOR, Role.MENTEE),
    Announcement.Audience.MENTORS: (Role.MENTOR,),
    Announcement.Audience.MENTEES: (Role.MENTEE,),
}


def announcement_recipients(
    *, program: Program, audience: str, author_id: int | None, joined_by: datetime | None = None
) -> QuerySet[User]:
    """Active people of the program in the audience's roles, each once, the author left out.

    ``joined_by`` keeps out people who joined after the announcement went out (its emails are
    sent later, by a task).
    """
    participations = Participant.objects.filter(
        program=program,
        role__in=AUDIENCE_ROLES[Announcement.Audience(audience)],
        status=Participant.Status.ACTIVE,
    )
    if joined_by is not None:
        participations = participations.filter(
            Q(joined_at__isnull=True) | Q(joined_at__lte=joined_by)
        )
    users = User.objects.filter(is_active=True, pk__in=participations.values("user_id"))
    if author_id is not None:
        users = users.exclude(pk=author_id)
    return users


def announcement_list_for_admin(*, program: Program) -> QuerySet[Announcement]:
    return Announcement.objects.filter(program=program).select_related("author")
