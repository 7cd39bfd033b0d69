from __future__ import annotations

from celery import shared_task


@shared_task(name="meetings.mark_missed", acks_late=True)
def mark_missed() -> int:
    """Mark confirmed meetings nobody marked held missed a day after; safe to run twice."""
    from meetings.scheduling import meetings_mark_missed_due

    return meetings_mark_missed_due()


@shared_task(name="meetings.scan_reminders", acks_late=True)
def scan_reminders() -> int:
    """Find due meeting reminders and follow-ups; writes ledger rows only (sending is separate)."""
    from meetings.reminders import follow_ups_scan, meeting_reminders_scan

    return meeting_reminders_scan() + follow_ups_scan()
