from __future__ import annotations

from celery import shared_task


@shared_task(name="matching.expire_requests", acks_late=True)
def expire_requests() -> int:
    """Expire pending requests past their program's expiry; safe to run twice or in parallel."""
    from matching.requests import requests_expire_due

    return requests_expire_due()
