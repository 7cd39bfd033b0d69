"""Unanswered requests expire: once each, with a record and a word to the mentee."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, StateChange
from matching.services import requests as requests_module
from matching.services.requests import request_create, request_expire_one_due, requests_expire_due
from matching.tasks import expire_requests
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import deliveries_send_due
from programs.models import Participant, Program
from tests.goals.factories import GoalFactory
from tests.helpers import race
from tests.matching.factories import MentorshipRequestFactory, mentee_in, mentor_in
from tests.programs.factories import TopicFactory

Status = MentorshipRequest.Status
NOON_UTC = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _overdue(program: Program, minutes: int = 5, **values: object) -> MentorshipRequest:
    return MentorshipRequestFactory(
        mentor=mentor_in(program),
        mentee=mentee_in(program),
        expires_at=timezone.now() - timedelta(minutes=minutes),
        **values,
    )


def _expiry_notices(request: MentorshipRequest) -> int:
    """The notice goes through the ledger: one row per request, whatever runs twice."""
    return Delivery.objects.filter(
        recipient=request.mentee.user,
        kind=Reminder.REQUEST_EXPIRED,
        title__contains="expired without an answer",
    ).count()


def test_an_overdue_request_expires(program):
    request = _overdue(program)
    assert request_expire_one_due() is True
    request.refresh_from_db()
    assert request.status == Status.EXPIRED
    assert request.closed_at is not None


def test_expiry_records_the_change_without_an_actor(program):
    request = _overdue(program)
    request_expire_one_due()
    change = StateChange.objects.get(request=request)
    assert (change.from_status, change.to_status, change.actor) == ("pending", "expired", None)


def test_expiry_schedules_a_notice_to_the_mentee_pointing_to_the_directory(program):
    request = _overdue(program)
    request_expire_one_due()
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.kind) == (request.mentee.user, Reminder.REQUEST_EXPIRED)
    assert delivery.title == (
        f"Your request to {request.mentor.user.get_full_name()} expired without an answer"
    )
    assert delivery.link == reverse("matching:directory", kwargs={"slug": program.slug})
    assert not Notification.objects.exists()  # nothing sent yet: delivery is separate


def test_the_expiry_notice_is_delivered_to_the_mentee_only(program):
    with time_machine.travel(NOON_UTC, tick=False):
        request = _overdue(program)
        request_expire_one_due()
        deliveries_send_due()
    notification = Notification.objects.get(recipient=request.mentee.user)
    assert notification.kind == Notification.Kind.REMINDER
    assert notification.title == (
        f"Your request to {request.mentor.user.get_full_name()} expired without an answer"
    )
    assert notification.link == reverse("matching:directory", kwargs={"slug": program.slug})
    assert not Notification.objects.filter(recipient=request.mentor.user).exists()
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_nothing_due_returns_false(program):
    assert request_expire_one_due() is False


def test_running_the_scan_twice_expires_each_request_once(program):
    requests = [_overdue(program) for _ in range(3)]
    assert requests_expire_due() == 3
    assert requests_expire_due() == 0
    assert [_expiry_notices(r) for r in requests] == [1, 1, 1]
    assert StateChange.objects.filter(to_status="expired").count() == 3


def test_a_request_not_yet_due_is_untouched(program):
    later = MentorshipRequestFactory(
        mentor=mentor_in(program),
        mentee=mentee_in(program),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert requests_expire_due() == 0
    later.refresh_from_db()
    assert later.status == Status.PENDING
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("status", [Status.DECLINED, Status.ACCEPTED, Status.WITHDRAWN])
def test_a_request_that_is_no_longer_pending_is_untouched(program, status):
    answered = _overdue(program, status=status)
    assert requests_expire_due() == 0
    answered.refresh_from_db()
    assert answered.status == status
    assert not StateChange.objects.exists()
    assert not Delivery.objects.exists()


def test_only_the_overdue_request_expires_among_others(program):
    due = _overdue(program)
    later = MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_in(program))
    assert requests_expire_due() == 1
    assert list(MentorshipRequest.objects.filter(status=Status.EXPIRED)) == [due]
    later.refresh_from_db()
    assert later.status == Status.PENDING


def test_the_scan_stops_at_its_limit(program):
    for _ in range(3):
        _overdue(program)
    assert requests_expire_due(limit=2) == 2
    assert MentorshipRequest.objects.filter(status=Status.PENDING).count() == 1


def test_a_request_that_fails_to_expire_does_not_block_the_others(program, monkeypatch):
    bad = _overdue(program, minutes=10)
    good = _overdue(program, minutes=5)
    real_schedule = requests_module.request_expired_schedule

    def schedule(*, request, now):
        if request.mentee.user == bad.mentee.user:
            raise RuntimeError("notifications are down for this person")
        return real_schedule(request=request, now=now)

    monkeypatch.setattr(requests_module, "request_expired_schedule", schedule)
    for _ in range(2):
        with contextlib.suppress(RuntimeError):
            requests_expire_due()
    good.refresh_from_db()
    assert good.status == Status.EXPIRED


def test_a_sent_request_expires_after_the_programs_expiry_days(program):
    program.request_expiry_days = 7
    program.save()
    mentee = mentee_in(program)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request = request_create(
            mentee=mentee,
            mentor=mentor_in(program),
            goals=list(mentee.goals.all()),
            topic=TopicFactory(organization=program.organization),
            why_this_mentor="You know the field I want to enter.",
        )
        traveller.shift(timedelta(days=6, hours=23))
        assert requests_expire_due() == 0
        traveller.shift(timedelta(hours=1))
        assert requests_expire_due() == 1
    request.refresh_from_db()
    assert request.status == Status.EXPIRED


def test_an_expired_request_frees_a_pending_slot(program):
    program.max_pending_requests_per_mentee = 1
    program.save()
    request = _overdue(program)
    mentee: Participant = request.mentee
    requests_expire_due()
    again = request_create(
        mentee=mentee,
        mentor=mentor_in(program),
        goals=[GoalFactory(owner=mentee)],
        topic=TopicFactory(organization=program.organization),
        why_this_mentor="You know the field I want to enter.",
    )
    assert again.status == Status.PENDING


# ---------------------------------------------------------------------------
# The Celery task
# ---------------------------------------------------------------------------
def test_the_task_is_registered_under_its_name():
    assert expire_requests.name == "matching.expire_requests"


def test_the_task_expires_overdue_requests(program):
    requests = [_overdue(program) for _ in range(2)]
    assert expire_requests.apply().get() == 2
    assert set(MentorshipRequest.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    assert [_expiry_notices(r) for r in requests] == [1, 1]


def test_the_task_run_twice_expires_each_request_once(program):
    request = _overdue(program)
    assert expire_requests.apply().get() == 1
    assert expire_requests.apply().get() == 0
    assert _expiry_notices(request) == 1


# ---------------------------------------------------------------------------
# Two scans at once (PostgreSQL only)
# ---------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_expire_each_request_once(postgres, program):
    requests = [_overdue(program) for _ in range(5)]
    results = race([requests_expire_due, requests_expire_due])
    assert all(isinstance(r, int) for r in results)
    assert set(MentorshipRequest.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    assert [_expiry_notices(r) for r in requests] == [1] * 5
    assert StateChange.objects.filter(to_status="expired").count() == 5
