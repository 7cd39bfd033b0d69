"""A mentor's contact windows as pure time rules: no ORM, plain values in and out.

Windows are weekly wall-clock times in the mentor's zone. To show one to somebody in another
zone, take its next real occurrence (a date), place it in the mentor's zone, and convert the
instant: the offset between two zones depends on the date, because they change to and from
daylight-saving time on different days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import dates
from django.utils.translation import gettext, ngettext

from matching.score import MINUTES_PER_WEEK

UTC = ZoneInfo("UTC")
# Monday first, in the reader's language (Django's own translations of the day names).
WEEKDAYS = tuple(dates.WEEKDAYS[day] for day in range(7))
SHORT_WEEKDAYS = tuple(dates.WEEKDAYS_ABBR[day] for day in range(7))

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Window:
    """A weekly window: weekday 0 = Monday, start before end, both on that day."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Occurrence:
    """One concrete window, as instants, with how it reads in a viewer's zone."""

    window: Window
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    local_start: datetime  # aware, viewer's zone
    local_end: datetime  # aware, viewer's zone

    def label(self) -> str:
        start, end = self.local_start, self.local_end
        if start.date() == end.date():
            return f"{WEEKDAYS[start.weekday()]} {start:%H:%M}–{end:%H:%M}"
        return f"{WEEKDAYS[start.weekday()]} {start:%H:%M} – {WEEKDAYS[end.weekday()]} {end:%H:%M}"


def validate_windows(windows: Sequence[Window]) -> list[str]:
    """Messages for windows that end before they start or overlap another on the same day."""
    problems: list[str] = []
    for w in windows:
        if not 0 <= w.weekday <= 6:
            problems.append(
                gettext("%(number)s is not a weekday (0 is Monday, 6 is Sunday).")
                % {"number": w.weekday}
            )
        elif w.start >= w.end:
            problems.append(
                gettext("%(window)s: the start must be before the end.")
                % {"window": f"{WEEKDAYS[w.weekday]} {w.start:%H:%M}–{w.end:%H:%M}"}
            )
    by_day: dict[int, list[Window]] = {}
    for w in windows:
        if 0 <= w.weekday <= 6 and w.start < w.end:
            by_day.setdefault(w.weekday, []).append(w)
    for day, day_windows in sorted(by_day.items()):
        day_windows.sort(key=lambda w: w.start)
        for earlier, later in zip(day_windows, day_windows[1:], strict=False):
            if later.start < earlier.end:
                problems.append(
                    gettext("%(day)s %(first)s and %(second)s overlap; merge them or move one.")
                    % {
                        "day": WEEKDAYS[day],
                        "first": f"{earlier.start:%H:%M}–{earlier.end:%H:%M}",
                        "second": f"{later.start:%H:%M}–{later.end:%H:%M}",
                    }
                )
    return problems


def _local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens on a day; a time skipped by a DST jump moves forward."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone, fold=0)
    # A time in the spring-forward gap does not exist: round-tripping through UTC exposes it.
    roundtrip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != naive:
        return roundtrip
    return aware


