"""A person's standing across programs: the programs they run and those they are an active mentee
of, and the organizations they are an admin of.

Every signed-in page asks for it (the navigation draws the programs and organizations, and the
two-factor middleware asks whether this person runs anything), and it changes only when one of
their participations, one of their organization admin roles, or a program or organization
itself is written. So it is kept in the cache (``STANDING_SECONDS``) under a version of the
person's own, which their participations and roles change, and one that every program and
organization change (their names, slugs and kinds are drawn): see ``connect_standing_signals``.
The two bulk updates of participations that send no signal (a person leaving an organization,
a person's data deleted) call ``standing_changed`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, signals

from accounts.models import User
from mentorship.cache import Version, kept
from programs.access import organizations_administered_by, program_admin_participations
from programs.models import Organization, OrganizationAdmin, Participant, Program, Role

# Changed by a write to any program or organization: every person's standing draws them.
STANDING_VERSION = Version("standing")


def standing_version(user_id: int) -> Version:
    """Changed by a write to this person's participations or organization admin roles."""
    return Version(f"standing:{user_id}")


@dataclass(frozen=True)
class Standing:
    admin_programs: list[Program]
    mentee_programs: list[Program]
    organizations: list[Organization]

    @property
    def runs_anything(self) -> bool:
        """An active admin of a program, or an organization admin (two-factor sign-in's rule)."""
        return bool(self.admin_programs or self.organizations)


def _compute(user: User) -> Standing:
    # The programs this person runs and those they are an active mentee of, in one query.
    runs = program_admin_participations().filter(program=OuterRef("pk"), user=user)
    mentee = Participant.objects.filter(
        program=OuterRef("pk"), user=user, role=Role.MENTEE, status=Participant.Status.ACTIVE
    )
    programs = list(
        Program.objects.annotate(runs=Exists(runs), mentee=Exists(mentee))
        .filter(Q(runs=True) | Q(mentee=True))
        .only("name", "slug", "kind", "matching_mode", "max_mentors_per_mentee")
        .order_by("name")
    )
    organizations = list(organizations_administered_by(user).only("name", "slug").order_by("name"))
    return Standing(
        admin_programs=[p for p in programs if p.runs],
        mentee_programs=[p for p in programs if p.mentee],
        organizations=organizations,
    )


def standing_of(user: User) -> Standing:
    """This person's standing, kept in the cache between the writes that change it."""
    return kept(
        [STANDING_VERSION, standing_version(user.pk)],
        f"standing:{user.pk}",
        lambda: _compute(user),
        timeout=settings.STANDING_SECONDS,
    )


def standing_changed(user_ids: Iterable[int] | None) -> None:
    """Forget the kept standing of these people (of everybody, for None)."""
    if user_ids is None:
        STANDING_VERSION.change()
        return
    for user_id in set(user_ids):
        standing_version(user_id).change()


def _person_changed(instance: Participant | OrganizationAdmin, **_: Any) -> None:
    standing_changed([instance.user_id])


def _everybody_changed(instance: Model, **_: Any) -> None:
    standing_changed(None)


def connect_standing_signals() -> None:
    """Every write that can change somebody's standing forgets it (the bulk updates of
    participations call ``standing_changed`` themselves)."""
    for model in (Participant, OrganizationAdmin):
        uid = f"standing-{model._meta.label_lower}"
        signals.post_save.connect(_person_changed, sender=model, dispatch_uid=uid + "-save")
        signals.post_delete.connect(_person_changed, sender=model, dispatch_uid=uid + "-delete")
    for shared in (Program, Organization):
        uid = f"standing-{shared._meta.label_lower}"
        signals.post_save.connect(_everybody_changed, sender=shared, dispatch_uid=uid + "-save")
        signals.post_delete.connect(_everybody_changed, sender=shared, dispatch_uid=uid + "-delete")
