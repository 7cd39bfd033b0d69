from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.directory.cache import connect_directory_signals

        connect_directory_signals()
