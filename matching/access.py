"""Who may see what in matching: a request or mentorship only its two people (nobody else gets
past 404), the directory only the program's active mentees, a round only the program's admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from matching.models import (
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    Report,
    ReportNote,
)
from programs.models import Participant, Program, Role


def requests_visible_to(user: User) -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


def get_request_for_user(user: User, pk: int) -> MentorshipRequest:
    request = (
        requests_visible_to(user)
        .select_related(
            "mentee__user", "mentor__user", "program__organization", "topic", "redirected_to__user"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    return request


def get_request_rw_for_user(user: User, pk: int, side: str) -> MentorshipRequest:
    """The request if this person is its ``side`` (mentor or mentee); 403 for the other side."""
    request = get_request_for_user(user, pk)
    person = request.mentor if side == "mentor" else request.mentee
    if person.user_id != user.pk:
        raise PermissionDenied(
            gettext("Only the request's mentor can do that.")
            if side == "mentor"
            else gettext("Only the request's mentee can do that.")
        )
    return request


def mentorships_visible_to(user: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


def get_mentorship_for_user(user: User, pk: int) -> Mentorship:
    mentorship = (
        mentorships_visible_to(user)
        .select_related("mentee__user", "mentor__user", "program")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    return mentorship


def get_report_for_admin(program: Program, pk: int) -> Report:
    report = (
        Report.objects.select_related(
            "program",
            "reporter",
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "request__mentor__user",
            "request__mentee__user",
        )
        .prefetch_related(Prefetch("notes", queryset=ReportNote.objects.select_related("author")))
        .filter(program=program, pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report in this program.")
    return report


def get_mentorship_for_admin(program: Program, pk: int) -> Mentorship:
    """A mentorship of this program, for its admins (the view checked they are); 404 otherwise."""
    mentorship = (
        Mentorship.objects.select_related("mentee__user", "mentor__user", "program")
        .filter(program=program, pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship in this program.")
    return mentorship


def get_round_for_admin(program: Program, pk: int) -> MatchingRound:
    """A round of this program (the caller has checked the person runs it); 404 otherwise."""
    found = MatchingRound.objects.filter(program=program, pk=pk).first()
    if found is None:
        raise Http404("No such matching round.")
    return found


def get_round_ballot_for_user(
    program: Program, pk: int, user: User
) -> tuple[MatchingRound, Participant]:
    """A stable round of this program and the person's part in it: a mentee of the round, else
    an active mentor of the program; 404 for anyone else."""
    matching_round = MatchingRound.objects.filter(program=program, pk=pk).first()
    person = None
    if matching_round is not None and matching_round.method == MatchingRound.Method.STABLE:
        mine = Participant.objects.filter(
            program=matching_round.program, user=user, status=Participant.Status.ACTIVE
        ).select_related("user", "program")
        mentee = mine.filter(role=Role.MENTEE, pk__in=matching_round.mentees.values("pk")).first()
        person = mentee or mine.filter(role=Role.MENTOR).first()
    if matching_round is None or person is None:
        raise Http404("No such matching round for you.")
    return matching_round, person


@dataclass(frozen=True)
class DirectoryViewer:
    """The mentee browsing the directory, with what their ranking needs."""

    user: User
    mentee: Participant
    mentee_profile: MenteeProfile
    peer_mentor_profile: MentorProfile | None = None  # peer programs: they mentor too

    @property
    def working_hours(self) -> tuple[time, time]:
        return self.mentee_profile.working_hours_start, self.mentee_profile.working_hours_end


def related_or_none(participant: Participant | None, name: str) -> Any:
    """The participant's one-to-one ``name`` (mentee_profile, mentor_profile, availability), or
    None when there is none."""
    if participant is None:
        return None
    try:
        return getattr(participant, name)
    except ObjectDoesNotExist:
        return None


def get_directory_viewer(*, program: Program, user: User) -> DirectoryViewer:
    """The person as an active mentee of the program; 403 for anyone else who may see it."""
    rows = list(
        Participant.objects.filter(
            program=program, user=user, status=Participant.Status.ACTIVE
        ).select_related("mentee_profile", "mentor_profile")
    )
    mentee = next((p for p in rows if p.role == Role.MENTEE), None)
    if mentee is None:
        raise PermissionDenied(
            gettext(
                "The mentor directory is for this program's active mentees: "
                "your role here does not include requesting a mentor."
            )
        )
    mentee.user = user
    mentor = next((p for p in rows if p.role == Role.MENTOR), None)
    return DirectoryViewer(
        user=user,
        mentee=mentee,
        # No profile saved yet: the model's defaults (09:00–17:00, no wishes) stand in.
        mentee_profile=related_or_none(mentee, "mentee_profile")
        or MenteeProfile(participant=mentee),
        peer_mentor_profile=related_or_none(mentor, "mentor_profile"),
    )
