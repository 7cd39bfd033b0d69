"""Write mentorship/schedules.py into django-celery-beat: create, update, and remove stale ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mentorship.schedules import SCHEDULES

MANAGED_PREFIX = "twoway: "


class Command(BaseCommand):
    help = "Create or update the periodic tasks listed in mentorship/schedules.py."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        wanted = set()
        for name, (task, seconds) in SCHEDULES.items():
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=seconds, period=IntervalSchedule.SECONDS
            )
            full_name = MANAGED_PREFIX + name
            wanted.add(full_name)
            PeriodicTask.objects.update_or_create(
                name=full_name, defaults={"task": task, "interval": interval, "enabled": True}
            )
        stale = PeriodicTask.objects.filter(name__startswith=MANAGED_PREFIX).exclude(
            name__in=wanted
        )
        removed = stale.count()
        stale.delete()
        self.stdout.write(f"{len(wanted)} periodic tasks in place, {removed} stale removed.")
