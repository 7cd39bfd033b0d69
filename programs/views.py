from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from mentorship.errors import DomainError
from mentorship.http import AuthedHttpRequest, run_form
from programs import selectors, services
from programs.access import (
    get_invitation_for_admin,
    get_participant_for_admin,
    get_program_for_admin,
    get_program_for_user,
    is_organization_admin,
    may_see_person,
    organizations_user_can_create_programs_in,
    user_can_accept_invitation,
)
from programs.csv_import import CsvImportError
from programs.forms import (
    AnnouncementForm,
    ApplyForm,
    CsvImportForm,
    DeclineForm,
    EnrollmentForm,
    InvitationForm,
    ParticipantFilterForm,
    ProgramCreateForm,
    ProgramForm,
)
from programs.models import Announcement, Participant, Program
from programs.receivers import SESSION_KEY
from programs.tokens import invitation_from_token

# ---------------------------------------------------------------------------
# Participants' pages
# ---------------------------------------------------------------------------


def program_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "programs/list.html", selectors.program_overview_for_user(user=request.user)
    )


def program_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_user(request.user, slug)
    membership = selectors.membership_for_user(user=request.user, program=program)
    counts = selectors.program_role_counts(program=program)
    applied_roles = {
        p.role
        for p in membership.participations
        if p.status in (Participant.Status.ACTIVE, Participant.Status.APPLIED)
    }
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "membership": membership,
            "active_mentors": counts["mentor"].get(Participant.Status.ACTIVE, 0),
            "active_mentees": counts["mentee"].get(Participant.Status.ACTIVE, 0),
            "apply_form": ApplyForm()
            if program.enrollment_open and len(applied_roles) < 2
            else None,
        },
    )


