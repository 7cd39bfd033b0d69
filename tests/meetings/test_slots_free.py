"""Free slots and refusals as pure rules: windows, notice, busy times, daylight-saving changes,
and a mentee who reads them in another zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from matching.windows import Window
from meetings.slots import (
    date_refusal,
    format_slot,
    free_slots,
    slot_refusal,
    start_refusal,
)

UTC = ZoneInfo("UTC")
NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
MONDAY_MORNING = Window(0, time(9), time(11))
HALF_HOUR = timedelta(minutes=30)
DAY = timedelta(hours=24)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def slots(windows=(MONDAY_MORNING,), *, now, notice=DAY, busy=(), duration=HALF_HOUR, **kw):
    return free_slots(
        windows,
        window_zone=kw.pop("zone", NEW_YORK),
        duration=duration,
        minimum_notice=notice,
        busy=busy,
        now=now,
        **kw,
    )


def refusal(start, minutes=30, *, now, windows=(MONDAY_MORNING,), notice=DAY, busy=(), **kw):
    return slot_refusal(
        start,
        start + timedelta(minutes=minutes),
        windows=list(windows),
        window_zone=NEW_YORK,
        minimum_notice=notice,
        busy=busy,
        now=now,
        mentor_name="Dana",
        **kw,
    )


def berlin(starts: list[datetime]) -> list[str]:
    return [format_slot(s, BERLIN) for s in starts]


# ---------------------------------------------------------------------------
# free_slots
# ---------------------------------------------------------------------------
def test_slots_lie_inside_the_window_in_half_hour_steps():
    found = slots(now=utc(2026, 2, 22, 12), days=7)  # Sunday; next Monday is 23 Feb (EST)
    assert found == [utc(2026, 2, 23, 14), utc(2026, 2, 23, 14, 30)] + [
        utc(2026, 2, 23, 15),
        utc(2026, 2, 23, 15, 30),
    ]


def test_a_longer_meeting_must_end_inside_the_window():
    found = slots(now=utc(2026, 2, 22, 12), days=7, duration=timedelta(hours=1))
    assert found == [utc(2026, 2, 23, 14), utc(2026, 2, 23, 14, 30), utc(2026, 2, 23, 15)]


def test_slots_are_utc_instants_and_aware():
    found = slots(now=utc(2026, 2, 22, 12), days=7)
    assert all(s.utcoffset() == timedelta(0) for s in found)


def test_new_york_mentor_seen_from_berlin_across_the_us_change_on_8_march():
    found = slots(now=utc(2026, 3, 1, 12), days=14)
    # 9:00 New York is 15:00 in Berlin on 2 March (EST) but 14:00 on 9 March (EDT, Berlin still CET).
    assert berlin(found) == [
        "Mon 2 Mar 15:00",
        "Mon 2 Mar 15:30",
        "Mon 2 Mar 16:00",
        "Mon 2 Mar 16:30",
        "Mon 9 Mar 14:00",
        "Mon 9 Mar 14:30",
        "Mon 9 Mar 15:00",
        "Mon 9 Mar 15:30",
    ]
    assert [format_slot(s, NEW_YORK) for s in found][::4] == ["Mon 2 Mar 09:00", "Mon 9 Mar 09:00"]


def test_new_york_mentor_seen_from_berlin_across_the_eu_change_on_29_march():
    found = slots(now=utc(2026, 3, 22, 12), days=14)
    # Both zones on summer time again from 29 March: the gap is back to six hours.
    assert berlin(found)[0] == "Mon 23 Mar 14:00"
    assert berlin(found)[4] == "Mon 30 Mar 15:00"
    assert found[4] == utc(2026, 3, 30, 13)


def test_the_spring_forward_gap_offers_only_the_hours_that_exist():
    night = Window(6, time(1), time(4))  # Sunday 01:00–04:00; on 8 March 02:00–03:00 is skipped
    found = slots((night,), now=utc(2026, 3, 1, 12), days=7, notice=timedelta(0))
    assert [format_slot(s, NEW_YORK) for s in found] == [
        "Sun 8 Mar 01:00",
        "Sun 8 Mar 01:30",
        "Sun 8 Mar 03:00",
        "Sun 8 Mar 03:30",
    ]
    assert found == [
        utc(2026, 3, 8, 6),
        utc(2026, 3, 8, 6, 30),
        utc(2026, 3, 8, 7),
        utc(2026, 3, 8, 7, 30),
    ]


def test_a_window_starting_inside_the_gap_starts_when_the_clocks_resume():
    found = slots(
        (Window(6, time(2, 30), time(4)),), now=utc(2026, 3, 1, 12), days=7, notice=timedelta(0)
    )
    assert [format_slot(s, NEW_YORK) for s in found] == ["Sun 8 Mar 03:30"]


def test_the_fall_back_night_offers_the_repeated_hour_twice():
    found = slots(
        (Window(6, time(1), time(2)),), now=utc(2026, 10, 25, 12), days=7, notice=timedelta(0)
    )
    # 1 November: 01:00–02:00 happens in EDT and again in EST, two real hours.
    assert found == [
        utc(2026, 11, 1, 5),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 1, 6),
        utc(2026, 11, 1, 6, 30),
    ]


def test_slots_respect_the_minimum_notice():
    found = slots(now=utc(2026, 3, 2, 13), notice=timedelta(hours=2), days=1)
    assert found == [utc(2026, 3, 2, 15), utc(2026, 3, 2, 15, 30)]


def test_no_slot_inside_the_notice_even_the_same_day():
    assert slots(now=utc(2026, 3, 2, 13), notice=DAY, days=1) == []


def test_busy_times_remove_overlapping_slots_but_not_touching_ones():
    busy = [(utc(2026, 3, 2, 14, 30), utc(2026, 3, 2, 15, 15))]
    found = slots(now=utc(2026, 3, 1, 12), busy=busy, days=2)
    assert found == [utc(2026, 3, 2, 14), utc(2026, 3, 2, 15, 30)]


def test_slots_stop_at_the_horizon():
    found = slots(now=utc(2026, 3, 1, 12), days=7)
    assert found and all(s < utc(2026, 3, 8, 12) for s in found)


def test_an_away_mentor_has_no_slots_before_their_return():
    found = slots(now=utc(2026, 3, 1, 12), days=14, away_until=date(2026, 3, 5))
    assert found and all(s >= utc(2026, 3, 9) for s in found)


def test_an_away_mentor_has_no_slots_at_all_while_away_for_longer_than_the_horizon():
    assert slots(now=utc(2026, 3, 1, 12), days=14, away_until=date(2026, 4, 1)) == []


def test_an_evening_window_falls_on_the_next_day_for_a_berlin_mentee():
    friday_evening = Window(4, time(20), time(21))
    found = slots((friday_evening,), now=utc(2026, 3, 1, 12), days=7)
    assert berlin(found) == ["Sat 7 Mar 02:00", "Sat 7 Mar 02:30"]
    assert [format_slot(s, "Asia/Tokyo") for s in found] == ["Sat 7 Mar 10:00", "Sat 7 Mar 10:30"]


def test_windows_in_several_days_and_overlaps_give_each_start_once():
    windows = (MONDAY_MORNING, Window(2, time(14), time(15)))
    found = slots(windows, now=utc(2026, 2, 22, 12), days=7)
    assert len(found) == len(set(found)) == 6
    assert found == sorted(found)


# ---------------------------------------------------------------------------
# slot_refusal
# ---------------------------------------------------------------------------
NOW = utc(2026, 3, 1, 12)


def test_a_fitting_time_is_not_refused():
    assert refusal(utc(2026, 3, 2, 14), now=NOW) is None


def test_a_time_outside_the_windows_names_them_in_the_mentors_zone():
    message = refusal(utc(2026, 3, 2, 17), now=NOW)
    assert message == (
        "That time is outside Dana's contact windows (Mon 09:00–11:00 New York time)."
    )


def test_a_meeting_that_runs_past_the_window_end_is_refused():
    assert "outside Dana's contact windows" in refusal(utc(2026, 3, 2, 15, 45), now=NOW)


def test_the_window_is_read_on_the_date_in_the_mentors_zone_after_the_us_change():
    # 14:00 UTC on 9 March is 10:00 EDT (inside); 13:00 UTC on 2 March is 08:00 EST (outside).
    assert refusal(utc(2026, 3, 9, 14), now=NOW) is None
    assert refusal(utc(2026, 3, 2, 13), now=NOW) is not None


def test_too_little_notice_is_refused_naming_the_notice():
    message = refusal(utc(2026, 3, 2, 14), now=utc(2026, 3, 2, 0))
    assert message == "Meetings with Dana need 24 hours' notice."


def test_a_past_time_without_notice_rules_is_in_the_past():
    message = refusal(utc(2026, 3, 2, 14), now=utc(2026, 3, 2, 15), notice=timedelta(0))
    assert message == "That time is in the past."


def test_a_clash_is_refused():
    busy = [(utc(2026, 3, 2, 14, 15), utc(2026, 3, 2, 14, 45))]
    assert refusal(utc(2026, 3, 2, 14), now=NOW, busy=busy) == (
        "That time clashes with another meeting."
    )


def test_a_mentor_without_windows_is_refused():
    assert refusal(utc(2026, 3, 2, 14), now=NOW, windows=()) == (
        "Dana has not set any contact windows yet."
    )


def test_an_away_mentor_is_refused_with_the_return_date():
    message = refusal(utc(2026, 3, 2, 14), now=NOW, away_until=date(2026, 3, 5))
    assert message == "Dana is away until 5 March 2026."


# ---------------------------------------------------------------------------
# How far ahead a meeting can be
# ---------------------------------------------------------------------------
SUNDAY_1_MARCH = date(2026, 3, 1)
OUT_OF_RANGE = "Choose a date between 1 March 2026 and 29 February 2028."


def test_a_meeting_date_runs_from_today_to_two_years_ahead():
    assert date_refusal(SUNDAY_1_MARCH, today=SUNDAY_1_MARCH) is None
    assert date_refusal(date(2028, 2, 29), today=SUNDAY_1_MARCH) is None
    assert date_refusal(date(2028, 3, 1), today=SUNDAY_1_MARCH) == OUT_OF_RANGE
    assert date_refusal(date(2026, 2, 28), today=SUNDAY_1_MARCH) == OUT_OF_RANGE


def test_a_start_is_dated_in_the_zone_of_whoever_picks_it():
    # Noon UTC on 1 March is already 2 March in Kiritimati (UTC+14): its range is a day later.
    now, zone = utc(2026, 3, 1, 12), "Pacific/Kiritimati"
    assert start_refusal(utc(2026, 3, 1, 11), now=now, zone=zone) is None  # 2 March 01:00 there
    assert start_refusal(utc(2028, 3, 1, 9), now=now, zone=zone) is None  # 23:00 there
    assert start_refusal(utc(2028, 3, 1, 10), now=now, zone=zone) == (
        "Choose a date between 2 March 2026 and 1 March 2028."
    )


@pytest.mark.parametrize(
    "start",
    [
        datetime.min.replace(tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(1, 1, 2, 9, tzinfo=timezone(-timedelta(hours=12))),
        datetime(9999, 12, 31, 12, tzinfo=UTC),
        datetime.max.replace(tzinfo=timezone(-timedelta(hours=23, minutes=59))),
    ],
)
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_the_first_and_last_days_of_the_calendar_are_refused_not_a_crash(start, zone):
    message = start_refusal(start, now=utc(2026, 3, 1, 12), zone=zone)
    assert message is not None and message.startswith("Choose a date between")
