"""Webhook events through real Celery worker processes on Redis and PostgreSQL, to a real
receiver on the loopback: a worker SIGKILLed in the middle of a batch loses no event, and an
event sent again carries the same webhook-id; a receiver that answers 500 for a while gets
every event once it is back, each under one webhook-id."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone

from api.webhooks import webhook_create
from notifications.models import Delivery
from notifications.tasks import deliver_due
from programs.events import emit
from tests.helpers import (
    WORKER_COMMAND,
    broker_idle,
    wait_until,
    worker_env,
    worker_processes,
    workers_stop,
)

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 60
LOOPBACK = {"WEBHOOKS_ALLOW_PRIVATE": "true"}  # the receiver is on the loopback


def _emit_many(program, count: int) -> set[str]:
    for number in range(count):
        emit(program, "request.sent", request=number)
    return set(Delivery.objects.values_list("subject_key", flat=True))


def _until(check, timeout: float = 60.0) -> None:
    assert wait_until(check, timeout=timeout, every=0.1), "timed out"


def test_a_worker_killed_mid_batch_loses_no_event(redis_broker, program, org_admin, receiver):
    webhook_create(
        organization=program.organization,
        actor=org_admin,
        url=receiver.url,
        events=["request.sent"],
    )
    sent = _emit_many(program, EVENTS)
    assert len(sent) == EVENTS
    receiver.delay = 0.05  # a receiver that takes its time: the kill lands mid-batch
    env = worker_env(**LOOPBACK)
    worker = subprocess.Popen(WORKER_COMMAND, cwd=settings.BASE_DIR, env=env)  # noqa: S603
    try:
        deliver_due.delay()
        _until(lambda: len(receiver.got) >= 10)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert 10 <= len(receiver.got) < EVENTS, len(receiver.got)

    [replacement] = worker_processes(1, **LOOPBACK)
    try:
        # The killed worker's lease on its event in flight runs out; then a sweep takes the rest.
        _until(
            lambda: not Delivery.objects.filter(state="pending", due_at__gt=timezone.now()).exists()
        )
        deliver_due.delay()
        # (The killed worker's own task stays unacknowledged in Redis: the broker is not idle.)
        _until(lambda: not Delivery.objects.filter(state="pending").exists(), timeout=90)
    finally:
        workers_stop([replacement])
    counts = Counter(receiver.ids())
    assert set(counts) == sent  # every event arrived
    assert sum(1 for seen in counts.values() if seen > 1) <= 1  # only the one in flight twice
    assert Delivery.objects.filter(state="sent").count() == EVENTS


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_back(
    redis_broker, program, org_admin, receiver
):
    webhook_create(
        organization=program.organization,
        actor=org_admin,
        url=receiver.url,
        events=["request.sent"],
    )
    sent = _emit_many(program, 5)
    receiver.statuses = [500] * 5 + [200]  # each event's first try fails
    workers = worker_processes(2, **LOOPBACK)
    try:
        deliver_due.delay()
        _until(lambda: len(receiver.got) >= 5)
        _until(lambda: Delivery.objects.filter(state="pending", attempts=1).count() == 5)
        # The schedule's first wait (5 seconds); then the next sweep, as beat starts them.
        _until(lambda: not Delivery.objects.filter(due_at__gt=timezone.now()).exists(), 15)
        deliver_due.delay()
        _until(lambda: Delivery.objects.filter(state="sent").count() == 5, timeout=60)
        _until(broker_idle)
    finally:
        workers_stop(workers)
    counts = Counter(receiver.ids())
    assert set(counts) == sent and set(counts.values()) == {2}  # failed once, then delivered
    assert receiver.got[-1].headers["webhook-id"] in sent
