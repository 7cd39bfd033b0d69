"""The error every service raises when a rule refuses a change."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A refusal a person can read: which rule, and what would fit.

    ``field`` names the form field the message belongs next to, if any. The message may be
    lazy text (``gettext_lazy``), made in the language of whoever reads it.
    """

    def __init__(self, message: StrOrPromise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def form_add_domain_error(form: object, error: DomainError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    fields = getattr(form, "fields", {})
    form.add_error(error.field if error.field in fields else None, error.message)  # type: ignore[attr-defined]
