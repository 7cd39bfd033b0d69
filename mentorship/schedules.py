"""Every periodic job, in one place. `manage.py sync_schedules` writes them to
django-celery-beat's tables (beat only starts scans; the tasks decide what is due)."""

from __future__ import annotations

# name → (task, every N seconds)
SCHEDULES: dict[str, tuple[str, int]] = {
    "Scan meeting reminders and follow-ups": ("meetings.scan_reminders", 5 * 60),
    "Deliver due reminders": ("notifications.deliver_due", 60),
    "Expire unanswered requests": ("matching.expire_requests", 15 * 60),
    "Mark missed meetings": ("meetings.mark_missed", 30 * 60),
    # People's own calendars (CalDAV): their busy times, for the slot picker.
    "Read connected calendars' busy times": ("meetings.sync_calendars", 15 * 60),
    "Scan request and relationship-ending reminders": ("matching.scan_reminders", 15 * 60),
    # Hourly, but once a week per admin: the ledger's period key is the ISO week
    # (reports.tasks.admin_digest; the task's name predates its move out of mentorship/).
    "Weekly admin digest": ("mentorship.admin_digest", 60 * 60),
    # Hourly, but once a week per person: the period key is last week's ISO week.
    "Personal weekly digest": ("notifications.weekly_digest", 60 * 60),
    # Hourly: a period starts at midnight; the unique check-in and ledger keys make reruns no-ops.
    "Open check-ins and nudge": ("meetings.open_checkins", 60 * 60),
    # Hourly: flags, nudges (through the ledger) and closings are each made once, so reruns are no-ops.
    "Flag, nudge and close inactive mentorships": ("meetings.close_inactive", 60 * 60),
    # Every 30 seconds: the dashboard figures admins read lately, worked out ahead of them
    # (reports.figures.REFRESH_EVERY).
    "Refresh the dashboards' figures": ("reports.refresh_figures", 30),
    # Daily: organizations' retention rules (off unless set), and expired data exports removed.
    "Apply retention rules": ("privacy.retention", 24 * 60 * 60),
}
