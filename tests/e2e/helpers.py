"""What several browser tests share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones


def daytime_zone(now: datetime) -> str:
    """A time zone where it is mid-day right now, so quiet hours (21:00–08:00) hold nothing."""
    for name in sorted(available_timezones()):
        if name.startswith("Etc/") and 10 <= now.astimezone(ZoneInfo(name)).hour <= 17:
            return name
    raise AssertionError("no zone at mid-day")  # pragma: no cover


def nav_link(page, name: str):  # noqa: ANN001, ANN201 - a Playwright page and locator
    """A link of the main navigation, by its name."""
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name)
