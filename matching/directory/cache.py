"""Forgetting the directory's kept rankings (and the program's mentors kept for them): every
write that can move a mentor in somebody's ranking changes the version of the program it belongs
to (``directory_version``), so no mentee is shown a ranking older than the data, and the other
programs keep theirs. The services' bulk updates, which send no signal, name their programs
(``forget``); only a write whose programs cannot be told (the demo's seeding) changes
``DIRECTORY_VERSION``, which every program's share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, signals

from accounts.models import User
from goals.models import Goal
from matching.directory.selectors import GoalTopic, MentorCannotTopic, MentorTopic
from matching.models import Availability, ContactWindow, MenteeProfile, MentorProfile, Mentorship
from mentorship.cache import DIRECTORY_VERSION, directory_version
from programs.models import Participant, Program, Topic

# Saves of only these fields move no mentor in any ranking (a sign-in stamps last_login).
UNRANKED_FIELDS = frozenset({"last_login", "updated_at", "position", "achieved_at"})


def programs_of(instance: Model) -> Iterable[int] | None:
    """The programs whose rankings a write of ``instance`` can move (None: not known). At most
    one small query, and none when the row carries its program."""
    if isinstance(instance, Program):
        return [instance.pk]
    if isinstance(instance, Participant | Mentorship):
        return [instance.program_id]
    if isinstance(instance, MentorProfile | MenteeProfile | Availability):
        return Participant.objects.filter(pk=instance.participant_id).values_list(
            "program_id", flat=True
        )
    if isinstance(instance, Goal):
        return Participant.objects.filter(pk=instance.owner_id).values_list("program_id", flat=True)
    if isinstance(instance, ContactWindow):
        return Availability.objects.filter(pk=instance.availability_id).values_list(
            "participant__program_id", flat=True
        )
    if isinstance(instance, Topic):
        return Program.objects.filter(organization_id=instance.organization_id).values_list(
            "pk", flat=True
        )
    if isinstance(instance, User):
        return Participant.objects.filter(user_id=instance.pk).values_list("program_id", flat=True)
    return None


def forget(program_ids: Iterable[int] | None) -> None:
    """Forget the kept rankings of these programs (of every program, for None)."""
    if program_ids is None:
        DIRECTORY_VERSION.change()
        return
    for program_id in set(program_ids):
        directory_version(program_id).change()


def directory_changed(
    instance: Model | None = None, update_fields: frozenset[str] | None = None, **_: Any
) -> None:
    """A write that can move a mentor in somebody's ranking: its programs' kept rankings are
    forgotten."""
    if update_fields is not None and update_fields <= UNRANKED_FIELDS:
        return
    forget(programs_of(instance) if instance is not None else None)


def connect_directory_signals() -> None:
    """Every model a ranking reads forgets its programs' kept rankings when it is written (the
    apps' few bulk updates of these models call ``forget`` with their programs themselves)."""
    for model in (
        User,
        Program,
        Topic,
        Participant,
        MentorProfile,
        MenteeProfile,
        Mentorship,
        Goal,
        Availability,
        ContactWindow,
    ):
        uid = f"directory-{model._meta.label_lower}"
        signals.post_save.connect(directory_changed, sender=model, dispatch_uid=uid + "-save")
        signals.post_delete.connect(directory_changed, sender=model, dispatch_uid=uid + "-delete")
    # m2m_changed's instance is the side that changed: a profile or a goal (a topic's side is
    # the organization's, which programs_of knows too).
    for through in (MentorTopic, MentorCannotTopic, GoalTopic):
        signals.m2m_changed.connect(
            directory_changed, sender=through, dispatch_uid=f"directory-{through._meta.label_lower}"
        )
