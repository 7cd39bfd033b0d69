from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from mentorship.celery import app
from mentorship.schedules import SCHEDULES

pytestmark = pytest.mark.django_db


def test_sync_schedules_writes_every_schedule_once(capsys):
    call_command("sync_schedules")
    call_command("sync_schedules")
    tasks = PeriodicTask.objects.filter(name__startswith="twoway: ")
    assert {t.name.removeprefix("twoway: ") for t in tasks} == set(SCHEDULES)
    assert {t.task for t in tasks} == {task for task, _ in SCHEDULES.values()}


def test_sync_schedules_removes_a_stale_one():
    PeriodicTask.objects.create(name="twoway: old scan", task="gone.task", interval=_interval())
    call_command("sync_schedules")
    assert not PeriodicTask.objects.filter(name="twoway: old scan").exists()


def test_every_scheduled_task_is_registered_with_celery():
    app.loader.import_default_modules()
    for task, _seconds in SCHEDULES.values():
        assert task in app.tasks, task


def _interval():
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
