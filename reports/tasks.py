"""The reports app's periodic work: the admins' weekly digest, the dashboards' figures."""

from __future__ import annotations

from celery import shared_task


# The name predates the move from mentorship/: it is in queued messages and the beat schedule.
@shared_task(name="mentorship.admin_digest", acks_late=True)
def admin_digest() -> int:
    """This week's digest for every active program admin; once per week, however often it runs."""
    from reports.digest import admin_digests_scan

    return admin_digests_scan()


@shared_task(name="reports.refresh_figures", acks_late=True)
def refresh_figures() -> int:
    """Work out again the dashboard figures admins read lately (reports.figures)."""
    from reports.figures import figures_refresh

    return figures_refresh()
