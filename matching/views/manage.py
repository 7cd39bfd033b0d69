"""Program admins' pages in matching: mentorships on behalf of their people, and the report queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching import selectors
from matching.access import get_mentorship_for_admin, get_report_for_admin
from matching.forms import (
    AdminEndForm,
    AdminPauseForm,
    AdminResumeForm,
    MentorshipFilterForm,
    ReassignForm,
    ReportEndForm,
    ReportFilterForm,
    ReportNoteForm,
    ReportStatusForm,
    ReportWarnForm,
)
from matching.models import ClosingReason, Mentorship, Report
from matching.services.mentorships import (
    mentorship_end_for_people,
    mentorship_pause_for_people,
    mentorship_reassign,
    mentorship_resume_for_people,
)
from matching.services.problem_reports import (
    report_end_mentorship,
    report_note_add,
    report_pause_mentor_requests,
    report_resolve,
    report_resume_mentor_requests,
    report_status_set,
    report_warn,
    reported_person,
)
from mentorship.http import AuthedHttpRequest, run_action, run_form
from programs.access import get_program_for_admin

# ---------------------------------------------------------------------------
# Mentorships
# ---------------------------------------------------------------------------


def mentorship_admin_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """A program's mentorships: find one to pause, end or reassign."""
    program = get_program_for_admin(request.user, slug)
    filters = MentorshipFilterForm(request.GET or None)
    filters.is_valid()
    cleaned = getattr(filters, "cleaned_data", {})
    rows = selectors.mentorship_list_for_admin(
        program=program, status=cleaned.get("status") or "live", query=cleaned.get("q", "")
    )
    return render(
        request,
        "matching/admin_mentorships.html",
        {
            "program": program,
            "filters": filters,
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "query_string": urlencode({k: v for k, v in cleaned.items() if v}),
        },
    )


def _mentorship_forms(mentorship: Mentorship, data: Any = None) -> dict[str, forms.Form]:
    """The forms that fit the mentorship's state, keyed by action (each with its own prefix)."""
    if mentorship.status not in Mentorship.LIVE_STATUSES:
        return {}
    found: dict[str, forms.Form] = {}
    if mentorship.status == Mentorship.Status.ACTIVE:
        found["pause"] = AdminPauseForm(data, prefix="pause")
    else:
        found["resume"] = AdminResumeForm(data, prefix="resume")
    found["end"] = AdminEndForm(data, prefix="end")
    found["reassign"] = ReassignForm(
        data, prefix="reassign", mentors=selectors.reassign_mentors_for(mentorship=mentorship)
    )
    return found