def wall_clock_instant(day: date, clock: time, zone: str) -> datetime:
    """The UTC instant a wall-clock time in ``zone`` happens on ``day`` (a skipped time moves on)."""
    return _local_instant(day, clock, ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def occurrences(
    windows: Iterable[Window], *, window_zone: str, viewer_zone: str, week_starting: date
) -> list[Occurrence]:
    """Each window's occurrence in the week that starts on ``week_starting``, seen from ``viewer_zone``."""
    source, viewer, utc = ZoneInfo(window_zone), ZoneInfo(viewer_zone), ZoneInfo("UTC")
    result = []
    for w in windows:
        day = week_starting + timedelta(days=(w.weekday - week_starting.weekday()) % 7)
        start = _local_instant(day, w.start, source)
        end = _local_instant(day, w.end, source)
        result.append(
            Occurrence(
                window=w,
                starts_at=start.astimezone(utc),
                ends_at=end.astimezone(utc),
                local_start=start.astimezone(viewer),
                local_end=end.astimezone(viewer),
            )
        )
    result.sort(key=lambda o: o.starts_at)
    return result


def window_intervals(
    windows: Iterable[Window], zone: ZoneInfo, first: date, last: date
) -> list[Interval]:
    """Every occurrence of the windows on the local dates ``first``..``last``, as UTC instants."""
    windows = list(windows)
    result = []
    day = first
    while day <= last:
        for w in windows:
            if w.weekday == day.weekday():
                start = _local_instant(day, w.start, zone).astimezone(UTC)
                end = _local_instant(day, w.end, zone).astimezone(UTC)
                if start < end:
                    result.append((start, end))
        day += timedelta(days=1)
    result.sort()
    return result


def weekly_hours(windows: Iterable[Window]) -> float:
    """How many hours a week the windows cover."""
    total = timedelta()
    for w in windows:
        total += datetime.combine(date.min, w.end) - datetime.combine(date.min, w.start)
    return total.total_seconds() / 3600


# ---------------------------------------------------------------------------
# Minutes of the week in UTC, for matching.score
# ---------------------------------------------------------------------------
WORKING_DAYS = (0, 1, 2, 3, 4)


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def working_hours_windows(
    start: time, end: time, *, weekdays: Iterable[int] = WORKING_DAYS
) -> list[Window]:
    """A working day on each weekday; a day that ends at or before it starts runs past midnight."""
    if start < end:
        return [Window(day, start, end) for day in weekdays]
    windows = []
    for day in weekdays:
        windows.append(Window(day, start, time.max))
        if end > time.min:
            windows.append(Window((day + 1) % 7, time.min, end))
    return windows


def utc_week_intervals(
    windows: Iterable[Window], *, zone: str, week_starting: date
) -> tuple[tuple[int, int], ...]:
    """Weekly windows of one zone as UTC minutes of the week (0 = Monday 00:00 UTC).

    The windows take their offsets from their occurrence in the week that starts on Monday
    ``week_starting``, so a daylight-saving change moves them as it does in real life. An
    interval that crosses the end of the week keeps ``end > MINUTES_PER_WEEK``: it wraps.
    """
    monday = monday_of(week_starting)
    found = sorted((_utc_occurrence(w, zone, monday) for w in windows), key=lambda o: o[0])
    intervals = []
    for _, start, end in found:
        if end > start:
            start_in_week = start % MINUTES_PER_WEEK
            intervals.append((start_in_week, start_in_week + end - start))
    return tuple(intervals)


# Pure, and a directory of thousands of mentors holds a few hundred distinct windows at most
# (a handful of zones, usual hours): each is converted once a week.
@lru_cache(maxsize=8192)
def _utc_occurrence(window: Window, zone: str, monday: date) -> tuple[datetime, int, int]:
    """The window's occurrence in the week of ``monday``: its start as a UTC instant (the
    order), and its start and end as minutes from Monday 00:00 UTC."""
    origin = datetime.combine(monday, time.min, tzinfo=ZoneInfo("UTC"))
    (occurrence,) = occurrences([window], window_zone=zone, viewer_zone="UTC", week_starting=monday)
    start = round((occurrence.starts_at - origin).total_seconds() / 60)
    end = round((occurrence.ends_at - origin).total_seconds() / 60)
    return occurrence.starts_at, start, end


# ---------------------------------------------------------------------------
# Labels: windows, zones and notice as people read them
# ---------------------------------------------------------------------------
def zone_label(zone: str) -> str:
    """How people say a zone: "America/New_York" reads "New York time"."""
    if "/" not in zone:
        return zone
    # Translators: a time zone named by its city, such as "New York time".
    return gettext("%(city)s time") % {"city": zone.rsplit("/", 1)[1].replace("_", " ")}


def _clock(value: time) -> str:
    return "24:00" if value == time.max else f"{value:%H:%M}"


def windows_label(windows: Iterable[Window], zone: str) -> str:
    """Such as "Mon 09:00–11:00, Wed 14:00–16:00 New York time"."""
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start))
    spans = ", ".join(
        f"{SHORT_WEEKDAYS[w.weekday]} {_clock(w.start)}–{_clock(w.end)}" for w in ordered
    )
    return f"{spans} {zone_label(zone)}"


def notice_label(notice: timedelta) -> str:
    """ "24 hours'", "1 hour's", "90 minutes'"."""
    minutes = round(notice.total_seconds() / 60)
    if minutes % 60:
        # Translators: how much notice, said before the word "notice": "90 minutes' notice".
        return ngettext("%(count)s minutes'", "%(count)s minutes'", minutes) % {"count": minutes}
    hours = minutes // 60
    # Translators: how much notice, said before the word "notice": "24 hours' notice".
    return ngettext("%(count)s hour's", "%(count)s hours'", hours) % {"count": hours}
