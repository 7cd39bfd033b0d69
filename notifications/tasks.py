from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.deliver_due", acks_late=True)
def deliver_due() -> int:
    """Send due ledger rows; idempotent (rows are claimed), safe on any number of workers."""
    from notifications.reminders import deliveries_send_due

    done, _errors = deliveries_send_due()
    return done


@shared_task(name="notifications.weekly_digest", acks_late=True)
def weekly_digest() -> int:
    """Last week's digest for each person with digest items; once a week, however often it runs."""
    from notifications.digest import personal_digests_scan

    return personal_digests_scan()
