"""Check-in pages: my check-ins, answering one, and the aggregate figures for program admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.forms import CheckInForm
from meetings.models import CheckIn
from meetings.services.checkins import (
    checkin_answer,
    checkin_figures,
    checkin_goals,
    checkin_list_for_user,
    checkin_skip,
    get_checkin_for_user,
    other_person,
    shared_comment_for,
)
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_admin


def checkin_list(request: AuthedHttpRequest) -> HttpResponse:
    due, done = checkin_list_for_user(user=request.user)
    return render(request, "meetings/checkin_list.html", {"due": due, "done": done})


def checkin_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    goals = checkin_goals(checkin=checkin)
    form = CheckInForm(request.POST or None, goals=goals)
    if request.method == "POST" and checkin.status == CheckIn.Status.DUE and form.is_valid():
        try:
            checkin_answer(
                checkin=checkin,
                person=request.user,
                satisfaction=form.cleaned_data["satisfaction"],
                energy=form.cleaned_data["energy"],
                norms_fit=form.cleaned_data["norms_fit"],
                comment=form.cleaned_data["comment"],
                comment_visibility=form.cleaned_data["comment_visibility"],
                goal_progress=form.goal_progress(),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Thank you: your check-in is answered."))
            return redirect("meetings:checkin", pk=checkin.pk)
    goal_titles = {str(goal.pk): goal.title for goal in goals}
    context = {
        "checkin": checkin,
        "form": form,
        "other": other_person(checkin),
        "shared": shared_comment_for(checkin=checkin),
        "progress": [
            (
                goal_titles[goal_id] if goal_id in goal_titles else _("A goal no longer shared"),
                value,
            )
            for goal_id, value in checkin.goal_progress.items()
        ],
    }
    return render(request, "meetings/checkin_detail.html", context)


@require_POST
def checkin_skip_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    try:
        checkin_skip(checkin=checkin, person=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("Skipped for this period."))
    return redirect("meetings:checkins")


def checkin_figures_view(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    figures, for_admins = checkin_figures(program=program)
    return render(
        request,
        "meetings/checkin_figures.html",
        {"program": program, "figures": figures, "for_admins": for_admins},
    )


urlpatterns = [
    path("checkins/", checkin_list, name="checkins"),
    path("checkins/<int:pk>/", checkin_detail, name="checkin"),
    path("checkins/<int:pk>/skip/", checkin_skip_view, name="checkin_skip"),
    path("programs/<slug:slug>/manage/checkins/", checkin_figures_view, name="checkin_figures"),
]
