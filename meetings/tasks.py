from __future__ import annotations

from celery import shared_task


@shared_task(name="meetings.mark_missed", acks_late=True)
def mark_missed() -> int:
    """Mark confirmed meetings nobody marked held missed a day after, and complete flash
    sessions a week after they were due; safe to run twice."""
    from meetings.services.scheduling import flash_sessions_complete_due, meetings_mark_missed_due

    return meetings_mark_missed_due() + flash_sessions_complete_due()


@shared_task(name="meetings.scan_reminders", acks_late=True)
def scan_reminders() -> int:
    """Find due meeting reminders, follow-ups, cadence nudges, action items due and report-back
    nudges; writes ledger rows only (sending is separate)."""
    from meetings.reminders import (
        action_items_due_scan,
        cadence_scan,
        follow_ups_scan,
        meeting_reminders_scan,
        report_back_scan,
    )

    return (
        meeting_reminders_scan()
        + follow_ups_scan()
        + cadence_scan()
        + action_items_due_scan()
        + report_back_scan()
    )


@shared_task(name="meetings.open_checkins", acks_late=True)
def open_checkins() -> int:
    """Open this period's check-ins and schedule their nudges; safe to run any number of times."""
    from meetings.services.checkins import checkins_open_due

    return checkins_open_due()


@shared_task(name="meetings.close_inactive", acks_late=True)
def close_inactive() -> int:
    """Apply each program's inactivity rule: flag and nudge quiet mentorships, close the ones
    still quiet after the program's grace period; safe to run any number of times."""
    from meetings.inactivity import inactivity_scan

    result = inactivity_scan()
    return result.flagged + result.cleared + result.closed


@shared_task(name="meetings.send_invitations", acks_late=True)
def send_invitations(meeting_id: int, method: str) -> int:
    """Email each person the meeting's calendar invitation (or its cancellation), as it is now."""
    from meetings.invitations import invitations_send

    return invitations_send(meeting_id, method)


@shared_task(name="meetings.write_calendars", acks_late=True)
def write_calendars(meeting_id: int) -> int:
    """Write the meeting as it is now into its people's connected calendars (CalDAV); safe to
    run twice, and what fails is written by the next periodic sync."""
    from meetings.services.calendars import calendars_write_meeting

    return calendars_write_meeting(meeting_id)


@shared_task(name="meetings.sync_calendars", acks_late=True)
def sync_calendars() -> int:
    """Sync every connected calendar both ways (CalDAV): moves and deletions made there come
    back, meetings go there, busy times are read; safe to run twice."""
    from meetings.services.calendars import calendars_sync_all

    return calendars_sync_all()
