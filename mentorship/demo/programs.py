"""The demo organization and its two programs: the one-on-one demo program with half a year
of history, and the open Leadership Circle with applications and an invitation."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from goals.services import GOAL_PROMPT
from mentorship.demo.people import MENTEES, MENTORS, demo_user
from notifications.models import Notification
from notifications.services import notify
from programs.models import Invitation, Organization, OrganizationAdmin, Participant, Program, Role
from programs.services import (
    invitation_create,
    organization_admin_grant,
    participant_add,
    participant_apply,
    program_create,
)

HISTORY_DAYS = 190  # how long the demo program has run


def participants_by_person(program: Program) -> dict[tuple[int, str], Participant]:
    """The program's participations by (user id, role)."""
    return {
        (p.user_id, p.role): p
        for p in Participant.objects.filter(program=program).select_related("program")
    }


def member(program: Program, user: User, role: str, actor: User) -> None:
    if not Participant.objects.filter(program=program, user=user, role=role).exists():
        participant_add(program=program, user=user, role=role, actor=actor)


def organization_seed(*, admin: User) -> Organization:
    """Demo Org, with the demo admin as its organization admin."""
    organization, _ = Organization.objects.get_or_create(
        slug="demo-org", defaults={"name": "Demo Org"}
    )
    # The demo admin also runs the organization's shared topic list (an operator grants
    # this role in /admin/; the seed stands in for the operator).
    if not OrganizationAdmin.objects.filter(organization=organization, user=admin).exists():
        organization_admin_grant(organization=organization, user=admin, actor=None)
    return organization


def demo_program_seed(*, organization: Organization, admin: User) -> Program:
    program = Program.objects.filter(slug="demo").first()
    if program is None:
        program = program_create(
            organization=organization,
            created_by=admin,
            slug="demo",
            name="Demo Mentoring Program",
            description=(
                "Our company-wide one-on-one program. Mentees set goals first, then ask a mentor "
                "for a small first step, such as a 30-minute conversation."
            ),
            kind=Program.Kind.ONE_ON_ONE,
            # Mentees request mentors, and the admin matches whoever is left in rounds.
            matching_mode=Program.MatchingMode.BOTH,
            # Half a year of history behind it, so the dashboard's charts have a shape.
            starts_on=timezone.localdate() - timedelta(days=HISTORY_DAYS),
            ends_on=timezone.localdate() + timedelta(days=365 - HISTORY_DAYS),
            checkin_cadence_months=1,
        )
    return program


def members_seed(
    *, program: Program, admin: User, password_hash: str
) -> tuple[list[User], list[User], int]:
    """mentor1..20 and mentee1..40 in the demo program; also how many accounts were new."""
    created = 0
    joined: dict[str, list[User]] = {Role.MENTOR: [], Role.MENTEE: []}
    for role, people in ((Role.MENTOR, MENTORS), (Role.MENTEE, MENTEES)):
        for number, (name, zone, department, title) in enumerate(people, start=1):
            user, new = demo_user(
                f"{role.value}{number}@example.com",
                name,
                zone,
                department,
                title,
                password_hash=password_hash,
            )
            created += new
            joined[role].append(user)
            member(program, user, role, admin)
    return joined[Role.MENTOR], joined[Role.MENTEE], created


def circle_seed(
    *,
    organization: Organization,
    admin: User,
    program: Program,
    mentors: list[User],
    mentees: list[User],
) -> None:
    """A second, open program: applications and an invitation to show on the home pages."""
    if Program.objects.filter(slug="leadership-circle").exists():
        return
    circle = program_create(
        organization=organization,
        created_by=admin,
        slug="leadership-circle",
        name="Leadership Circle",
        description="Peer mentoring for new and aspiring people managers.",
        kind=Program.Kind.PEER,
        starts_on=date(2026, 10, 1),
        enrollment_open=True,
        matching_mode=Program.MatchingMode.ADMIN_ASSIGNS,
    )
    for user in mentors[:3]:
        member(circle, user, Role.MENTOR, admin)
    for user in mentees[3:8]:
        member(circle, user, Role.MENTEE, admin)
    for user in mentees[10:12]:
        participant_apply(program=circle, user=user, role=Role.MENTEE)
    if not Invitation.objects.filter(program=circle, email=mentees[0].email).exists():
        invitation_create(
            program=circle, invited_by=admin, email=mentees[0].email, role=Role.MENTEE
        )
    if not Notification.objects.filter(
        recipient=mentees[0], kind=Notification.Kind.GENERAL
    ).exists():
        notify(
            recipient=mentees[0],
            kind=Notification.Kind.GENERAL,
            title="Welcome to Twoway: start by writing down one goal",
            body="Goals come before mentors: what do you want to get out of mentoring this year?",
            link=program.get_absolute_url(),
            resolved_by=GOAL_PROMPT,
        )
