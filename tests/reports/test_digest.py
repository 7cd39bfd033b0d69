"""The admins' weekly digest: what it counts for each active admin of each running program,
once a week, and that it is delivered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching.models import Frequency, Mentorship, MentorshipRequest
from meetings.models import Agreement, Meeting
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import deliveries_send_due
from programs.models import Participant, Program, Role
from reports.digest import admin_digests_scan
from tests.matching.factories import (
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
)
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Berlin: outside quiet hours
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _pair(program: Program) -> Mentorship:
    return cast(Mentorship, MentorshipFactory(mentor=mentor_in(program), mentee=mentee_in(program)))


def _stalled(program: Program) -> Mentorship:
    pair = _pair(program)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=NOW - timedelta(days=90))
    return pair


def _request(program: Program, days_ago: float) -> MentorshipRequest:
    request = cast(
        MentorshipRequest,
        MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_in(program)),
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=NOW - timedelta(days=days_ago)
    )
    return request


def _agreed(mentorship: Mentorship, frequency: str) -> None:
    Agreement.objects.create(
        mentorship=mentorship,
        version=1,
        frequency=frequency,
        channel="https://meet.example.org/x",
        confirmed_at=NOW - timedelta(days=60),
    )


def _meeting(mentorship: Mentorship, days: float) -> Meeting:
    starts = NOW + timedelta(days=days)
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=Meeting.Status.HELD,
    )


def _delivered(user_id: int) -> Notification:
    deliveries_send_due(now=timezone.now())
    return Notification.objects.get(recipient_id=user_id, kind=Notification.Kind.REMINDER)


def test_the_digest_counts_stalled_pairs_and_unanswered_requests_for_each_admin(
    program, admin_user
):
    _stalled(program)
    _pair(program)  # started today: not stalled
    _request(program, 10)
    _request(program, 2)  # not unanswered for long yet
    assert admin_digests_scan() == 1
    delivery = Delivery.objects.get(kind=Reminder.ADMIN_DIGEST)
    assert (delivery.recipient, delivery.period_key) == (admin_user, "2026-W48")
    assert "Stalled relationships: 1\n" in delivery.body
    assert "Requests unanswered for more than 7 days: 1" in delivery.body


def test_a_pair_meeting_within_twice_its_rhythm_is_not_stalled(program, admin_user):
    pair = _stalled(program)
    _agreed(pair, Frequency.MONTHLY)
    _meeting(pair, -50)
    admin_digests_scan()
    assert "Stalled relationships: 0\n" in Delivery.objects.get().body


def test_a_weekly_pair_without_a_meeting_for_three_weeks_is_stalled(program, admin_user):
    pair = _stalled(program)
    _agreed(pair, Frequency.WEEKLY)
    _meeting(pair, -21)
    admin_digests_scan()
    assert "Stalled relationships: 1\n" in Delivery.objects.get().body


def test_the_digest_is_written_once_a_week(program, admin_user, _frozen):
    admin_digests_scan()
    admin_digests_scan()
    assert Delivery.objects.count() == 1
    _frozen.shift(timedelta(days=7))
    admin_digests_scan()
    assert Delivery.objects.count() == 2


def test_a_withdrawn_admin_and_other_roles_get_no_digest(program, admin_user, mentor):
    Participant.objects.filter(user=admin_user).update(status=Participant.Status.WITHDRAWN)
    assert admin_digests_scan() == 0


def test_an_ended_program_sends_no_digest(program, admin_user):
    Program.objects.filter(pk=program.pk).update(ends_on=TODAY - timedelta(days=1))
    assert admin_digests_scan() == 0


def test_the_digest_is_delivered(program, admin_user):
    ParticipantFactory(program=program, role=Role.ADMIN)
    admin_digests_scan()
    notification = _delivered(admin_user.pk)
    assert notification.title == "Pathways: this week's digest"
    assert notification.link == reverse("programs:manage", kwargs={"slug": program.slug})
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 2


def test_the_digest_counts_overdue_check_ins_when_there_are_check_ins(program, admin_user):
    from meetings.models import CheckIn

    pair = _pair(program)
    for person, days_ago in ((pair.mentor.user, 10), (pair.mentee.user, 3)):
        CheckIn.objects.create(
            mentorship=pair,
            person=person,
            period_key="2026-Q4",
            due_on=TODAY - timedelta(days=days_ago),
        )
    admin_digests_scan()
    assert "Check-ins overdue by more than 7 days: 1" in Delivery.objects.get().body
