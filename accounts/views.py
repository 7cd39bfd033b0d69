from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.forms import PhotoForm, ProfileForm
from accounts.mfa import user_has_mfa
from accounts.services import user_photo_remove, user_photo_set, user_update_profile
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest


def profile(request: AuthedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "photo_form": PhotoForm()})


@require_POST
def photo(request: AuthedHttpRequest) -> HttpResponse:
    """Upload a new profile photo (or, with ``remove``, go back to initials)."""
    if request.POST.get("remove"):
        user_photo_remove(user=request.user)
        messages.success(request, _("Your photo is removed: your initials show instead."))
        return redirect("accounts:profile")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            user_photo_set(user=request.user, data=form.cleaned_data["photo"].read())
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Your photo is saved."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": ProfileForm(instance=request.user), "photo_form": form},
    )


@require_safe
def mfa_required(request: AuthedHttpRequest) -> HttpResponse:
    """Why this account needs two-factor sign-in, and the way to set it up."""
    return render(request, "accounts/mfa_required.html", {"has_mfa": user_has_mfa(request.user)})


class InvitedSignupView(SignupView):
    """allauth's sign-up, which takes the address from an invitation's link (``?email=``), and
    here also the name it was sent to (``?name=``), so an invited person does not type either."""

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        name = " ".join(self.request.GET.get("name", "").split())[:150]
        if name:
            initial["full_name"] = name
        return initial


signup = InvitedSignupView.as_view()
