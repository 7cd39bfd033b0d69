from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from matching import receivers  # noqa: F401
        from matching.directory.cache import connect_directory_signals
        from notifications.models import Reminder
        from notifications.reminders import reminder_audience
        from programs.models import Participant, Role

        connect_directory_signals()

        def takes_part_as(role: str) -> Callable[[Any], bool]:
            return lambda user: Participant.objects.filter(user=user, role=role).exists()

        # Requests wait for mentors and expire for mentees.
        reminder_audience(Reminder.REQUEST_PENDING, takes_part_as(Role.MENTOR))
        reminder_audience(Reminder.REQUEST_EXPIRED, takes_part_as(Role.MENTEE))