@require_POST
def program_apply(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_user(request.user, slug)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            participant = services.participant_apply(
                program=program, user=request.user, role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("You applied as %(role)s; the program's admins will answer.")
                % {"role": participant.role_word},
            )
    else:
        messages.error(request, _("Choose whether you apply as mentor or mentee."))
    return redirect(program)


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: sign up or log in, then accept."""
    found = invitation_from_token(token)
    if found is None:
        return render(request, "programs/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        if not found.is_usable:
            return render(
                request, "programs/invitation_invalid.html", {"invitation": found}, status=410
            )
        # The link reached this inbox: allauth may treat the address as verified at signup.
        from allauth.account.adapter import get_adapter

        get_adapter(request).stash_verified_email(request, found.email)
        request.session[SESSION_KEY] = token
        if User.objects.filter(email__iexact=found.email).exists():
            messages.info(
                request,
                _("Log in to accept your invitation to %(program)s.")
                % {"program": found.program.name},
            )
            return redirect(reverse("account_login") + "?" + urlencode({"next": request.path}))
        messages.info(
            request, _("Create your account to join %(program)s.") % {"program": found.program.name}
        )
        invited = {"email": found.email} | ({"name": found.full_name} if found.full_name else {})
        return redirect(reverse("account_signup") + "?" + urlencode(invited))
    if found.status == found.Status.ACCEPTED and found.accepted_by_id == request.user.pk:
        return redirect(found.program)  # accepted at login or sign-up, on the way here
    if request.method == "POST":
        try:
            participant = services.invitation_accept(invitation=found, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("Welcome to %(program)s: you are in as %(role)s.")
                % {
                    "program": participant.program.name,
                    "role": participant.role_word,
                },
            )
            return redirect(participant.program)
    can_accept = found.is_usable and user_can_accept_invitation(user=request.user, invitation=found)
    return render(
        request, "programs/invitation.html", {"invitation": found, "can_accept": can_accept}
    )


# ---------------------------------------------------------------------------
# Admins' pages
# ---------------------------------------------------------------------------


def program_create(request: AuthedHttpRequest) -> HttpResponse:
    organizations = organizations_user_can_create_programs_in(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Only program admins can start programs."))
    form = ProgramCreateForm(request.POST or None, organizations=organizations)
    if response := run_form(
        request,
        form,
        lambda data: services.program_create(created_by=request.user, **data),
        done=lambda program: (
            _("%(program)s is ready. Invite its people next.") % {"program": program.name}
        ),
        then=lambda program: reverse("programs:manage", kwargs={"slug": program.slug}),
    ):
        return response
    return render(request, "programs/create.html", {"form": form})


def program_manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    filters = ParticipantFilterForm(request.GET or None)
    filters.is_valid()
    cleaned = getattr(filters, "cleaned_data", {})
    participants = selectors.participant_list_for_admin(
        program=program,
        role=cleaned.get("role", ""),
        status=cleaned.get("status", ""),
        query=cleaned.get("q", ""),
    )
    page = Paginator(participants, 50).get_page(request.GET.get("page"))
    applications = selectors.participant_list_for_admin(
        program=program, status=Participant.Status.APPLIED
    )
    return render(
        request,
        "programs/manage.html",
        {
            "program": program,
            "counts": selectors.program_role_counts(program=program),
            "filters": filters,
            "page": page,
            "applications": applications[:50],
            "invitations": selectors.invitation_list_for_admin(program=program)[:50],
            "invite_form": InvitationForm(),
            "import_form": CsvImportForm(),
            "decline_form": DeclineForm(),
            "query_string": urlencode({k: v for k, v in cleaned.items() if v}),
        },
    )


def program_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = ProgramForm(request.POST or None, instance=program)

    def save(data: dict[str, Any]) -> object:
        # ModelForm validation has written the values onto `program`; reload so the
        # service sees the stored row and records what changed.
        program.refresh_from_db()
        return services.program_update(program=program, actor=request.user, **data)

    if response := run_form(
        request,
        form,
        save,
        done=_("The program's settings are saved."),
        then=lambda _program: reverse("programs:manage", kwargs={"slug": program.slug}),
    ):
        return response
    return render(request, "programs/settings.html", {"program": program, "form": form})


def program_invite(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = InvitationForm(request.POST or None)
    if response := run_form(
        request,
        form,
        lambda data: services.invitation_create(program=program, invited_by=request.user, **data),
        done=lambda invitation: (
            _("Invitation sent to %(email)s as %(role)s.")
            % {"email": invitation.email, "role": invitation.role_word}
        ),
        then=reverse("programs:manage", kwargs={"slug": program.slug}),
    ):
        return response
    return render(request, "programs/invite.html", {"program": program, "form": form})


def program_import(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    csv_errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.invitations_import_csv(
                program=program, invited_by=request.user, upload=form.cleaned_data["file"]
            )
        except CsvImportError as exc:
            csv_errors = exc.errors
            form.add_error(
                "file",
                _("Nothing was imported: fix the lines listed above and upload the file again."),
            )
        else:
            invited = len(result.invited)
            messages.success(
                request,
                _("%(count)s invitations sent.") % {"count": invited},
            )
            for skipped in result.skipped[:20]:
                messages.info(request, _("Skipped %(line)s") % {"line": skipped})
            return redirect("programs:manage", slug=program.slug)
    return render(
        request,
        "programs/import.html",
        {"program": program, "form": form, "csv_errors": csv_errors},
    )


def _admin_action(request: AuthedHttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    participant = get_participant_for_admin(program, pk)
    name = participant.user.full_name or participant.user.email
    try:
        if action == "approve":
            services.participant_approve(participant=participant, actor=request.user)
            messages.success(
                request,
                _("%(name)s is now an active %(role)s.")
                % {"name": name, "role": participant.role_word},
            )
        elif action == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.participant_decline(participant=participant, actor=request.user, reason=reason)
            messages.success(request, _("%(name)s's application is declined.") % {"name": name})
        else:
            services.participant_withdraw(participant=participant, actor=request.user)
            messages.success(
                request,
                _("%(name)s is withdrawn as %(role)s.")
                % {"name": name, "role": participant.role_word},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programs:manage", slug=program.slug)


@require_POST
def participant_approve(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _admin_action(request, slug, pk, "approve")


@require_POST
def participant_decline(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _admin_action(request, slug, pk, "decline")


@require_POST
def participant_withdraw(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _admin_action(request, slug, pk, "withdraw")


def _invitation_action(request: AuthedHttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    found = get_invitation_for_admin(program, pk)
    try:
        if action == "revoke":
            services.invitation_revoke(invitation=found, actor=request.user)
            messages.success(
                request, _("The invitation to %(email)s is withdrawn.") % {"email": found.email}
            )
        else:
            services.invitation_resend(invitation=found, actor=request.user)
            messages.success(
                request, _("A new link is on its way to %(email)s.") % {"email": found.email}
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programs:manage", slug=program.slug)


@require_POST
def invitation_revoke(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _invitation_action(request, slug, pk, "revoke")


@require_POST
def invitation_resend(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _invitation_action(request, slug, pk, "resend")


def program_audit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    page = Paginator(selectors.audit_list_for_admin(program=program), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "programs/audit.html", {"program": program, "page": page})


def program_topics(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The organization's topic list as the program's admins see it: read-only, with who
    manages it (its organization admins, on the organization's page)."""
    program = get_program_for_admin(request.user, slug)
    organization = program.organization
    if request.method == "POST":
        # The list is every program's: one program's admins cannot change it under the others.
        raise PermissionDenied(
            _(
                "Topics are shared by all programs of %(organization)s: only its organization "
                "admins add, rename or remove them, on the organization's page."
            )
            % {"organization": organization.name}
        )
    return render(
        request,
        "programs/topics.html",
        {
            "program": program,
            "topics": selectors.topic_list_for_program(program=program),
            "organization_admins": selectors.organization_admin_names(
                organization_id=organization.pk
            ),
            "manages_topics": is_organization_admin(request.user, organization),
        },
    )


def program_announcements(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Write to everyone in the program, or to its mentors or mentees; past announcements below."""
    program = get_program_for_admin(request.user, slug)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        # First say how many people it reaches; nobody at all is refused by the service below.
        reach = selectors.announcement_recipients(
            program=program, audience=form.cleaned_data["audience"], author_id=request.user.pk
        ).count()
        if reach:
            return render(
                request,
                "programs/announcements.html",
                {
                    "program": program,
                    "form": form,
                    "page": _announcements_page(request, program),
                    "reach": reach,
                    "audience": Announcement.Audience(form.cleaned_data["audience"]).label,
                },
            )
    if response := run_form(
        request,
        form,
        lambda data: services.announcement_send(
            program=program,
            actor=request.user,
            **{key: value for key, value in data.items() if key != "confirmed"},
        ),
        done=lambda announcement: (
            ngettext(
                "“%(title)s” is on its way to %(count)s person.",
                "“%(title)s” is on its way to %(count)s people.",
                announcement.recipient_count,
            )
            % {"title": announcement.title, "count": announcement.recipient_count}
        ),
        then=reverse("programs:announcements", kwargs={"slug": program.slug}),
    ):
        return response
    return render(
        request,
        "programs/announcements.html",
        {"program": program, "form": form, "page": _announcements_page(request, program)},
    )


def _announcements_page(request: AuthedHttpRequest, program: Program) -> Any:
    return Paginator(selectors.announcement_list_for_admin(program=program), 20).get_page(
        request.GET.get("page")
    )


def _enrollment_context(program: Program, form: EnrollmentForm | None) -> dict[str, object]:
    """What the enrollment page shows."""
    return {
        "program": program,
        "form": form
        or EnrollmentForm(
            initial={"enrollment_open": program.enrollment_open, "ends_on": program.ends_on}
        ),
        "today": timezone.localdate(),
    }


def program_enrollment(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Open or close enrollment, extend the program, or close it for good."""
    program = get_program_for_admin(request.user, slug)
    form = EnrollmentForm(request.POST or None)
    if response := run_form(
        request,
        form,
        lambda data: services.program_enrollment_set(program=program, actor=request.user, **data),
        done=_("Enrollment and end date are saved."),
        then=reverse("programs:enrollment", kwargs={"slug": program.slug}),
    ):
        return response
    return render(
        request,
        "programs/enrollment.html",
        _enrollment_context(program, form if request.method == "POST" else None),
    )


@require_safe
def person_photo(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """A person's photo, to those who may see them (404 to anyone else, and when there is none).
    Private to the browser's cache: the address changes with the photo (``?v=``)."""
    person = User.objects.filter(pk=pk).exclude(photo="").first()
    if person is None or not may_see_person(request.user, pk):
        raise Http404("No such photo.")
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=86400)
    response["X-Content-Type-Options"] = "nosniff"
    return response
