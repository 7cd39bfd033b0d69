"""Check-in pages: my check-ins, answering one, and the aggregate figures for program admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from goals.models import Goal
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

SCALE = [(n, str(n)) for n in range(1, 6)]


class CheckInForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with this mentorship? (1 = not at all, 5 = very)",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how satisfied you are, from 1 to 5."},
    )
    energy = forms.TypedChoiceField(
        label="Does this relationship give you energy? (1 = it drains me, 5 = a lot)",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much energy it gives you, from 1 to 5."},
    )
    norms_fit = forms.ChoiceField(
        label="Do your agreed norms still fit?",
        choices=CheckIn.NormsFit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether your agreement still fits."},
    )
    comment = forms.CharField(
        label="Anything else?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comment_visibility = forms.ChoiceField(
        label="Who may read your comment?",
        choices=CheckIn.Visibility.choices,
        initial=CheckIn.Visibility.SHARED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=f"Progress on “{goal.title}” (%)",
                min_value=0,
                max_value=100,
                initial=goal.progress,
                error_messages={"required": "Give a percentage from 0 to 100."},
            )

    def goal_progress(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}


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
            messages.success(request, "Thank you: your check-in is answered.")
            return redirect("meetings:checkin", pk=checkin.pk)
    goal_titles = {str(goal.pk): goal.title for goal in goals}
    context = {
        "checkin": checkin,
        "form": form,
        "other": other_person(checkin),
        "shared": shared_comment_for(checkin=checkin),
        "progress": [
            (goal_titles.get(goal_id, "A goal no longer shared"), value)
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
        messages.info(request, "Skipped for this period.")
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
