from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.mfa import user_has_mfa
from programs.mfa import user_must_have_mfa

# What a person who must set up two-factor sign-in can still open: the page that says so,
# allauth's pages that set it up (with the password check before them and the email pages,
# since allauth refuses to add an authenticator while an address is unverified), and the ways out.
MFA_SETUP_VIEWS = frozenset(
    {
        "accounts:mfa_required",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_logout",
        "admin:logout",
        "healthz",
    }
)


class MfaRequiredMiddleware:
    """Sends a person who must use two-factor sign-in and has not set it up to the page that
    says why, from every page but those they need to set it up (``MFA_REQUIRED_FOR_ADMINS``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: list[object],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        # Off (development's default): no query at all.
        if not settings.MFA_REQUIRED_FOR_ADMINS or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in MFA_SETUP_VIEWS:
            return None
        if not user_must_have_mfa(request.user) or user_has_mfa(request.user):
            return None
        url = reverse("accounts:mfa_required")
        if getattr(request, "htmx", False):
            # A fragment swap would put the whole page into a corner of another one.
            return HttpResponseClientRedirect(url)
        return redirect(url)
