"""What each API resource shows a person: the same rules as the pages, read from the apps'
own access modules (their pages use the same functions), never written again here.

- Programs: those they may see (``programs_visible_to``) and those they run.
- Participants, mentorships, requests: their own, and everyone's in the programs they run
  (what the program's admin pages and exports show).
- Meetings and goals: only the people in them (``meetings_visible_to``, ``goals_visible_to``);
  program admins get neither, as on the site."""

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
from programs.access import programs_administered_by, programs_visible_to
from programs.models import Participant, Program

M = TypeVar("M", bound=Model)


def api_programs(user: User) -> QuerySet[Program]:
    run = programs_administered_by(user).values("pk")
    seen = programs_visible_to(user).values("pk")
    return Program.objects.filter(Q(pk__in=seen) | Q(pk__in=run))


def _own_or_run(own: QuerySet[M], user: User) -> QuerySet[M]:
    """The rows of ``own``'s model that are the person's own, or in the programs they run."""
    run = programs_administered_by(user).values("pk")
    return own.model._default_manager.filter(Q(pk__in=own.values("pk")) | Q(program__in=run))


def api_participants(user: User) -> QuerySet[Participant]:
    return _own_or_run(Participant.objects.filter(user=user), user)


def api_mentorships(user: User) -> QuerySet[Mentorship]:
    return _own_or_run(mentorships_visible_to(user), user)


def api_requests(user: User) -> QuerySet[MentorshipRequest]:
    return _own_or_run(requests_visible_to(user), user)


def api_meetings(user: User) -> QuerySet[Meeting]:
    return meetings_visible_to(user)


def api_goals(user: User) -> QuerySet[Goal]:
    return goals_visible_to(user)
