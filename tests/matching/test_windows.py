"""Contact windows as pure time rules: validation, daylight-saving changes, labels, totals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from matching.windows import (
    Window,
    notice_label,
    occurrences,
    validate_windows,
    wall_clock_instant,
    weekly_hours,
    windows_label,
    zone_label,
)

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
MONDAY_MORNING = Window(0, time(9), time(11))
UTC = ZoneInfo("UTC")
DAY = timedelta(hours=24)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _seen_from(viewer_zone: str, week_starting: date, *windows: Window):
    return occurrences(
        windows or (MONDAY_MORNING,),
        window_zone=NEW_YORK,
        viewer_zone=viewer_zone,
        week_starting=week_starting,
    )


# ---------------------------------------------------------------------------
# validate_windows
# ---------------------------------------------------------------------------
def test_validate_accepts_separate_windows():
    assert validate_windows([Window(0, time(9), time(10)), Window(0, time(14), time(16))]) == []


def test_validate_refuses_a_window_that_ends_before_it_starts():
    problems = validate_windows([Window(1, time(11), time(10))])
    assert len(problems) == 1
    assert "Tuesday 11:00–10:00" in problems[0]


def test_validate_refuses_a_window_that_ends_when_it_starts():
    problems = validate_windows([Window(2, time(10), time(10))])
    assert len(problems) == 1
    assert "Wednesday" in problems[0]


def test_validate_refuses_overlapping_windows_on_the_same_day():
    problems = validate_windows([Window(0, time(10), time(12)), Window(0, time(9), time(10, 30))])
    assert len(problems) == 1
    assert "Monday 09:00–10:30 and 10:00–12:00 overlap" in problems[0]


def test_validate_refuses_a_window_inside_another():
    assert validate_windows([Window(4, time(9), time(17)), Window(4, time(12), time(13))])


def test_validate_refuses_the_same_window_twice():
    assert validate_windows([MONDAY_MORNING, MONDAY_MORNING])


def test_validate_finds_an_overlap_hidden_behind_a_shorter_window():
    problems = validate_windows(
        [
            Window(0, time(9), time(12)),
            Window(0, time(9, 30), time(10)),
            Window(0, time(11), time(11, 30)),
        ]
    )
    assert problems
    assert all("Monday" in p for p in problems)


def test_validate_allows_touching_windows():
    assert validate_windows([Window(0, time(9), time(10)), Window(0, time(10), time(11))]) == []


def test_validate_allows_the_same_times_on_different_days():
    assert validate_windows([Window(0, time(9), time(11)), Window(1, time(9), time(11))]) == []


def test_validate_refuses_a_weekday_out_of_range():
    assert validate_windows([Window(7, time(9), time(10))])


def test_validate_reports_every_problem_with_its_day():
    problems = validate_windows(
        [
            Window(3, time(15), time(14)),
            Window(5, time(9), time(11)),
            Window(5, time(10), time(12)),
        ]
    )
    assert len(problems) == 2
    assert "Thursday" in problems[0]
    assert "Saturday" in problems[1]


# ---------------------------------------------------------------------------
# occurrences across daylight-saving changes
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("week_starting", "label"),
    [
        # Both zones on standard time: New York is six hours behind Berlin.
        (date(2026, 3, 2), "Monday 15:00–17:00"),
        # The US changed on 8 March, Europe changes on 29 March: five hours apart.
        (date(2026, 3, 16), "Monday 14:00–16:00"),
        # Both on summer time: six hours again.
        (date(2026, 4, 6), "Monday 15:00–17:00"),
    ],
)
def test_a_new_york_window_read_from_berlin_follows_both_dst_changes(week_starting, label):
    (occurrence,) = _seen_from(BERLIN, week_starting)
    assert occurrence.label() == label


@pytest.mark.parametrize("week_starting", [date(2026, 3, 2), date(2026, 3, 16), date(2026, 4, 6)])
def test_a_new_york_window_stays_at_nine_in_new_york(week_starting):
    (occurrence,) = _seen_from(BERLIN, week_starting)
    start = occurrence.starts_at.astimezone(ZoneInfo(NEW_YORK))
    end = occurrence.ends_at.astimezone(ZoneInfo(NEW_YORK))
    assert start.date() == week_starting
    assert (start.time(), end.time()) == (time(9), time(11))


def test_occurrence_instants_are_utc():
    (occurrence,) = _seen_from(BERLIN, date(2026, 3, 16))
    assert occurrence.starts_at.utcoffset().total_seconds() == 0
    assert occurrence.starts_at.hour == 13


def test_occurrences_find_the_windows_day_in_a_week_starting_midweek():
    (occurrence,) = _seen_from(BERLIN, date(2026, 3, 4), Window(4, time(9), time(10)))
    assert occurrence.starts_at.astimezone(ZoneInfo(NEW_YORK)).date() == date(2026, 3, 6)


def test_a_window_crossing_midnight_for_the_viewer_gets_a_two_day_label():
    (occurrence,) = _seen_from("Asia/Tokyo", date(2026, 3, 2))
    assert occurrence.label() == "Monday 23:00 – Tuesday 01:00"


def test_a_window_moved_wholly_to_the_next_day_shows_that_day():
    (occurrence,) = _seen_from("Asia/Tokyo", date(2026, 3, 2), Window(0, time(11), time(12)))
    assert occurrence.label() == "Tuesday 01:00–02:00"


def test_a_window_in_the_spring_forward_gap_starts_when_the_clock_resumes():
    # 2026-03-08 02:00 does not exist in New York; 02:00–04:00 is 03:00–04:00 that night.
    (occurrence,) = _seen_from(NEW_YORK, date(2026, 3, 2), Window(6, time(2), time(4)))
    assert occurrence.label() == "Sunday 03:00–04:00"
    assert (occurrence.ends_at - occurrence.starts_at).total_seconds() == 3600


def test_occurrences_are_sorted_by_start_in_the_viewers_week():
    found = _seen_from(
        BERLIN,
        date(2026, 3, 2),
        Window(2, time(9), time(10)),
        Window(0, time(14), time(15)),
        MONDAY_MORNING,
    )
    assert [o.label() for o in found] == [
        "Monday 15:00–17:00",
        "Monday 20:00–21:00",
        "Wednesday 15:00–16:00",
    ]


# ---------------------------------------------------------------------------
# weekly_hours
# ---------------------------------------------------------------------------
def test_weekly_hours_sums_the_windows():
    windows = [
        Window(0, time(9), time(11)),
        Window(0, time(13), time(13, 30)),
        Window(3, time(16, 15), time(17)),
    ]
    assert weekly_hours(windows) == pytest.approx(3.25)


def test_weekly_hours_of_no_windows_is_zero():
    assert weekly_hours([]) == 0


# ---------------------------------------------------------------------------
# labels and wall clocks
# ---------------------------------------------------------------------------
def test_labels():
    assert zone_label(NEW_YORK) == "New York time"
    assert zone_label("UTC") == "UTC"
    assert notice_label(DAY) == "24 hours'"
    assert notice_label(timedelta(hours=1)) == "1 hour's"
    assert notice_label(timedelta(minutes=90)) == "90 minutes'"
    assert windows_label([Window(2, time(14), time(16)), MONDAY_MORNING], NEW_YORK) == (
        "Mon 09:00–11:00, Wed 14:00–16:00 New York time"
    )
    assert windows_label([Window(4, time(22), time.max)], "UTC") == "Fri 22:00–24:00 UTC"


def test_wall_clock_instant_reads_a_berlin_date_and_time():
    assert wall_clock_instant(date(2026, 3, 2), time(15), BERLIN) == utc(2026, 3, 2, 14)
    assert wall_clock_instant(date(2026, 3, 30), time(15), BERLIN) == utc(2026, 3, 30, 13)


def test_wall_clock_instant_moves_a_skipped_time_forward():
    assert wall_clock_instant(date(2026, 3, 8), time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 30)
