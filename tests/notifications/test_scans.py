"""The reminder scans: when each kind fires and to whom, when it must not, once per period,
what is delivered, and a query count that grows with batches, not with rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import reminders as matching_reminders
from matching.models import Frequency, Mentorship, MentorshipRequest
from matching.reminders import relationship_ending_scan, request_pending_scan
from matching.services.requests import requests_expire_due
from meetings import reminders as meetings_reminders
from meetings.models import ActionItem, Advice, Agreement, Meeting
from meetings.reminders import action_items_due_scan, cadence_scan, report_back_scan
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import deliveries_send_due, timing
from programs.models import Program
from tests.matching.factories import (
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Berlin: outside quiet hours
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _pair(program: Program, *, away: bool = False, **values: object) -> Mentorship:
    away_until = TODAY + timedelta(days=10) if away else None
    mentor = mentor_in(program, away_until=away_until)
    return cast(Mentorship, MentorshipFactory(mentor=mentor, mentee=mentee_in(program), **values))


def _rows(kind: str) -> list[tuple[int, datetime]]:
    return sorted(Delivery.objects.filter(kind=kind).values_list("recipient_id", "due_at"))


def _recipients(kind: str) -> set[int]:
    return set(Delivery.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _delivered(user_id: int) -> Notification:
    deliveries_send_due(now=timezone.now())
    return Notification.objects.get(recipient_id=user_id, kind=Notification.Kind.REMINDER)


# ---------------------------------------------------------------------------
# Cadence nudge
# ---------------------------------------------------------------------------
def _agreed(mentorship: Mentorship, frequency: str = Frequency.WEEKLY, ago: int = 60) -> None:
    Agreement.objects.create(
        mentorship=mentorship,
        version=1,
        frequency=frequency,
        channel="https://meet.example.org/x",
        confirmed_at=NOW - timedelta(days=ago),
    )


def _meeting(mentorship: Mentorship, days: float, status: str = Meeting.Status.HELD) -> Meeting:
    starts = NOW + timedelta(days=days)
    return Meeting.objects.create(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(hours=1), status=status
    )


def test_cadence_nudges_both_once_the_last_meeting_is_older_than_the_agreed_frequency(program):
    pair = _pair(program)
    _agreed(pair, Frequency.WEEKLY)
    held = _meeting(pair, -10)
    assert cadence_scan() == 2
    due = held.starts_at + timedelta(days=7)
    assert _rows(Reminder.CADENCE) == sorted(
        [(pair.mentor.user_id, due), (pair.mentee.user_id, due)]
    )


@pytest.mark.parametrize(
    ("frequency", "days_ago", "fires"),
    [
        (Frequency.BIWEEKLY, 13, False),
        (Frequency.BIWEEKLY, 15, True),
        (Frequency.MONTHLY, 29, False),
        (Frequency.MONTHLY, 31, True),
        (Frequency.QUARTERLY, 90, False),
        (Frequency.QUARTERLY, 92, True),
        (Frequency.TWICE_A_YEAR, 181, False),
        (Frequency.TWICE_A_YEAR, 183, True),
    ],
)
def test_cadence_follows_the_agreed_frequency(program, frequency, days_ago, fires):
    pair = _pair(program)
    _agreed(pair, frequency, ago=300)
    _meeting(pair, -days_ago)
    assert (cadence_scan() == 2) is fires


def test_cadence_counts_from_the_agreement_when_they_never_met(program):
    pair = _pair(program)
    _agreed(pair, Frequency.MONTHLY, ago=40)
    assert cadence_scan() == 2
    assert Delivery.objects.first().due_at == NOW - timedelta(days=10)


def test_cadence_repeats_once_per_missed_cycle(program, _frozen):
    pair = _pair(program)
    _agreed(pair, Frequency.WEEKLY)
    _meeting(pair, -8)
    cadence_scan()
    cadence_scan()
    assert Delivery.objects.filter(recipient=pair.mentee.user).count() == 1
    _frozen.shift(timedelta(days=3))
    cadence_scan()
    assert Delivery.objects.filter(recipient=pair.mentee.user).count() == 1
    _frozen.shift(timedelta(days=4))  # 15 days: the second cycle is missed too
    cadence_scan()
    assert Delivery.objects.filter(recipient=pair.mentee.user).count() == 2


@pytest.mark.parametrize("status", [Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED])
def test_no_cadence_nudge_when_a_meeting_is_coming_up(program, status):
    pair = _pair(program)
    _agreed(pair)
    _meeting(pair, -10)
    _meeting(pair, 2, status=status)
    assert cadence_scan() == 0


def test_a_cancelled_future_meeting_does_not_stop_the_nudge(program):
    pair = _pair(program)
    _agreed(pair)
    _meeting(pair, -10)
    _meeting(pair, 2, status=Meeting.Status.CANCELLED)
    assert cadence_scan() == 2


def test_no_cadence_nudge_without_a_confirmed_agreement(program):
    pair = _pair(program)
    Agreement.objects.create(mentorship=pair, version=1, frequency=Frequency.WEEKLY, channel="x")
    _meeting(pair, -30)
    assert cadence_scan() == 0


@pytest.mark.parametrize("status", [Mentorship.Status.PAUSED, Mentorship.Status.ENDED])
def test_no_cadence_nudge_for_a_paused_or_ended_mentorship(program, status):
    pair = _pair(program, status=status)
    _agreed(pair)
    _meeting(pair, -30)
    assert cadence_scan() == 0


def test_an_away_mentor_gets_no_cadence_nudge_the_mentee_does(program):
    pair = _pair(program, away=True)
    _agreed(pair)
    _meeting(pair, -10)
    assert cadence_scan() == 1
    assert _recipients(Reminder.CADENCE) == {pair.mentee.user_id}


def test_the_cadence_nudge_is_delivered(program):
    pair = _pair(program)
    _agreed(pair)
    _meeting(pair, -10)
    cadence_scan()
    notification = _delivered(pair.mentee.user_id)
    assert notification.title == f"Time to meet {pair.mentor.user.get_full_name()} again"
    assert notification.link == reverse("matching:mentorship", kwargs={"pk": pair.pk})
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


# ---------------------------------------------------------------------------
# Action item due
# ---------------------------------------------------------------------------
def _action(pair: Mentorship, due_in: int, owner: str = "mentee", **values: object) -> ActionItem:
    person = pair.mentee if owner == "mentee" else pair.mentor
    return ActionItem.objects.create(
        mentorship=pair,
        owner=person.user,
        text="Send the draft CV",
        due_on=TODAY + timedelta(days=due_in),
        **values,
    )


def test_an_action_item_due_tomorrow_reminds_its_owner_only(program):
    pair = _pair(program)
    _action(pair, 1)
    assert action_items_due_scan() == 1
    assert _rows(Reminder.ACTION_DUE) == [(pair.mentee.user_id, NOW)]


def test_an_action_item_due_later_waits(program):
    pair = _pair(program)
    _action(pair, 3)
    assert action_items_due_scan() == 0


def test_a_done_action_item_gets_no_reminder(program):
    pair = _pair(program)
    _action(pair, 1, done_at=NOW - timedelta(hours=1))
    assert action_items_due_scan() == 0


def test_an_action_item_in_a_paused_mentorship_gets_no_reminder(program):
    pair = _pair(program, status=Mentorship.Status.PAUSED)
    _action(pair, 1)
    assert action_items_due_scan() == 0


def test_an_away_mentor_gets_no_action_item_reminder(program):
    pair = _pair(program, away=True)
    _action(pair, 1, owner="mentor")
    assert action_items_due_scan() == 0


def test_the_action_item_reminder_is_written_once_and_delivered(program):
    pair = _pair(program)
    _action(pair, 1)
    action_items_due_scan()
    action_items_due_scan()
    assert Delivery.objects.count() == 1
    assert _delivered(pair.mentee.user_id).title == "Due tomorrow: Send the draft CV"


# ---------------------------------------------------------------------------
# Report back on advice
# ---------------------------------------------------------------------------
def _advice(pair: Mentorship, days_ago: int, **values: object) -> Advice:
    advice = Advice.objects.create(
        mentorship=pair, recorded_by=pair.mentor.user, text="Ask for the stretch project", **values
    )
    Advice.objects.filter(pk=advice.pk).update(created_at=NOW - timedelta(days=days_ago))
    return advice


def test_advice_without_an_outcome_asks_the_mentee_to_report_back(program):
    pair = _pair(program)
    _advice(pair, 15)
    assert report_back_scan() == 1
    due = NOW - timedelta(days=15) + timing("report_back_after")
    assert _rows(Reminder.REPORT_BACK) == [(pair.mentee.user_id, due)]


def test_recent_advice_is_not_chased_yet(program):
    pair = _pair(program)
    _advice(pair, 10)
    assert report_back_scan() == 0


def test_advice_with_an_outcome_is_not_chased(program):
    pair = _pair(program)
    _advice(pair, 15, outcome=Advice.Outcome.ACTED)
    assert report_back_scan() == 0


def test_advice_in_an_ended_mentorship_is_not_chased(program):
    pair = _pair(program, status=Mentorship.Status.ENDED)
    _advice(pair, 15)
    assert report_back_scan() == 0


def test_the_report_back_nudge_is_written_once_and_delivered(program):
    pair = _pair(program)
    _advice(pair, 15)
    report_back_scan()
    report_back_scan()
    assert Delivery.objects.count() == 1
    notification = _delivered(pair.mentee.user_id)
    assert notification.title.startswith("What did you do with")
    assert "Ask for the stretch project" in notification.body


# ---------------------------------------------------------------------------
# Request pending and request expired
# ---------------------------------------------------------------------------
def _request(
    program: Program, days_ago: float, away: bool = False, **values: object
) -> MentorshipRequest:
    away_until = TODAY + timedelta(days=10) if away else None
    request = cast(
        MentorshipRequest,
        MentorshipRequestFactory(
            mentor=mentor_in(program, away_until=away_until), mentee=mentee_in(program), **values
        ),
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=NOW - timedelta(days=days_ago)
    )
    request.refresh_from_db()
    return request


def test_a_request_waiting_for_days_nudges_the_mentor(program):
    request = _request(program, 4)
    assert request_pending_scan() == 1
    due = request.created_at + timing("request_pending_after")
    assert _rows(Reminder.REQUEST_PENDING) == [(request.mentor.user_id, due)]


def test_a_fresh_request_is_not_nudged(program):
    _request(program, 1)
    assert request_pending_scan() == 0


def test_a_request_waiting_on_the_mentee_does_not_nudge_the_mentor(program):
    _request(program, 4, waiting_on=MentorshipRequest.WaitingOn.MENTEE)
    assert request_pending_scan() == 0


@pytest.mark.parametrize(
    "status", [MentorshipRequest.Status.DECLINED, MentorshipRequest.Status.WITHDRAWN]
)
def test_an_answered_request_is_not_nudged(program, status):
    _request(program, 4, status=status)
    assert request_pending_scan() == 0


def test_an_away_mentor_is_not_nudged_about_a_request(program):
    _request(program, 4, away=True)
    assert request_pending_scan() == 0


def test_the_request_nudge_is_written_once_and_delivered(program):
    request = _request(program, 4)
    request_pending_scan()
    request_pending_scan()
    assert Delivery.objects.count() == 1
    notification = _delivered(request.mentor.user_id)
    assert notification.title == f"{request.mentee.user.get_full_name()} is waiting for your answer"
    assert notification.link == reverse("matching:request", kwargs={"pk": request.pk})


def test_an_expired_request_tells_the_mentee_once_with_the_directory(program):
    request = _request(program, 14, expires_at=NOW - timedelta(minutes=1))
    requests_expire_due()
    requests_expire_due()
    assert _rows(Reminder.REQUEST_EXPIRED) == [(request.mentee.user_id, NOW)]
    notification = _delivered(request.mentee.user_id)
    assert notification.link == reverse("matching:directory", kwargs={"slug": program.slug})
    assert not Notification.objects.filter(recipient=request.mentor.user).exists()


def test_an_expired_request_gets_no_pending_nudge(program):
    _request(program, 14, expires_at=NOW - timedelta(minutes=1))
    assert request_pending_scan() == 0


# ---------------------------------------------------------------------------
# Relationship ending
# ---------------------------------------------------------------------------
def test_both_people_hear_two_weeks_before_the_end_date(program):
    pair = _pair(program, ends_on=TODAY + timedelta(days=14))
    assert relationship_ending_scan() == 2
    assert _recipients(Reminder.ENDING) == {pair.mentor.user_id, pair.mentee.user_id}


def test_an_end_date_further_away_waits(program):
    _pair(program, ends_on=TODAY + timedelta(days=15))
    assert relationship_ending_scan() == 0


@pytest.mark.parametrize("status", [Mentorship.Status.PAUSED, Mentorship.Status.COMPLETED])
def test_a_paused_or_finished_mentorship_gets_no_ending_reminder(program, status):
    _pair(program, ends_on=TODAY + timedelta(days=10), status=status)
    assert relationship_ending_scan() == 0


def test_an_away_mentor_gets_no_ending_reminder(program):
    pair = _pair(program, away=True, ends_on=TODAY + timedelta(days=10))
    assert relationship_ending_scan() == 1
    assert _recipients(Reminder.ENDING) == {pair.mentee.user_id}


def test_the_ending_reminder_is_written_once_and_a_moved_date_is_a_new_one(program):
    pair = _pair(program, ends_on=TODAY + timedelta(days=10))
    relationship_ending_scan()
    relationship_ending_scan()
    assert Delivery.objects.count() == 2
    Mentorship.objects.filter(pk=pair.pk).update(ends_on=TODAY + timedelta(days=12))
    relationship_ending_scan()
    assert Delivery.objects.count() == 4


def test_the_ending_reminder_is_delivered(program):
    pair = _pair(program, ends_on=TODAY + timedelta(days=10))
    relationship_ending_scan()
    notification = _delivered(pair.mentor.user_id)
    assert notification.title == (
        f"Your mentorship with {pair.mentee.user.get_full_name()} ends on 04 Dec 2026"
    )


# ---------------------------------------------------------------------------
# Queries grow with batches, not rows
# ---------------------------------------------------------------------------
def _due_everywhere(program: Program, n: int) -> None:
    for _ in range(n):
        pair = _pair(program, ends_on=TODAY + timedelta(days=10))
        _agreed(pair)
        _meeting(pair, -10)
        _action(pair, 1)
        _advice(pair, 15)


SCANS: list[tuple[object, Callable[..., int]]] = [
    (meetings_reminders, cadence_scan),
    (meetings_reminders, action_items_due_scan),
    (meetings_reminders, report_back_scan),
    (matching_reminders, relationship_ending_scan),
]


def _queries(scan: Callable[..., int]) -> tuple[int, int]:
    """(reads, writes) of one scan over rows not yet in the ledger."""
    Delivery.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        assert scan() > 0
    sql = [q["sql"] for q in captured.captured_queries]
    writes = sum(1 for q in sql if q.startswith("INSERT"))
    return len(sql) - writes, writes


@pytest.mark.parametrize(("module", "scan"), SCANS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_scan_runs_a_fixed_number_of_queries_per_batch(program, monkeypatch, module, scan):
    monkeypatch.setattr(module, "BATCH", 100)
    _due_everywhere(program, 10)
    reads_10, writes_10 = _queries(scan)  # one batch, then the empty read that ends the scan
    _due_everywhere(program, 90)
    reads_100, writes_100 = _queries(scan)  # one full batch
    _due_everywhere(program, 200)
    reads_300, writes_300 = _queries(scan)  # three full batches
    # Reads: the batch, its away mentors and its recipients' languages (the ledger's text is
    # written in each one's), per batch, plus the read that finds no more.
    assert reads_10 == reads_100 <= 3
    assert reads_300 == reads_100 + 2 * (reads_100 - 1)
    # Writes: one insert per batch (SQLite splits a long insert by its variable limit, so
    # compare full batches: three cost three times one).
    assert writes_10 == 1
    assert writes_300 == 3 * writes_100
    if connection.vendor == "postgresql":
        assert writes_100 == 1


def test_the_send_due_reminders_command_runs_every_scan(program, admin_user):
    from io import StringIO

    from django.core.management import call_command

    _pair(program, ends_on=TODAY + timedelta(days=10))
    _request(program, 4)
    out = StringIO()
    call_command("send_due_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "sent: 4"  # two ending reminders, one request nudge, one digest
    assert {line.split(" ")[0] for line in lines[:-1]} == {
        Reminder.ENDING,
        Reminder.REQUEST_PENDING,
        Reminder.ADMIN_DIGEST,
    }


# ---------------------------------------------------------------------------
# Timings live in settings (REMINDER_TIMINGS, hours), read at each scan
# ---------------------------------------------------------------------------
def _timings(**hours: float) -> Any:
    from django.conf import settings
    from django.test import override_settings

    return override_settings(REMINDER_TIMINGS={**settings.REMINDER_TIMINGS, **hours})


def test_every_timing_is_in_hours_from_settings():
    from django.conf import settings

    for name, hours in settings.REMINDER_TIMING_DEFAULTS.items():
        assert timing(name) == timedelta(hours=hours)
    with _timings(meeting_before=48):
        assert timing("meeting_before") == timedelta(days=2)


def test_a_longer_pending_time_in_settings_holds_the_request_nudge_back(program):
    _request(program, 4)
    with _timings(request_pending_after=5 * 24):
        assert request_pending_scan() == 0
    assert request_pending_scan() == 1


def test_a_shorter_ending_notice_in_settings_holds_the_ending_reminder_back(program):
    _pair(program, ends_on=TODAY + timedelta(days=10))
    with _timings(ending_before=7 * 24):
        assert relationship_ending_scan() == 0
    assert relationship_ending_scan() == 2


def test_a_longer_report_back_time_in_settings_holds_the_nudge_back(program):
    _advice(_pair(program), 15)
    with _timings(report_back_after=20 * 24):
        assert report_back_scan() == 0
    assert report_back_scan() == 1


def test_an_earlier_action_item_reminder_in_settings_fires_sooner(program):
    pair = _pair(program)
    ActionItem.objects.create(
        mentorship=pair,
        owner=pair.mentee.user,
        text="Draft the plan",
        due_on=TODAY + timedelta(days=3),
    )
    assert action_items_due_scan() == 0
    with _timings(action_due_before=3 * 24):
        assert action_items_due_scan() == 1
