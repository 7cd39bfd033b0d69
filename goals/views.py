from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from goals import selectors, services
from goals.access import get_goal_for_user, get_goal_rw_for_user, get_step_rw_for_user
from goals.forms import GoalForm, GuidedStartForm, ProgressForm, ReorderForm, StepForm
from goals.models import Goal
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest, run_form
from programs.access import get_program_for_admin
from programs.models import Participant


def _mentee_participation(request: AuthedHttpRequest, slug: str | None) -> Participant:
    """The person's active mentee row in the named program (or their only one); 404 otherwise."""
    participations = list(selectors.mentee_participations(user=request.user))
    if slug:
        participations = [p for p in participations if p.program.slug == slug]
    if not participations:
        raise Http404("You are not a mentee in that program.")
    return participations[0]


def goal_list(request: AuthedHttpRequest) -> HttpResponse:
    groups = selectors.goal_groups_for_user(user=request.user)
    shared_with_me = list(selectors.goals_shared_with(user=request.user))
    if groups and not shared_with_me and not any(group.goals for group in groups):
        return redirect("goals:start")
    return render(request, "goals/list.html", {"groups": groups, "shared_with_me": shared_with_me})


def goal_start(request: AuthedHttpRequest) -> HttpResponse:
    """The guided start: what do you want to get out of mentoring?"""
    programs = [p.program for p in selectors.mentee_participations(user=request.user)]
    if not programs:
        raise Http404("You are not a mentee in any program.")
    form = GuidedStartForm(request.POST or None, programs=programs)
    if response := run_form(
        request,
        form,
        lambda data: services.goals_from_guided_start(
            owner=_mentee_participation(request, data.get("program") or programs[0].slug),
            answers=data,
        ),
        done=lambda created: (
            ngettext(
                "%(count)s draft goal written. Put them in order, sharpen them, and make them "
                "active.",
                "%(count)s draft goals written. Put them in order, sharpen them, and make them "
                "active.",
                len(created),
            )
            % {"count": len(created)}
        ),
        then=reverse("goals:list"),
    ):
        return response
    return render(request, "goals/start.html", {"form": form})


def goal_create(request: AuthedHttpRequest) -> HttpResponse:
    owner = _mentee_participation(
        request, request.GET.get("program") or request.POST.get("program")
    )
    form = GoalForm(request.POST or None, program=owner.program)
    if response := run_form(
        request,
        form,
        lambda data: services.goal_create(owner=owner, **data),
        done=gettext("Goal added. Next: write down the first step."),
        then=lambda goal: goal,
    ):
        return response
    return render(
        request, "goals/form.html", {"form": form, "program": owner.program, "goal": None}
    )


def goal_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_detail(goal_id=get_goal_for_user(request.user, pk).pk)
    is_owner = goal.owner.user_id == request.user.pk
    return render(
        request,
        "goals/detail.html",
        {
            "goal": goal,
            "is_owner": is_owner,
            "step_form": StepForm() if is_owner else None,
            "progress_form": ProgressForm(initial={"progress": goal.progress})
            if is_owner
            else None,
        },
    )


def goal_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_rw_for_user(request.user, pk)
    form = GoalForm(request.POST or None, instance=goal, program=goal.owner.program)

    def save(data: dict[str, Any]) -> object:
        goal.refresh_from_db()
        return services.goal_update(goal=goal, **data)

    if response := run_form(request, form, save, done=gettext("Goal saved."), then=goal):
        return response
    return render(
        request, "goals/form.html", {"form": form, "program": goal.owner.program, "goal": goal}
    )


def _list_or_redirect(request: AuthedHttpRequest, goal: Goal) -> HttpResponse:
    if request.htmx:
        group = selectors.goal_group_for(participant=goal.owner)
        return render(request, "goals/_goal_group.html", {"group": group})
    return redirect("goals:list")


@require_POST
def goal_move(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_rw_for_user(request.user, pk)
    try:
        services.goal_move(goal=goal, direction=request.POST.get("direction", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _list_or_redirect(request, goal)


@require_POST
def goal_reorder(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    owner = _mentee_participation(request, slug)
    form = ReorderForm(request.POST)
    if form.is_valid():
        try:
            services.goal_reorder(owner=owner, goal_ids=form.cleaned_data["order"])
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, gettext("The new order could not be read; nothing changed."))
    if request.htmx:
        return render(
            request,
            "goals/_goal_group.html",
            {"group": selectors.goal_group_for(participant=owner)},
        )
    return redirect("goals:list")


def _status_message(goal: Goal) -> str:
    """ "“Title” is achieved.": one sentence per status, so that each language can say it."""
    sentences = {
        Goal.Status.DRAFT: gettext("“%(title)s” is draft."),
        Goal.Status.ACTIVE: gettext("“%(title)s” is active."),
        Goal.Status.ACHIEVED: gettext("“%(title)s” is achieved."),
        Goal.Status.DROPPED: gettext("“%(title)s” is dropped."),
    }
    return sentences[Goal.Status(goal.status)] % {"title": goal.title}


@require_POST
def goal_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_rw_for_user(request.user, pk)
    try:
        goal = services.goal_set_status(goal=goal, status=request.POST.get("status", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _status_message(goal))
    if request.POST.get("next") == "list":
        return redirect("goals:list")
    return redirect(goal)


def _steps_or_redirect(
    request: AuthedHttpRequest, goal: Goal, form: StepForm | None = None
) -> HttpResponse:
    if request.htmx:
        detail = selectors.goal_detail(goal_id=goal.pk)
        return render(
            request,
            "goals/_steps.html",
            {"goal": detail, "is_owner": True, "step_form": form or StepForm()},
        )
    return redirect(goal)


@require_POST
def step_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_rw_for_user(request.user, pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.goal_step_add(goal=goal, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return _steps_or_redirect(request, goal)
    if request.htmx:
        return _steps_or_redirect(request, goal, form)
    detail = selectors.goal_detail(goal_id=goal.pk)
    return render(
        request,
        "goals/detail.html",
        {
            "goal": detail,
            "is_owner": True,
            "step_form": form,
            "progress_form": ProgressForm(initial={"progress": goal.progress}),
        },
        status=400,
    )


@require_POST
def step_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    step = get_step_rw_for_user(request.user, pk)
    services.goal_step_toggle(step=step)
    return _steps_or_redirect(request, step.goal)


@require_POST
def step_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    step = get_step_rw_for_user(request.user, pk)
    goal = step.goal
    services.goal_step_delete(step=step)
    return _steps_or_redirect(request, goal)


@require_POST
def progress_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_goal_rw_for_user(request.user, pk)
    form = ProgressForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.goal_progress_add(goal=goal, author=request.user, **data),
        done=gettext("Progress recorded."),
        then=goal,
    ):
        return response
    detail = selectors.goal_detail(goal_id=goal.pk)
    return render(
        request,
        "goals/detail.html",
        {"goal": detail, "is_owner": True, "step_form": StepForm(), "progress_form": form},
        status=400,
    )


def program_goal_figures(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Admins see how goals go in their program: counts and progress, never a goal's content."""
    program = get_program_for_admin(request.user, slug)
    return render(
        request,
        "goals/program_figures.html",
        {"program": program, "figures": selectors.goal_figures_for_program(program=program)},
    )
