"""Reads for the profile pages: a person's roles, profiles and contact windows in one program."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from matching.models import Availability, ContactWindow, MenteeProfile, MentorProfile
from matching.windows import Occurrence, Window, occurrences, weekly_hours
from programs.models import Participant, Program, Role


@dataclass
class PersonInProgram:
    """Everything another participant may see of a person in one program."""

    user: User
    program: Program
    participations: list[Participant] = field(default_factory=list)
    mentor_profile: MentorProfile | None = None
    mentee_profile: MenteeProfile | None = None
    availability: Availability | None = None

    @property
    def mentor(self) -> Participant | None:
        return next((p for p in self.participations if p.role == Role.MENTOR), None)

    @property
    def mentee(self) -> Participant | None:
        return next((p for p in self.participations if p.role == Role.MENTEE), None)

    def windows(self) -> list[Window]:
        if self.availability is None:
            return []
        return [
            Window(w.weekday, w.start_time, w.end_time) for w in self.availability.windows.all()
        ]

    def windows_for(self, viewer_zone: str, today: date | None = None) -> list[Occurrence]:
        """This week's windows (from Monday of ``today``'s week), in the viewer's zone."""
        if self.availability is None:
            return []
        today = today or timezone.localdate()
        monday = today.fromordinal(today.toordinal() - today.weekday())
        return occurrences(
            self.windows(),
            window_zone=self.availability.time_zone,
            viewer_zone=viewer_zone,
            week_starting=monday,
        )

    def weekly_hours(self) -> float:
        return weekly_hours(self.windows())


def _participations(program: Program, user_id: int) -> QuerySet[Participant]:
    return (
        # user__pk, not user_id: a lookup on the user's integer key leaves out an id no column
        # holds (a 30-digit one from the URL), where the foreign key's own would reach SQLite.
        Participant.objects.filter(
            program=program, user__pk=user_id, status=Participant.Status.ACTIVE
        )
        .select_related("user", "mentor_profile", "mentee_profile", "availability")
        .prefetch_related(
            "mentor_profile__topics",
            "mentor_profile__cannot_help_topics",
            Prefetch(
                "availability__windows",
                queryset=ContactWindow.objects.order_by("weekday", "start_time"),
            ),
        )
        .order_by("role")
    )


def _related_or_none(participant: Participant | None, name: str) -> object | None:
    if participant is None:
        return None
    try:
        return getattr(participant, name)
    except (MentorProfile.DoesNotExist, MenteeProfile.DoesNotExist, Availability.DoesNotExist):
        return None


def person_in_program(*, program: Program, user_id: int) -> PersonInProgram:
    """A person's active roles and profiles in a program; 404 if they have none there."""
    rows = list(_participations(program, user_id))
    if not rows:
        raise Http404("Nobody by that id takes part in this program.")
    person = PersonInProgram(user=rows[0].user, program=program, participations=rows)
    person.mentor_profile = _related_or_none(person.mentor, "mentor_profile")  # type: ignore[assignment]
    person.availability = _related_or_none(person.mentor, "availability")  # type: ignore[assignment]
    person.mentee_profile = _related_or_none(person.mentee, "mentee_profile")  # type: ignore[assignment]
    return person
