from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Program admins' dashboard, exports and end-of-cohort summary.

    It reads across programs, goals, matching and meetings, so it sits at the top of the
    dependency order: nothing imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
