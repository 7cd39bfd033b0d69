from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from notifications.models import Reminder
        from notifications.reminders import reminder_audience
        from programs import receivers  # noqa: F401
        from programs.access import programs_administered_by
        from programs.standing import connect_standing_signals

        connect_standing_signals()

        # The admins' weekly digest reaches only people who run a program.
        reminder_audience(
            Reminder.ADMIN_DIGEST, lambda user: programs_administered_by(user).exists()
        )
