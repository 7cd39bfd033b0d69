"""Exit 0 when the database and the broker answer: the container health check of worker and beat."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentorship.health import health_report


class Command(BaseCommand):
    help = "Check the database and the Celery broker; exit non-zero if either is down."

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        self.stdout.write(json.dumps(report))
        if report["status"] != "ok":
            raise CommandError(
                "unhealthy: " + ", ".join(k for k, v in report.items() if v == "down")
            )
