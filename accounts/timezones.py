"""IANA time zone names: the validator and the choices people pick from."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name this system knows, sorted, without the legacy aliases."""
    names = zoneinfo.available_timezones()
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
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name; pick one such as Europe/Berlin or America/New_York.",
            code="invalid_timezone",
            params={"value": value},
        )


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]
