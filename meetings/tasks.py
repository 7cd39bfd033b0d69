from __future__ import annotations

from celery import shared_task


@shared_task(name="meetings.mark_missed", acks_late=True)
def mark_missed() -> int:
    """Mark confirmed meetings nobody marked held missed a day after; safe to run twice."""
    from meetings.scheduling import meetings_mark_missed_due

    return meetings_mark_missed_due()
