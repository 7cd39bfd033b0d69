"""Forgetting the directory's kept rankings: every write that can move a mentor in somebody's
ranking changes ``DIRECTORY_VERSION``, so no mentee is shown a ranking older than the data."""

from __future__ import annotations

from typing import Any

from django.db.models import signals

from accounts.models import User
from goals.models import Goal
from matching.directory.selectors import GoalTopic, MentorCannotTopic, MentorTopic
from matching.models import Availability, ContactWindow, MenteeProfile, MentorProfile, Mentorship
from mentorship.cache import DIRECTORY_VERSION
from programs.models import Participant, Program, Topic

# Saves of only these fields move no mentor in any ranking (a sign-in stamps last_login).
UNRANKED_FIELDS = frozenset({"last_login", "updated_at", "position", "achieved_at"})


def directory_changed(update_fields: frozenset[str] | None = None, **_: Any) -> None:
    """A write that can move a mentor in somebody's ranking: every kept ranking is forgotten."""
    if update_fields is not None and update_fields <= UNRANKED_FIELDS:
        return
    DIRECTORY_VERSION.change()


def connect_directory_signals() -> None:
    """Every model a ranking reads forgets the kept rankings when it is written (the apps'
    few bulk updates of these models call ``DIRECTORY_VERSION.change()`` themselves)."""
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
    for through in (MentorTopic, MentorCannotTopic, GoalTopic):
        signals.m2m_changed.connect(
            directory_changed, sender=through, dispatch_uid=f"directory-{through._meta.label_lower}"
        )
