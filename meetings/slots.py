"""Pure time rules for contact windows: no ORM, plain values in and out.

Windows are weekly wall-clock times in the mentor's zone. To show one to somebody in another
zone, take its next real occurrence (a date), place it in the mentor's zone, and convert the
instant: the offset between two zones depends on the date, because they change to and from
daylight-saving time on different days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matching.score import MINUTES_PER_WEEK

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
            problems.append(f"{w.weekday} is not a weekday (0 is Monday, 6 is Sunday).")
        elif w.start >= w.end:
            problems.append(
                f"{WEEKDAYS[w.weekday]} {w.start:%H:%M}–{w.end:%H:%M}: the start must be before the end."
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
                    f"{WEEKDAYS[day]} {earlier.start:%H:%M}–{earlier.end:%H:%M} and "
                    f"{later.start:%H:%M}–{later.end:%H:%M} overlap; merge them or move one."
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
    origin = datetime.combine(monday, time.min, tzinfo=ZoneInfo("UTC"))
    intervals = []
    for occurrence in occurrences(
        windows, window_zone=zone, viewer_zone="UTC", week_starting=monday
    ):
        start = round((occurrence.starts_at - origin).total_seconds() / 60)
        end = round((occurrence.ends_at - origin).total_seconds() / 60)
        if end > start:
            start_in_week = start % MINUTES_PER_WEEK
            intervals.append((start_in_week, start_in_week + end - start))
    return tuple(intervals)


# ---------------------------------------------------------------------------
# Free slots and refusals, for scheduling meetings
# ---------------------------------------------------------------------------
UTC = ZoneInfo("UTC")
SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Interval = tuple[datetime, datetime]

# Two years ahead holds any plan a pair makes, and keeps every time the rules below step
# through (a day either side, a zone's offset, the length) far from the first and last days
# of the calendar, where datetime arithmetic overflows.
DAYS_AHEAD = 2 * 365


def date_refusal(day: date, *, today: date) -> str | None:
    """Refuse a meeting date before ``today`` or more than DAYS_AHEAD days after it."""
    last = today + timedelta(days=DAYS_AHEAD)
    if today <= day <= last:
        return None
    return f"Choose a date between {today.day} {today:%B %Y} and {last.day} {last:%B %Y}."


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


def _window_intervals(
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
    for window_start, window_end in _window_intervals(windows, zone, first, last):
        start = window_start
        while start + duration <= window_end:
            if earliest <= start < horizon and not _clashes(start, start + duration, busy):
                slots.add(start)
            start += step
    return sorted(slots)


def zone_label(zone: str) -> str:
    """How people say a zone: "America/New_York" reads "New York time"."""
    if "/" not in zone:
        return zone
    return f"{zone.rsplit('/', 1)[1].replace('_', ' ')} time"


def _clock(value: time) -> str:
    return "24:00" if value == time.max else f"{value:%H:%M}"


def windows_label(windows: Iterable[Window], zone: str) -> str:
    """Such as "Mon 09:00–11:00, Wed 14:00–16:00 New York time"."""
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start))
    spans = ", ".join(
        f"{SHORT_WEEKDAYS[w.weekday]} {_clock(w.start)}–{_clock(w.end)}" for w in ordered
    )
    return f"{spans} {zone_label(zone)}"


def format_slot(start: datetime, zone: str) -> str:
    """A start as somebody in ``zone`` reads it, such as "Mon 9 Mar 15:00"."""
    local = start.astimezone(ZoneInfo(zone))
    return f"{SHORT_WEEKDAYS[local.weekday()]} {local.day} {local:%b} {local:%H:%M}"


def notice_label(notice: timedelta) -> str:
    """ "24 hours'", "1 hour's", "90 minutes'"."""
    minutes = round(notice.total_seconds() / 60)
    if minutes % 60:
        return f"{minutes} minutes'"
    hours = minutes // 60
    return "1 hour's" if hours == 1 else f"{hours} hours'"


def slot_refusal(
    start: datetime,
    end: datetime,
    *,
    windows: Sequence[Window],
    window_zone: str,
    minimum_notice: timedelta,
    busy: Iterable[Interval],
    now: datetime,
    mentor_name: str = "the mentor",
    away_until: date | None = None,
) -> str | None:
    """Which rule a meeting from ``start`` to ``end`` breaks, as a sentence; None if it fits."""
    zone = ZoneInfo(window_zone)
    local_date = start.astimezone(zone).date()
    if away_until is not None and local_date < away_until:
        return f"{mentor_name} is away until {away_until.day} {away_until:%B %Y}."
    if not windows:
        return f"{mentor_name} has not set any contact windows yet."
    fits = any(
        window_start <= start and end <= window_end
        for window_start, window_end in _window_intervals(windows, zone, local_date, local_date)
    )
    if not fits:
        return (
            f"That time is outside {mentor_name}'s contact windows "
            f"({windows_label(windows, window_zone)})."
        )
    if start < now + minimum_notice:
        if minimum_notice <= timedelta(0):
            return "That time is in the past."
        return f"Meetings with {mentor_name} need {notice_label(minimum_notice)} notice."
    if _clashes(start, end, busy):
        return "That time clashes with another meeting."
    return None
