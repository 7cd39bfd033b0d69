"""Rules for values that several apps take from people.

One-line fields (names, titles, topics): a line break in a name went into email subjects built
from it and every such email failed (``BadHeaderError``), so one person could silence their
partner's reminders. Control characters (Unicode category Cc: tabs and line breaks included)
and the line and paragraph separators U+2028 and U+2029 are refused in every one-line field
people type into; the fields carry ``validate_single_line`` (forms, the Django admin and
``full_clean`` all ask it), and each app's data migration cleaned the rows stored before.
Format characters (Cf: zero-width joiners in emoji, right-to-left marks in names) stay allowed.

Email addresses: Django's ``validate_email`` (and its ``forms.EmailField``) accepts up to 320
characters, but every column that stores an address (``User.email``, ``Invitation.email``,
allauth's ``EmailAddress.email``) is a ``models.EmailField`` of 254, the longest address
SMTP can carry. A longer one passed the form and then broke the insert on PostgreSQL (SQLite
stored it). Every form and service that takes an address checks it here instead.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

# models.EmailField's default max_length; tests/accounts pins every email column to it.
EMAIL_MAX_LENGTH = 254
# Lazy: made in the language of whoever reads it (forms and services share it).
EMAIL_TOO_LONG = format_lazy(
    gettext_lazy("Enter an email address of at most {count} characters."), count=EMAIL_MAX_LENGTH
)


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


# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; Zl and Zp are one each.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
# The English text (tests and callers compare against it); translated when raised.
SINGLE_LINE_MESSAGE = gettext_noop("Use a single line without control characters.")
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# A run of control characters with the spaces around it, as in "Ann \r\n Lee".
_CONTROL_RUN = re.compile(rf"\s*[{CONTROL_CHARACTERS}][\s{CONTROL_CHARACTERS}]*")


def validate_single_line(value: str) -> None:
    """One line of text: no control characters (tabs and line breaks included), no U+2028/9."""
    if _CONTROL.search(value):
        raise ValidationError(gettext(SINGLE_LINE_MESSAGE), code="single_line")


def single_line(value: str) -> str:
    """``value`` on one line: each run of control characters (with the spaces around it) becomes
    one space, and the ends are trimmed. Other spacing is left as it was. Pure."""
    return _CONTROL_RUN.sub(" ", value).strip()


def single_line_rows_clean(model: type[models.Model], fields: list[str], *, using: str) -> int:
    """For data migrations: put the one-line ``fields`` of ``model``'s stored rows on one line
    (``single_line``); returns how many rows changed. Only rows holding a control character are
    read (a database regex; PostgreSQL cannot store U+0000, so its pattern starts at U+0001)."""
    start = "\\x01" if connections[using].vendor == "postgresql" else "\\x00"
    pattern = f"[{start}-\\x1f\\x7f-\\x9f\\u2028\\u2029]"
    found = models.Q()
    for name in fields:
        found |= models.Q(**{f"{name}__regex": pattern})
    rows = model._default_manager.using(using).filter(found).only("pk", *fields)
    changed = 0
    for row in list(rows):  # read first: each update takes its row out of the filter
        values = {name: single_line(getattr(row, name)) for name in fields}
        try:
            with transaction.atomic(using=using):
                model._default_manager.using(using).filter(pk=row.pk).update(**values)
        except IntegrityError:
            # Unique per organization (a topic's name): "A\nB" cleans to an "A B" that exists.
            # The row keeps its own name, told apart by its id, rather than stop the migration.
            mark = f" (#{row.pk})"
            for name, value in values.items():
                if value != getattr(row, name):
                    limit = getattr(model._meta.get_field(name), "max_length", None) or 10**6
                    values[name] = value[: limit - len(mark)] + mark
            model._default_manager.using(using).filter(pk=row.pk).update(**values)
        changed += 1
    return changed
