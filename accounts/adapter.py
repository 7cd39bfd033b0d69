"""allauth glue: Twoway's signup saves the full name and time zone."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from mentorship.validators import validate_email_address
from notifications.services import email_subject


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Every allauth form that takes an address (sign-up, adding an address) asks this:
        allauth's field takes 320 characters, our address columns hold 254."""
        validate_email_address(email)
        return str(super().clean_email(email))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails sign off with the site's name and address ("Thank you for using
        Twoway!"), not with whatever host the request came in on."""
        site = SimpleNamespace(
            name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
        )
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def format_email_subject(self, subject: str) -> str:
        """allauth's mails take their subject line from the same function as every other."""
        return email_subject(str(subject))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        data = form.cleaned_data
        user.full_name = data.get("full_name", "")
        if data.get("time_zone"):
            user.time_zone = data["time_zone"]
        return super().save_user(request, user, form, commit=commit)
