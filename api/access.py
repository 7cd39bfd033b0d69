"""What each API resource shows a person: the same rules as the pages, read from the apps'
own access modules (their pages use the same functions), never written again here.

- Programs: those they may see (``programs_visible_to``) and those they run.
- Participants, mentorships, requests: their own, and everyone's in the programs they run
  (what the program's admin pages and exports show).
- Meetings and goals: only the people in them (``meetings_visible_to``, ``goals_visible_to``);
  program admins get neither, as on the site.
- Check-in figures: the programs they run, by the one privacy rule of meetings.checkin_privacy.
- Audit logs: those they read on the site (their programs', their organizations')."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from accounts.models import User
from goals.access import goals_visible_to
from goals.models import Goal
from matching.access import mentorships_visible_to, requests_visible_to
from matching.models import Mentorship, MentorshipRequest
from meetings.access import meetings_visible_to
from meetings.models import Meeting
from programs.access import (
    organizations_administered_by,
    programs_administered_by,
    programs_visible_to,
)
from programs.models import AuditEntry, Invitation, Organization, Participant, Program

M = TypeVar("M", bound=Model)
# Who reads: a person (their token), or an organization (its integration's access token), which
# reads what its programs' admins read and nothing that is only the people's own.
Reader = User | Organization


def api_programs(user: Reader) -> QuerySet[Program]:
    if isinstance(user, Organization):
        return Program.objects.filter(organization=user)
    run = programs_administered_by(user).values("pk")
    seen = programs_visible_to(user).values("pk")
    return Program.objects.filter(Q(pk__in=seen) | Q(pk__in=run))


def _own_or_run(own: QuerySet[M], user: Reader) -> QuerySet[M]:
    """The rows of ``own``'s model that are the person's own, or in the programs they run;
    an organization's: those of its programs."""
    if isinstance(user, Organization):
        return own.model._default_manager.filter(program__organization=user)
    run = programs_administered_by(user).values("pk")
    return own.model._default_manager.filter(Q(pk__in=own.values("pk")) | Q(program__in=run))


def api_participants(user: Reader) -> QuerySet[Participant]:
    own = Participant.objects.none() if isinstance(user, Organization) else user.participations
    return _own_or_run(own.all(), user)


def api_mentorships(user: Reader) -> QuerySet[Mentorship]:
    own = (
        Mentorship.objects.none()
        if isinstance(user, Organization)
        else mentorships_visible_to(user)
    )
    return _own_or_run(own, user)


def api_requests(user: Reader) -> QuerySet[MentorshipRequest]:
    own = (
        MentorshipRequest.objects.none()
        if isinstance(user, Organization)
        else requests_visible_to(user)
    )
    return _own_or_run(own, user)


def api_audit(user: Reader) -> QuerySet[AuditEntry]:
    """The audit logs the person reads on the site: each program's they run (with its
    organization's entries, as that page shows them), and the organizations' they run."""
    if isinstance(user, Organization):
        return AuditEntry.objects.filter(Q(program__organization=user) | Q(organization=user))
    run = programs_administered_by(user)
    organizations = organizations_administered_by(user).values("pk")
    return AuditEntry.objects.filter(
        Q(program__in=run.values("pk"))
        | Q(program__isnull=True, organization__in=run.values("organization"))
        | Q(program__isnull=True, organization__in=organizations)
    )


def api_invitations(user: Reader) -> QuerySet[Invitation]:
    """The invitations of the programs the person runs (their admins' page lists them)."""
    if isinstance(user, Organization):
        return Invitation.objects.none()  # an integration invites nobody (not among its scopes)
    return Invitation.objects.filter(program__in=programs_administered_by(user).values("pk"))


def api_programs_run(user: Reader) -> QuerySet[Program]:
    """The programs whose check-in figures the person reads (their admins' page)."""
    if isinstance(user, Organization):
        return Program.objects.filter(organization=user)
    return programs_administered_by(user)


def api_meetings(user: Reader) -> QuerySet[Meeting]:
    return Meeting.objects.none() if isinstance(user, Organization) else meetings_visible_to(user)


def api_goals(user: Reader) -> QuerySet[Goal]:
    return Goal.objects.none() if isinstance(user, Organization) else goals_visible_to(user)
