from __future__ import annotations

from celery import shared_task


@shared_task(name="mentorship.admin_digest", acks_late=True)
def admin_digest() -> int:
    """This week's digest for every active program admin; once per week, however often it runs."""
    from mentorship.digest import admin_digests_scan

    return admin_digests_scan()
