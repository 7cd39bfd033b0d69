"""A person's privacy settings (export, deletion), a program admin's deletion of a
participant's data, and an organization's retention rule."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from mentorship.errors import DomainError
from mentorship.http import AuthedHttpRequest
from privacy import services
from privacy.forms import DeleteForm, RetentionForm
from privacy.models import DataExport, RetentionPolicy
from programs.access import (
    get_organization_for_admin,
    get_participant_for_admin,
    get_program_for_admin,
)
from programs.models import Program


@require_safe
def privacy_settings(request: AuthedHttpRequest) -> HttpResponse:
    exports = list(DataExport.objects.filter(user=request.user).order_by("-requested_at")[:5])
    return render(request, "privacy/settings.html", {"exports": exports})


@require_POST
def export_ask(request: AuthedHttpRequest) -> HttpResponse:
    try:
        services.export_request(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Your export is being built. We will email you, and tell you here, when it is ready."
            ),
        )
    return redirect("privacy:settings")


@require_safe
def export_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    export = services.export_for_download(user=request.user, export_id=pk)
    if export is None:
        raise Http404("No such export, or it has expired.")
    stamp = export.requested_at.strftime("%Y-%m-%d")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"twoway-data-{stamp}.zip",
        content_type="application/zip",
    )


@reauthentication_required
def account_delete_self(request: AuthedHttpRequest) -> HttpResponse:
    """What deletion does and keeps, then (after signing in again) the deletion itself."""
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            services.account_delete(user=user, actor=user, via=services.VIA_SELF)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted."))
            return redirect("landing")
    return render(request, "privacy/delete.html", {"form": form, "person": None})


def participant_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A program admin deletes a participant's personal data (their own organization's only):
    the program and the participant are checked first, then a fresh sign-in is asked for."""
    program = get_program_for_admin(request.user, slug)
    participant = get_participant_for_admin(program, pk)
    return _participant_delete(request, program, participant.user)


@reauthentication_required
def _participant_delete(request: AuthedHttpRequest, program: Program, person: User) -> HttpResponse:
    allowed = person.pk != request.user.pk and services.program_admin_may_delete(
        program=program, person=person
    )
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not allowed:
            form.add_error(
                None,
                _(
                    "This person takes part elsewhere too, or runs something here: only an "
                    "operator can delete their account."
                ),
            )
        else:
            try:
                services.account_delete(
                    user=person, actor=request.user, via=services.VIA_PROGRAM_ADMIN
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Their personal data is deleted."))
                return redirect("programs:manage", slug=program.slug)
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "person": person, "program": program, "allowed": allowed},
    )


def organization_retention(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The organization's retention rule: a count of whom it would delete now, then saving."""
    organization = get_organization_for_admin(request.user, slug)
    policy = RetentionPolicy.objects.filter(organization=organization).first()
    current = policy.months if policy else None
    form = RetentionForm(
        request.POST if request.method == "POST" else None, initial={"months": current}
    )
    preview_count = None
    counted = False  # saving is offered once the count for the typed rule has been seen
    if request.method == "POST" and form.is_valid():
        months = form.cleaned_data["months"]
        if "save" in request.POST:
            services.retention_set(organization=organization, months=months, actor=request.user)
            messages.success(request, _("The retention rule is saved."))
            return redirect("privacy:retention", slug=organization.slug)
        counted = True
        if months:
            preview_count = services.retention_candidates(
                organization=organization, months=months
            ).count()
    elif current:
        preview_count = services.retention_candidates(
            organization=organization, months=current
        ).count()
    return render(
        request,
        "privacy/retention.html",
        {
            "organization": organization,
            "form": form,
            "current": current,
            "preview_count": preview_count,
            "counted": counted,
        },
    )
