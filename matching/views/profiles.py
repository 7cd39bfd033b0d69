"""Profile pages: editing one's own profile for a program (details, a mentor's offer, limits and
contact windows, a mentee's wishes), and what another participant may see of a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from matching.forms import (
    AvailabilityForm,
    ContactWindowFormSet,
    DetailsForm,
    MenteeProfileForm,
    MentorBoundariesForm,
    MentorOfferForm,
)
from matching.models import Availability
from matching.selectors import PersonInProgram, person_in_program, responsiveness_of
from matching.services.profiles import (
    availability_set,
    mentee_profile_update,
    mentor_profile_update,
    participant_details_save,
)
from matching.windows import Window
from mentorship.errors import DomainError
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_user
from programs.models import Participant, Program, Role


@dataclass(frozen=True)
class Section:
    """One part of the profile page, saved on its own: its heading, the forms it shows, the
    service call that saves their cleaned data, and what the page says once it is saved."""

    title: Any
    forms: tuple[str, ...]
    save: Callable[[PersonInProgram, dict[str, Any]], object]
    saved: Any


def _windows(formset: Any) -> list[Window]:
    return [
        Window(f.cleaned_data["weekday"], f.cleaned_data["start_time"], f.cleaned_data["end_time"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _as(participant: Participant | None) -> Participant:
    """The person's participation in the role the section is for (the page offers a section
    only to those who have that role)."""
    assert participant is not None
    return participant


SECTIONS: dict[str, Section] = {
    "details": Section(
        _("About you"),
        ("details",),
        lambda person, forms: participant_details_save(
            user=person.user, **forms["details"].cleaned_data
        ),
        _("Saved: about you."),
    ),
    "offer": Section(
        _("What you offer, and what you cannot help with"),
        ("offer",),
        lambda person, forms: mentor_profile_update(
            participant=_as(person.mentor), **forms["offer"].cleaned_data
        ),
        _("Saved: what you offer, and what you cannot help with."),
    ),
    "boundaries": Section(
        _("Your limits"),
        ("boundaries",),
        lambda person, forms: mentor_profile_update(
            participant=_as(person.mentor), **forms["boundaries"].cleaned_data
        ),
        _("Saved: your limits."),
    ),
    "windows": Section(
        _("When you can be reached"),
        ("availability", "windows"),
        lambda person, forms: availability_set(
            participant=_as(person.mentor),
            windows=_windows(forms["windows"]),
            **forms["availability"].cleaned_data,
        ),
        _("Saved: when you can be reached."),
    ),
    "mentee": Section(
        _("What you look for as a mentee"),
        ("mentee",),
        lambda person, forms: mentee_profile_update(
            participant=_as(person.mentee), **forms["mentee"].cleaned_data
        ),
        _("Saved: what you look for as a mentee."),
    ),
}


def _profile_forms(
    request: AuthedHttpRequest, program: Program, person: PersonInProgram, bound: str
) -> dict[str, Any]:
    """Every form of the page; only those of the section being saved (``bound``) take the POST."""

    def data(section: str) -> Any:
        return request.POST if section == bound else None

    forms: dict[str, Any] = {"details": DetailsForm(data("details"), instance=request.user)}
    mentor = person.mentor
    if mentor is not None:
        availability = person.availability or Availability(
            participant=mentor, time_zone=request.user.time_zone
        )
        forms["offer"] = MentorOfferForm(
            data("offer"), instance=person.mentor_profile, program=program
        )
        forms["boundaries"] = MentorBoundariesForm(
            data("boundaries"), instance=person.mentor_profile, program=program
        )
        forms["availability"] = AvailabilityForm(data("windows"), instance=availability)
        forms["windows"] = ContactWindowFormSet(
            data("windows"), instance=availability, prefix="windows"
        )
    if person.mentee is not None:
        forms["mentee"] = MenteeProfileForm(data("mentee"), instance=person.mentee_profile)
    return forms


def _error_target(forms: list[Any], error: DomainError) -> None:
    """Put a service's refusal next to the field it names, in whichever form has that field."""
    for form in forms:
        if hasattr(form, "fields") and error.field in form.fields:
            form.add_error(error.field, error.message)
            return
    for form in forms:
        if error.field == "windows" and not hasattr(form, "fields"):
            form._non_form_errors = form.error_class([error.message])
            return
    next(f for f in forms if hasattr(f, "fields")).add_error(None, error.message)


