"""Requests: ask a mentor, and the inbox where mentors answer and mentees follow up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from goals.models import Goal
from matching import selectors
from matching.access import get_request_for_user, get_request_rw_for_user
from matching.forms import (
    AnswerForm,
    AskInfoForm,
    DeclineForm,
    RedirectForm,
    ReportForm,
    RequestForm,
)
from matching.models import MentorshipRequest
from matching.services import requests as request_services
from matching.services.mentorships import report_file
from mentorship.errors import DomainError
from mentorship.http import AuthedHttpRequest, run_action, run_form
from programs.access import get_program_for_user
from programs.models import Participant, Role, Topic


def _mentee_in(request: AuthedHttpRequest, program: Any) -> Participant:
    mentee = Participant.objects.filter(
        user=request.user, program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
    ).first()
    if mentee is None:
        raise PermissionDenied(gettext("Only mentees of this program send requests."))
    return mentee


def request_new(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask a mentor for a specific, small first step."""
    program = get_program_for_user(request.user, slug)
    mentee = _mentee_in(request, program)
    mentor = (
        Participant.objects.select_related("user")
        .filter(program=program, pk=pk, role=Role.MENTOR, status=Participant.Status.ACTIVE)
        .first()
    )
    if mentor is None:
        raise Http404("No such mentor in this program.")
    goals = Goal.objects.filter(owner=mentee, status=Goal.Status.ACTIVE).order_by("position")
    if not goals.exists():
        messages.info(
            request,
            gettext("Goals come before mentors: write down what you want first, then ask."),
        )
        return redirect("goals:start")
    refusal = request_services.request_refusal(mentee=mentee, mentor=mentor)
    form = RequestForm(
        request.POST or None,
        goals=goals,
        topics=Topic.objects.filter(organization_id=program.organization_id).order_by("name"),
        cannot_help=selectors.cannot_help_topic_names(mentor),
        mentor_name=mentor.user.get_full_name(),
    )
    if response := run_form(
        request,
        form,
        lambda data: request_services.request_create(mentee=mentee, mentor=mentor, **data),
        done=gettext("Your request is on its way to %(name)s.")
        % {"name": mentor.user.get_full_name()},
        then=lambda sent: reverse("matching:request", kwargs={"pk": sent.pk}),
    ):
        return response
    return render(
        request,
        "matching/request_new.html",
        {"program": program, "mentor": mentor, "form": form, "refusal": refusal},
    )


def request_list(request: AuthedHttpRequest) -> HttpResponse:
    """The mentor's inbox and the mentee's sent requests."""
    return render(
        request,
        "matching/request_list.html",
        {"inbox": selectors.inbox_for_user(user=request.user)},
    )


def request_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request.user, pk)
    detail = selectors.request_detail(request_id=found.pk)
    is_mentor = detail.mentor.user_id == request.user.pk
    context: dict[str, Any] = {"req": detail, "is_mentor": is_mentor, "report_form": ReportForm()}
    if detail.is_open and is_mentor:
        context.update(
            ask_form=AskInfoForm(),
            decline_form=DeclineForm(),
            redirect_form=RedirectForm(
                mentors=_other_mentors(detail),
                labels=lambda: [
                    (c.participant_id, c.label) for c in selectors.redirect_candidate_rows(detail)
                ],
            ),
        )
    if detail.is_open and not is_mentor and detail.waiting_on == MentorshipRequest.WaitingOn.MENTEE:
        context["answer_form"] = AnswerForm()
    return render(request, "matching/request_detail.html", context)


def _other_mentors(req: MentorshipRequest) -> Any:
    return Participant.objects.filter(
        pk__in=selectors.redirect_candidates(req).values("participant_id")
    )


def _act(
    request: AuthedHttpRequest,
    pk: int,
    side: str,
    action: Callable[[MentorshipRequest], object],
    done: str,
    form: Any = None,
) -> HttpResponse:
    """Access check, then the shared action shape; a follow-up request opens its own page."""
    found = get_request_rw_for_user(request.user, pk, side)
    response, result = run_action(
        request,
        lambda: action(found),
        done=done,
        back=reverse("matching:request", kwargs={"pk": found.pk}),
        form=form,
    )
    if isinstance(result, MentorshipRequest) and result.pk != found.pk:
        return redirect("matching:request", pk=result.pk)
    return response


@require_POST
def request_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = get_request_rw_for_user(request.user, pk, "mentor")
    try:
        mentorship = request_services.request_accept(request=found, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("matching:request", pk=found.pk)
    messages.success(request, gettext("You said yes. This is your new mentorship's home."))
    return redirect("matching:mentorship", pk=mentorship.pk)


@require_POST
def request_ask(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = AskInfoForm(request.POST)
    return _act(
        request,
        pk,
        "mentor",
        lambda r: request_services.request_ask_info(
            request=r, actor=request.user, **form.cleaned_data
        ),
        gettext("Your question is sent; the request waits for the answer."),
        form,
    )


@require_POST
def request_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    return _act(
        request,
        pk,
        "mentee",
        lambda r: request_services.request_answer(
            request=r, actor=request.user, **form.cleaned_data
        ),
        gettext("Your answer is sent."),
        form,
    )


@require_POST
def request_decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    return _act(
        request,
        pk,
        "mentor",
        lambda r: request_services.request_decline(
            request=r, actor=request.user, **form.cleaned_data
        ),
        gettext("Declined, kindly. The mentee can find other mentors in the directory."),
        form,
    )


@require_POST
def request_redirect(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = get_request_rw_for_user(request.user, pk, "mentor")
    form = RedirectForm(request.POST, mentors=_other_mentors(found))
    return _act(
        request,
        pk,
        "mentor",
        lambda r: request_services.request_redirect(
            request=r, actor=request.user, **form.cleaned_data
        ),
        gettext("Your suggestion is sent to the mentee."),
        form,
    )


@require_POST
def request_follow(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "mentee",
        lambda r: request_services.request_follow_redirect(request=r, actor=request.user),
        gettext("Your request went to the suggested mentor."),
    )


@require_POST
def request_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "mentee",
        lambda r: request_services.request_withdraw(request=r, actor=request.user),
        gettext("Your request is withdrawn."),
    )


@require_POST
def request_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request.user, pk)
    form = ReportForm(request.POST)
    side = "mentor" if found.mentor.user_id == request.user.pk else "mentee"
    return _act(
        request,
        pk,
        side,
        lambda r: report_file(reporter=request.user, request=r, **form.cleaned_data),
        gettext("The program's admins have your report."),
        form,
    )
