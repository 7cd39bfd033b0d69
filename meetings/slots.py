"""Pure time rules for scheduling meetings: no ORM, plain values in and out.

Free slots inside a mentor's contact windows (``matching.windows``), and the refusal that names
the rule a time breaks: a date out of range, outside the windows, too little notice, a clash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from matching.windows import (
    Interval,
    Window,
    notice_label,
    window_intervals,
    windows_label,
)

# Two years ahead holds any plan a pair makes, and keeps every time the rules below step
# through (a day either side, a zone's offset, the length) far from the first and last days
# of the calendar, where datetime arithmetic overflows.
DAYS_AHEAD = 2 * 365


def date_refusal(day: date, *, today: date) -> str | None:
    """Refuse a meeting date before ``today`` or more than DAYS_AHEAD days after it."""
    last = today + timedelta(days=DAYS_AHEAD)
    if today <= day <= last:
        return None
    return _("Choose a date between %(first)s and %(last)s.") % {
        "first": date_format(today, "j F Y"),
        "last": date_format(last, "j F Y"),
    }


def start_refusal(start: datetime, *, now: datetime, zone: str) -> str | None:
    """Refuse a meeting start whose date in ``zone`` is outside ``date_refusal``'s range."""
    local = ZoneInfo(zone)
    today = now.astimezone(local).date()
    own_date = start.date()
    # An offset is less than a day, so a start whose own date is over a day out of range is
    # out of range in every zone; it may be on the calendar's first or last day, where
    # converting it to another zone overflows.
    if not today - timedelta(days=1) <= own_date <= today + timedelta(days=DAYS_AHEAD + 1):
        return date_refusal(own_date, today=today)
    return date_refusal(start.astimezone(local).date(), today=today)


def _clashes(start: datetime, end: datetime, busy: Iterable[Interval]) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in busy)


def free_slots(
    windows: Iterable[Window],
    *,
    window_zone: str,
    duration: timedelta,
    minimum_notice: timedelta,
    busy: Iterable[Interval],
    now: datetime,
    days: int = 14,
    step: timedelta = timedelta(minutes=30),
    away_until: date | None = None,
) -> list[datetime]:
    """Starts (UTC) of meetings of ``duration`` that fit: wholly inside one window on its local
    date, at least ``minimum_notice`` from ``now``, clear of ``busy``, within ``days``, and not
    on a local date before ``away_until``.

    Steps are real time from each window's start, so a window across a daylight-saving jump
    offers exactly the hours that exist that night.
    """
    zone = ZoneInfo(window_zone)
    busy = sorted(busy)
    earliest = now + minimum_notice
    horizon = now + timedelta(days=days)
    first = now.astimezone(zone).date()
    last = horizon.astimezone(zone).date()
    if away_until is not None and away_until > first:
        first = away_until
    slots: set[datetime] = set()
    for window_start, window_end in window_intervals(windows, zone, first, last):
        start = window_start
        while start + duration <= window_end:
            if earliest <= start < horizon and not _clashes(start, start + duration, busy):
                slots.add(start)
            start += step
    return sorted(slots)


def format_slot(start: datetime, zone: str) -> str:
    """A start as somebody in ``zone`` reads it, such as "Mon 9 Mar 15:00" (in the active
    language)."""
    return date_format(start.astimezone(ZoneInfo(zone)), "D j M H:i")


def slot_refusal(
    start: datetime,
    end: datetime,
    *,
    windows: Sequence[Window],
    window_zone: str,
    minimum_notice: timedelta,
    busy: Iterable[Interval],
    now: datetime,
    mentor_name: str = "",
    away_until: date | None = None,
) -> str | None:
    """Which rule a meeting from ``start`` to ``end`` breaks, as a sentence; None if it fits."""
    mentor_name = mentor_name or pgettext("sentence subject", "the mentor")
    zone = ZoneInfo(window_zone)
    local_date = start.astimezone(zone).date()
    if away_until is not None and local_date < away_until:
        return _("%(name)s is away until %(day)s.") % {
            "name": mentor_name,
            "day": date_format(away_until, "j F Y"),
        }
    if not windows:
        return _("%(name)s has not set any contact windows yet.") % {"name": mentor_name}
    fits = any(
        window_start <= start and end <= window_end
        for window_start, window_end in window_intervals(windows, zone, local_date, local_date)
    )
    if not fits:
        return _("That time is outside %(name)s's contact windows (%(windows)s).") % {
            "name": mentor_name,
            "windows": windows_label(windows, window_zone),
        }
    if start < now + minimum_notice:
        if minimum_notice <= timedelta(0):
            return _("That time is in the past.")
        return _("Meetings with %(name)s need %(notice)s notice.") % {
            "name": mentor_name,
            "notice": notice_label(minimum_notice),
        }
    if _clashes(start, end, busy):
        return _("That time clashes with another meeting.")
    return None
