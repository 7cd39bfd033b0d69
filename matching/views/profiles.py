"""Profile pages: editing one's own profile for a program (details, a mentor's offer, limits and
contact windows, a mentee's wishes), and what another participant may see of a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from matching.forms import (
    AvailabilityForm,
    ContactWindowFormSet,
    DetailsForm,
    MenteeProfileForm,
    MentorProfileForm,
)
from matching.models import Availability
from matching.selectors import person_in_program, responsiveness_of
from matching.services.profiles import participant_profile_save
from matching.windows import Window
from mentorship.errors import DomainError
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_user
from programs.models import Participant, Role


def _error_target(forms: dict[str, Any], error: DomainError) -> None:
    """Put a service's refusal next to the field it names, in whichever form has that field."""
    for form in forms.values():
        if form is not None and hasattr(form, "fields") and error.field in form.fields:
            form.add_error(error.field, error.message)
            return
    windows = forms.get("windows")
    if error.field == "windows" and windows is not None:
        windows._non_form_errors = windows.error_class([error.message])
        return
    next(f for f in forms.values() if f is not None and hasattr(f, "fields")).add_error(
        None, error.message
    )


def profile_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Edit one's own profile for a program: details, mentor offer and limits, mentee wishes."""
    program = get_program_for_user(request.user, slug)
    person = person_in_program(program=program, user_id=request.user.pk)
    data = request.POST or None
    mentor, mentee = person.mentor, person.mentee
    availability = person.availability or (
        Availability(participant=mentor, time_zone=request.user.time_zone) if mentor else None
    )
    forms: dict[str, Any] = {
        "details": DetailsForm(data, instance=request.user),
        "mentor": MentorProfileForm(data, instance=person.mentor_profile, program=program)
        if mentor
        else None,
        "availability": AvailabilityForm(data, instance=availability) if mentor else None,
        "windows": ContactWindowFormSet(data, instance=availability, prefix="windows")
        if mentor
        else None,
        "mentee": MenteeProfileForm(data, instance=person.mentee_profile) if mentee else None,
    }
    if request.method == "POST" and all(f.is_valid() for f in forms.values() if f is not None):
        try:
            participant_profile_save(
                user=request.user,
                details=forms["details"].cleaned_data,
                mentor=(mentor, forms["mentor"].cleaned_data) if mentor else None,
                availability=(
                    mentor,
                    forms["availability"].cleaned_data,
                    [
                        Window(
                            f.cleaned_data["weekday"],
                            f.cleaned_data["start_time"],
                            f.cleaned_data["end_time"],
                        )
                        for f in forms["windows"].forms
                        if f.cleaned_data and not f.cleaned_data.get("DELETE")
                    ],
                )
                if mentor
                else None,
                mentee=(mentee, forms["mentee"].cleaned_data) if mentee else None,
            )
        except DomainError as exc:
            _error_target(forms, exc)
        else:
            messages.success(request, "Your profile for this program is saved.")
            return redirect("matching:person", slug=program.slug, pk=request.user.pk)
    return render(
        request, "matching/profile_edit.html", {"program": program, "person": person, **forms}
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
        },
    )
