"""Mentorships: the relationship's home, its life cycle, the board of advisors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from matching import selectors
from matching.access import get_mentorship_for_user
from matching.forms import CloseForm, ReflectionForm, ReportForm
from matching.models import Mentorship
from matching.services.mentorships import (
    mentorship_close,
    mentorship_pause,
    mentorship_resume,
    reflection_add,
    report_file,
)
from mentorship.http import AuthedHttpRequest, run_action
from programs.access import get_program_for_user
from programs.models import Participant, Role


def mentorship_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = list(selectors.mentorship_list_for_user(user=request.user))
    return render(
        request,
        "matching/mentorship_list.html",
        {
            "as_mentor": [m for m in rows if m.mentor.user_id == request.user.pk],
            "as_mentee": [m for m in rows if m.mentee.user_id == request.user.pk],
        },
    )


def mentorship_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_detail(
        mentorship_id=get_mentorship_for_user(request.user, pk).pk
    )
    closed = mentorship.status in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)
    mine = next((r for r in mentorship.reflections.all() if r.author_id == request.user.pk), None)
    return render(
        request,
        "matching/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "is_mentor": mentorship.mentor.user_id == request.user.pk,
            "shared_goals": selectors.shared_goals_of(mentorship=mentorship),
            "group_members": [
                member.mentee.user.get_full_name()
                for member in selectors.group_members_of(mentorship=mentorship)
            ],
            "close_form": None if closed else CloseForm(),
            "reflection_form": ReflectionForm() if closed and mine is None else None,
            "report_form": ReportForm(),
        },
    )


def _act(
    request: AuthedHttpRequest,
    pk: int,
    action: Callable[[Mentorship], object],
    done: str,
    form: Any = None,
) -> HttpResponse:
    mentorship = get_mentorship_for_user(request.user, pk)
    back = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
    response, _ = run_action(request, lambda: action(mentorship), done=done, back=back, form=form)
    return response


@require_POST
def mentorship_pause_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda m: mentorship_pause(mentorship=m, actor=request.user),
        gettext("Paused. Resume whenever you are ready."),
    )


@require_POST
def mentorship_resume_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda m: mentorship_resume(mentorship=m, actor=request.user),
        gettext("Resumed."),
    )


@require_POST
def mentorship_close_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    return _act(
        request,
        pk,
        lambda m: mentorship_close(mentorship=m, actor=request.user, **form.cleaned_data),
        gettext("Closed. Please leave a closing reflection below."),
        form,
    )


@require_POST
def mentorship_reflect(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = ReflectionForm(request.POST)
    return _act(
        request,
        pk,
        lambda m: reflection_add(mentorship=m, author=request.user, **form.cleaned_data),
        gettext("Thank you for your reflection."),
        form,
    )


@require_POST
def mentorship_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = ReportForm(request.POST)
    return _act(
        request,
        pk,
        lambda m: report_file(reporter=request.user, mentorship=m, **form.cleaned_data),
        gettext("The program's admins have your report."),
        form,
    )


def board(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """A mentee's personal board of advisors: mentors by role, and the empty seats."""
    program = get_program_for_user(request.user, slug)
    mentee = Participant.objects.filter(
        user=request.user, program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
    ).first()
    if mentee is None:
        raise PermissionDenied(gettext("Only mentees have a board of advisors."))
    return render(
        request,
        "matching/board.html",
        {
            "program": program,
            "seats": selectors.board_for(mentee=mentee),
            "limit": program.max_mentors_per_mentee,
        },
    )
