from __future__ import annotations

from celery import shared_task


@shared_task(name="matching.expire_requests", acks_late=True)
def expire_requests() -> int:
    """Expire pending requests past their program's expiry; safe to run twice or in parallel."""
    from matching.services.requests import requests_expire_due

    return requests_expire_due()


@shared_task(name="matching.scan_reminders", acks_late=True)
def scan_reminders() -> int:
    """Find pending-request nudges and relationship endings; writes ledger rows only."""
    from matching.reminders import relationship_ending_scan, request_pending_scan

    return request_pending_scan() + relationship_ending_scan()
