"""Real Celery workers on Redis against PostgreSQL: every due reminder goes out exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator
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
from tests.factories import UserFactory
from tests.mentorship.test_celery_worker import _use_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_broker(redis_url: str, postgres: None) -> Iterator[None]:
    saved = (celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options or {}))
    _use_broker(redis_url, {"visibility_timeout": 3600})
    celery_app.connection_for_write().default_channel.client.flushdb()  # a clean queue
    yield
    _use_broker(*saved)
    celery_app.conf.task_always_eager = True


def _wait_until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.2)  # real workers on other threads: polling is the only way to see them


def test_two_workers_and_repeated_sweeps_deliver_each_reminder_once(redis_broker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users = UserFactory.create_batch(30, time_zone="UTC")
    due = timezone.now() - timedelta(minutes=1)
    for user in users:
        # No quiet hours, so that the test does not depend on the time of day it runs at.
        preferences_save(
            user=user, channels={}, quiet_start=time_of_day(0), quiet_end=time_of_day(0)
        )
        for _ in range(2):  # a second scan of the same thing adds nothing
            reminder_schedule(
                recipient=user,
                kind=Reminder.ACTION_DUE,
                subject_key=f"action:{user.pk}",
                period_key="today",
                title="Your action item is due tomorrow",
                due_at=due,
            )
    assert Delivery.objects.count() == 30

    with (
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        for _ in range(6):  # several sweeps at once, as several beats or retries would send
            deliver_due.delay()
        _wait_until(
            lambda: not Delivery.objects.filter(state="pending").exists() and len(mail.outbox) >= 30
        )
        time.sleep(1)  # let any straggling sweep finish before counting

    assert Delivery.objects.filter(state="sent").count() == 30
    assert Notification.objects.filter(kind="reminder").count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
