"""Rules for values that several apps take from people.

Email addresses: Django's ``validate_email`` (and its ``forms.EmailField``) accepts up to 320
characters, but every column that stores an address (``User.email``, ``Invitation.email``,
allauth's ``EmailAddress.email``) is a ``models.EmailField`` of 254, the longest address
SMTP can carry. A longer one passed the form and then broke the insert on PostgreSQL (SQLite
stored it). Every form and service that takes an address checks it here instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# models.EmailField's default max_length; tests/accounts pins every email column to it.
EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = f"Enter an email address of at most {EMAIL_MAX_LENGTH} characters."


def validate_email_address(value: str) -> None:
    """An address our columns can store: at most 254 characters, and well formed."""
    if len(value) > EMAIL_MAX_LENGTH:
        raise ValidationError(EMAIL_TOO_LONG, code="max_length")
    validate_email(value)


class EmailAddressField(forms.EmailField):
    """``forms.EmailField`` no longer than the columns behind it (the browser stops at 254 too)."""

    default_error_messages = {"max_length": EMAIL_TOO_LONG}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)
