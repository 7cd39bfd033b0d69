"""Real Celery workers on Redis against PostgreSQL: every due reminder goes out exactly once."""

from __future__ import annotations

from datetime import time as time_of_day
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from mentorship.celery import app as celery_app
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import preferences_save, reminder_schedule
from notifications.tasks import deliver_due
from tests.accounts.factories import UserFactory
from tests.helpers import (
    WORKER_COMMAND,
    broker_idle,
    use_broker,
    wait_until,
    worker_env,
    worker_processes,
    workers_stop,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until(check, timeout: float = 30.0) -> None:
    wait_until(check, timeout=timeout, every=0.1)  # real workers: polling is the only way


def test_two_workers_and_repeated_sweeps_deliver_each_reminder_once(redis_broker):
    users = _schedule_many(30)
    for user in users:  # a second scan of the same thing adds nothing
        reminder_schedule(
            recipient=user,
            kind=Reminder.ACTION_DUE,
            subject_key=f"action:{user.pk}",
            period_key="today",
            title="Your action item is due tomorrow",
        )
    assert Delivery.objects.count() == 30
    workers = worker_processes(2)
    try:
        for _ in range(6):  # several sweeps at once, as several beats or retries would send
            deliver_due.delay()
        _wait_until(lambda: not Delivery.objects.filter(state="pending").exists(), timeout=90)
        _wait_until(broker_idle)  # every sweep has finished before counting
    finally:
        workers_stop(workers)
    assert Delivery.objects.filter(state="sent", channels="in_app,email").count() == 30
    per_person = list(
        Notification.objects.filter(kind="reminder").values_list("recipient_id", flat=True)
    )
    assert sorted(per_person) == sorted(u.pk for u in users)


def _schedule_many(count: int) -> list:
    users = UserFactory.create_batch(count, time_zone="UTC")
    for user in users:
        preferences_save(
            user=user, channels={}, quiet_start=time_of_day(0), quiet_end=time_of_day(0)
        )
        reminder_schedule(
            recipient=user,
            kind=Reminder.ACTION_DUE,
            subject_key=f"action:{user.pk}",
            period_key="today",
            title="Your action item is due tomorrow",
            due_at=timezone.now() - timedelta(minutes=1),
        )
    return users


def test_reminders_wait_in_the_ledger_while_redis_is_down_and_go_out_once_it_is_back(
    redis_url, postgres, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    saved = (celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options or {}))
    use_broker("redis://127.0.0.1:1/0", {})  # Redis is down: nothing listens here
    try:
        users = _schedule_many(5)  # what a page or a scan does: ledger rows, no broker needed
        assert Delivery.objects.filter(state="pending").count() == 5
    finally:
        use_broker(redis_url, {"visibility_timeout": 3600})  # Redis is back
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
            deliver_due.delay()  # the periodic sweep's next tick
            _wait_until(lambda: not Delivery.objects.filter(state="pending").exists())
            deliver_due.delay()  # and another: nothing more goes out
            _wait_until(broker_idle)
    finally:
        use_broker(*saved)
        celery_app.conf.task_always_eager = True
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(redis_broker, settings):
    """SIGKILL a real worker process while it delivers; a new worker finishes the job exactly once."""
    import signal
    import subprocess

    from django.conf import settings as django_settings

    _schedule_many(150)
    env = worker_env()
    command = WORKER_COMMAND
    worker = subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=env)  # noqa: S603
    try:
        deliver_due.delay()
        _wait_until(lambda: Delivery.objects.filter(state="sent").count() >= 10, timeout=60)
        worker.send_signal(
            signal.SIGKILL
        )  # mid-batch: some sent, one maybe in flight, most pending
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sent_before = Delivery.objects.filter(state="sent").count()
    assert 10 <= sent_before < 150, sent_before

    replacement = subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=env)  # noqa: S603
    try:
        # The killed worker's lease on its in-flight row runs out (its due time comes again).
        _wait_until(
            lambda: not Delivery.objects.filter(state="pending", due_at__gt=timezone.now()).exists()
        )
        deliver_due.delay()
        _wait_until(lambda: not Delivery.objects.filter(state="pending").exists(), timeout=90)
    finally:
        workers_stop([replacement])

    assert Delivery.objects.filter(state="sent").count() == 150
    per_person = Notification.objects.filter(kind="reminder").values_list("recipient_id", flat=True)
    assert len(per_person) == len(set(per_person)) == 150
