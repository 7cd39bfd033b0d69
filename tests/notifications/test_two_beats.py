"""Two Celery beats and two workers on the same PostgreSQL and Redis, as two app servers would
run them: each beat sends every periodic scan and sweep (so each is sent twice as often as one
beat would), and still every meeting reminder and every webhook event goes out once."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import time as time_of_day
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from api.webhooks import webhook_create
from matching.models import Mentorship
from meetings.models import Meeting
from notifications.models import WEBHOOK, Delivery, Notification, Reminder
from notifications.reminders import preferences_save
from programs.events import emit
from programs.models import Role
from tests.helpers import (
    BEAT_COMMAND,
    broker_idle,
    wait_until,
    worker_env,
    worker_processes,
    workers_stop,
)
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 12
EVENTS = 20
# The two jobs this proof is about, every second instead of every 5 minutes and every minute.
FAST = {"meetings.scan_reminders", "notifications.deliver_due"}
LOOPBACK = {"WEBHOOKS_ALLOW_PRIVATE": "true"}  # the receiver is on the loopback


def _beat(log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        BEAT_COMMAND,
        cwd=settings.BASE_DIR,
        env=worker_env(**LOOPBACK),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _meetings_in_three_hours(program) -> list[Mentorship]:
    pairs = []
    starts = timezone.now() + timedelta(hours=3)
    for _ in range(PAIRS):
        pair = MentorshipFactory(
            program=program,
            mentor=ParticipantFactory(program=program, role=Role.MENTOR),
            mentee=ParticipantFactory(program=program, role=Role.MENTEE),
        )
        Meeting.objects.create(
            mentorship=pair,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            status=Meeting.Status.CONFIRMED,
        )
        for person in (pair.mentor.user, pair.mentee.user):  # no quiet hours: due at once
            preferences_save(
                user=person, channels={}, quiet_start=time_of_day(0), quiet_end=time_of_day(0)
            )
        pairs.append(pair)
    return pairs


def _schedules_fast() -> None:
    """The real schedule (``sync_schedules``), the two jobs every second, the rest off."""
    call_command("sync_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.filter(task__in=FAST).update(interval=every_second, last_run_at=None)
    PeriodicTask.objects.exclude(task__in=FAST).exclude(task="celery.backend_cleanup").update(
        enabled=False
    )
    assert PeriodicTask.objects.filter(task__in=FAST, enabled=True).count() == len(FAST)


def test_two_beats_and_two_workers_send_each_reminder_and_each_webhook_once(
    redis_broker, program, org_admin, receiver, tmp_path
):
    pairs = _meetings_in_three_hours(program)
    webhook_create(
        organization=program.organization,
        actor=org_admin,
        url=receiver.url,
        events=["request.sent"],
    )
    for number in range(EVENTS):
        emit(program, "request.sent", request=number)
    events = set(Delivery.objects.filter(kind=WEBHOOK).values_list("subject_key", flat=True))
    assert len(events) == EVENTS
    _schedules_fast()

    logs = [tmp_path / "beat-0.log", tmp_path / "beat-1.log"]
    beats = [_beat(log) for log in logs]
    workers = worker_processes(2, **LOOPBACK)
    reminders = Delivery.objects.filter(kind=Reminder.MEETING)
    try:
        assert wait_until(
            lambda: (
                reminders.filter(state="sent").count() == 2 * PAIRS and len(receiver.got) >= EVENTS
            ),
            timeout=120,
            every=0.2,
        ), (reminders.filter(state="sent").count(), len(receiver.got))

        # Both beats keep sending scans and sweeps for a while longer: nothing more goes out.
        def sent_by_each() -> list[int]:
            return [log.read_text().count("Sending due task") for log in logs]

        assert wait_until(lambda: min(sent_by_each()) >= 12, timeout=60, every=0.5), sent_by_each()
    finally:
        for beat in beats:
            beat.terminate()
        for beat in beats:
            beat.wait(timeout=30)
        assert wait_until(broker_idle, timeout=60, every=0.2)  # what they sent has run
        workers_stop(workers)

    for log in logs:  # each beat sent both jobs, several times
        text = log.read_text()
        assert text.count("meetings.scan_reminders") >= 3, text[-2000:]
        assert text.count("notifications.deliver_due") >= 3, text[-2000:]
    # Every meeting reminder once per person, each in one ledger row and one notification.
    assert reminders.count() == reminders.filter(state="sent").count() == 2 * PAIRS
    people = sorted(
        user_id for pair in pairs for user_id in (pair.mentor.user_id, pair.mentee.user_id)
    )
    got = Notification.objects.filter(kind="reminder").values_list("recipient_id", flat=True)
    assert sorted(got) == people
    # Every webhook event once: one POST per event id, none twice.
    counts = Counter(receiver.ids())
    assert set(counts) == events and set(counts.values()) == {1}
    assert Delivery.objects.filter(kind=WEBHOOK, state="sent").count() == EVENTS
