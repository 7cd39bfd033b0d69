"""IANA time zone names: the validator and the choices people pick from."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@cache
def known_zones() -> frozenset[str]:
    """Every zone name this system knows, aliases included: read from disk once per process
    (each read walks the zone directories, about 18 ms)."""
    return frozenset(zoneinfo.available_timezones())


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name this system knows, sorted, without the legacy aliases."""
    names = known_zones()
    return tuple(
        sorted(
            name
            for name in names
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )


def validate_timezone(value: str) -> None:
    """Refuse anything that is not an IANA time zone name, such as ``Europe/Berlin``."""
    if value not in known_zones():
        raise ValidationError(
            _(
                "%(value)s is not a time zone name; pick one such as Europe/Berlin or America/New_York."
            ),
            code="invalid_timezone",
            params={"value": value},
        )


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


class TimeZoneSelect(forms.Select):
    """A select of ~430 zones, rendered in Python: Django's per-option templates made the
    profile page take 200 ms on this one field."""

    # A zone the form only proposes (a new account's "UTC"): written as data-browser-zone, so
    # the page's script (static/js/twoway.js) may put the browser's own zone in its place.
    proposed = ""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.proposed:
            final["data-browser-zone"] = self.proposed
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) == str(value) else "", label)  # noqa: S308
                for code, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