def mentorship_admin(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One mentorship for the program's admins: its state and history, and what they can do."""
    program = get_program_for_admin(request.user, slug)
    mentorship = get_mentorship_for_admin(program, pk)
    shown = _mentorship_forms(mentorship)
    action = request.POST.get("action", "")
    if request.method == "POST" and action in shown:
        form = _mentorship_forms(mentorship, request.POST)[action]
        shown[action] = form
        services: dict[str, tuple[Callable[..., Mentorship], str]] = {
            "pause": (mentorship_pause_for_people, gettext("Paused; both people are told why.")),
            "resume": (mentorship_resume_for_people, gettext("Resumed; both people are told.")),
            "end": (mentorship_end_for_people, gettext("Ended; both people are told why.")),
            "reassign": (
                mentorship_reassign,
                gettext("Reassigned: the mentee works with their new mentor now."),
            ),
        }
        service, message = services[action]
        if response := run_form(
            request,
            form,
            lambda data: service(mentorship=mentorship, actor=request.user, **data),
            done=message,
            then=lambda changed: reverse(
                "matching:admin_mentorship", kwargs={"slug": program.slug, "pk": changed.pk}
            ),
        ):
            return response
    elif request.method == "POST":
        messages.error(request, gettext("That cannot be done to this mentorship now."))
        return redirect("matching:admin_mentorship", slug=program.slug, pk=mentorship.pk)
    mentorship = selectors.mentorship_for_admin(mentorship_id=mentorship.pk)
    pair = {mentorship.mentor.user_id, mentorship.mentee.user_id}
    return render(
        request,
        "matching/admin_mentorship.html",
        {
            "program": program,
            "mentorship": mentorship,
            # The two people's own notes on their changes stay theirs; admins' and the
            # software's notes are shown.
            "history": [
                (change, "" if change.actor_id in pair else change.note)
                for change in mentorship.changes.all()
            ],
            "forms": shown,
        },
    )


# ---------------------------------------------------------------------------
# The report queue
# ---------------------------------------------------------------------------


def reports(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Reported problems by status (unresolved first), with their notes."""
    program = get_program_for_admin(request.user, slug)
    filters = ReportFilterForm(request.GET or None)
    filters.is_valid()
    status = getattr(filters, "cleaned_data", {}).get("status") or "unresolved"
    page = Paginator(
        selectors.report_queue_for_program(program=program, status=status), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/reports.html",
        {
            "program": program,
            "filters": filters,
            "status": status,
            "counts": selectors.report_status_counts(program=program),
            "page": page,
            "reports": page.object_list,
            "query_string": urlencode({"status": status}),
        },
    )


def _report_forms(report: Report, action: str = "", data: Any = None) -> dict[str, forms.Form]:
    def bind(name: str) -> Any:
        return data if name == action else None

    found: dict[str, forms.Form] = {
        "status": ReportStatusForm(
            bind("status"), prefix="status", initial={"status": report.status}
        ),
        "note": ReportNoteForm(bind("note"), prefix="note"),
    }
    if report.status != Report.Status.RESOLVED:
        found["warn"] = ReportWarnForm(bind("warn"), prefix="warn")
        if report.mentorship is not None and report.mentorship.status in Mentorship.LIVE_STATUSES:
            found["end"] = ReportEndForm(
                bind("end"), prefix="end", initial={"closing_reason": ClosingReason.OTHER}
            )
    return found


# The report page's one-click buttons, and its forms: the service and what to say when done.
REPORT_BUTTONS: dict[str, tuple[Callable[..., object], object]] = {
    "resolve": (report_resolve, _("Report resolved.")),
    "pause_requests": (
        report_pause_mentor_requests,
        _("The mentor takes no new requests until you lift it."),
    ),
    "resume_requests": (
        report_resume_mentor_requests,
        _("Mentees can send the mentor requests again."),
    ),
}


def _report_end(*, report: Report, actor: User, reason: str, closing_reason: str) -> Report:
    return report_end_mentorship(
        report=report,
        actor=actor,
        reason=reason or gettext("Ended by the program's admins."),
        closing_reason=closing_reason or ClosingReason.OTHER,
    )


REPORT_FORM_ACTIONS: dict[str, tuple[Callable[..., object], object]] = {
    "status": (report_status_set, _("Status saved.")),
    "note": (report_note_add, _("Note added.")),
    "warn": (report_warn, _("Warning sent.")),
    "end": (_report_end, _("The mentorship is ended and the report resolved.")),
}


def _bound_report_form(report: Report, action: str, data: Any) -> forms.Form | None:
    """The form of this action bound to the POST, or None when it does not fit the report."""
    bound = _report_forms(report, action, data)
    if action == "end" and "end" in bound and "end-reason" not in data:
        bound["end"] = ReportEndForm(data)  # the queue's one-click button
    return bound.get(action)


def report_action(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One report: its notes and the admins' actions (status, note, warn, pause the mentor's
    new requests, end the mentorship)."""
    program = get_program_for_admin(request.user, slug)
    report = get_report_for_admin(program, pk)
    here = reverse("matching:report_action", kwargs={"slug": program.slug, "pk": report.pk})
    action = request.POST.get("action", "")
    shown = _report_forms(report)
    if request.method == "POST" and action in REPORT_BUTTONS:
        service, done = REPORT_BUTTONS[action]
        response, result = run_action(
            request, lambda: service(report=report, actor=request.user), done=str(done), back=here
        )
        resolved = action == "resolve" and result is not None
        return redirect("matching:reports", slug=program.slug) if resolved else response
    if request.method == "POST":
        form = _bound_report_form(report, action, request.POST)
        if form is None:
            messages.error(request, gettext("That cannot be done to this report now."))
            return redirect(here)
        shown[action] = form
        service, done = REPORT_FORM_ACTIONS[action]
        queue = reverse("matching:reports", kwargs={"slug": program.slug})
        if answer := run_form(
            request,
            form,
            lambda data: service(report=report, actor=request.user, **data),
            done=str(done),
            then=queue if action == "end" else here,
        ):
            return answer
    return render(
        request,
        "matching/report_detail.html",
        {
            "program": program,
            "report": report,
            "reported": reported_person(report),
            "forms": shown,
            "mentor_paused": selectors.report_mentor_paused(report=report),
        },
    )
