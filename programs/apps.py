from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from programs import receivers  # noqa: F401