def _error_summary(forms: list[Any]) -> list[tuple[str, str]]:
    """Each error of the section just posted, with the id of the field it belongs to (the
    summary at the top of the page links there)."""
    found: list[tuple[str, str]] = []
    for form in forms:
        if hasattr(form, "fields"):
            for name, errors in form.errors.items():
                target = f"id_{form.add_prefix(name)}" if name in form.fields else ""
                label = form.fields[name].label if name in form.fields else ""
                found += [(target, f"{label}: {e}" if label else str(e)) for e in errors]
        else:  # the contact windows' formset
            found += [("contact-windows", str(e)) for e in form.non_form_errors()]
            for row in form.forms:
                for name, errors in row.errors.items():
                    target = f"id_{row.add_prefix(name)}" if name in row.fields else ""
                    found += [
                        (target, gettext("Contact window: %(error)s") % {"error": e})
                        for e in errors
                    ]
    return found


def _window_row(request: AuthedHttpRequest, person: PersonInProgram) -> HttpResponse:
    """ "Add a window" (htmx): one more empty contact-window row, and the formset's count one
    higher, without saving anything."""
    try:
        index = int(request.GET.get("windows-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest("Say how many rows the table has.")
    formset = ContactWindowFormSet(instance=person.availability, prefix="windows")
    if not 0 <= index < (formset.max_num or 0):
        return HttpResponseBadRequest("That is as many contact windows as there can be.")
    form = formset.empty_form
    form.prefix = formset.add_prefix(index)
    return render(request, "matching/_window_row_added.html", {"form": form, "total": index + 1})


def profile_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """One's own profile for a program, in sections that each save on their own (details; a
    mentor's offer, limits and contact windows; a mentee's wishes). An invalid save shows a
    summary at the top linking to each field, and changes nothing."""
    program = get_program_for_user(request.user, slug)
    person = person_in_program(program=program, user_id=request.user.pk)
    if request.htmx and request.method == "GET" and person.mentor is not None:
        return _window_row(request, person)
    bound = request.POST.get("section", "") if request.method == "POST" else ""
    forms = _profile_forms(request, program, person, bound)
    section = SECTIONS.get(bound)
    if request.method == "POST" and (section is None or section.forms[0] not in forms):
        return HttpResponseBadRequest("No such section of your profile.")
    errors: list[tuple[str, str]] = []
    if section is not None:
        posted = [forms[name] for name in section.forms]
        if all(form.is_valid() for form in posted):
            try:
                with transaction.atomic():
                    section.save(person, forms)
            except DomainError as exc:
                _error_target(posted, exc)
            else:
                messages.success(request, str(section.saved))
                url = reverse("matching:profile", kwargs={"slug": program.slug})
                return redirect(f"{url}#section-{bound}")
        errors = _error_summary(posted)
    return render(
        request,
        "matching/profile_edit.html",
        {
            "program": program,
            "person": person,
            "sections": SECTIONS,
            "posted_title": section.title if section else "",
            "error_summary": errors,
            **forms,
        },
    )


def person_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """What another participant of the same program may see of a person."""
    program = get_program_for_user(request.user, slug)
    if request.user.pk != pk:
        # Only active participants of the program see its people (this raises 404 otherwise).
        person_in_program(program=program, user_id=request.user.pk)
    person = person_in_program(program=program, user_id=pk)
    viewer_is_mentee = Participant.objects.filter(
        user=request.user, program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
    ).exists()
    return render(
        request,
        "matching/person.html",
        {
            "program": program,
            "person": person,
            "is_me": request.user.pk == pk,
            "windows": person.windows_for(request.user.time_zone),
            "viewer_zone": request.user.time_zone,
            "responsiveness": responsiveness_of(mentor=person.mentor) if person.mentor else None,
            "can_request": viewer_is_mentee and person.mentor is not None and request.user.pk != pk,
            "capacity_words": program.capacity_words(person.mentor_profile.capacity)
            if person.mentor_profile
            else "",
        },
    )
