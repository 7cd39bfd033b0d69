"""Every periodic job, in one place. `manage.py sync_schedules` writes them to
django-celery-beat's tables (beat only starts scans; the tasks decide what is due)."""

from __future__ import annotations

# name → (task, every N seconds)
SCHEDULES: dict[str, tuple[str, int]] = {
    "Expire unanswered requests": ("matching.expire_requests", 15 * 60),
    "Mark missed meetings": ("meetings.mark_missed", 30 * 60),
}
