"""One scan-and-deliver pass in the foreground: for cron-only deployments and for debugging."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from matching.reminders import relationship_ending_scan, request_pending_scan
from meetings.reminders import (
    action_items_due_scan,
    cadence_scan,
    follow_ups_scan,
    meeting_reminders_scan,
    report_back_scan,
)
from meetings.services.checkins import checkins_open_due
from notifications.digest import personal_digests_scan
from notifications.models import Delivery
from notifications.reminders import delivery_send_one_due
from reports.digest import admin_digests_scan

SCANS = (
    meeting_reminders_scan,
    follow_ups_scan,
    cadence_scan,
    action_items_due_scan,
    report_back_scan,
    request_pending_scan,
    relationship_ending_scan,
    admin_digests_scan,
    personal_digests_scan,
)


class Command(BaseCommand):
    help = "Scan for due reminders, deliver them, print each one and end with 'sent: N'."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for scan in SCANS:
            scan(now=now)
        checkins_open_due(now=now)
        due = list(
            Delivery.objects.filter(state=Delivery.State.PENDING, due_at__lte=now).values_list(
                "pk", flat=True
            )
        )
        failed = 0
        while True:
            try:
                if not delivery_send_one_due(now=now):
                    break
            except Exception as exc:  # recorded on the row; report it and go on
                failed += 1
                self.stderr.write(f"failed: {exc}")
        sent = 0
        for delivery in (
            Delivery.objects.filter(pk__in=due, state=Delivery.State.SENT)
            .select_related("recipient")
            .order_by("pk")
        ):
            sent += 1
            to = (
                delivery.recipient.email if delivery.recipient else f"webhook {delivery.webhook_id}"
            )
            self.stdout.write(f"{delivery.kind} → {to}: {delivery.title} [{delivery.channels}]")
        if failed:
            self.stdout.write(f"failed: {failed}")
        self.stdout.write(f"sent: {sent}")
