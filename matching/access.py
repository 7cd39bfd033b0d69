"""Who may see which request and mentorship: the two people in it. Nobody else gets past 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from matching.models import Mentorship, MentorshipRequest, Report, ReportNote
from programs.models import Program


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
        raise PermissionDenied(f"Only the request's {side} can do that.")
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
