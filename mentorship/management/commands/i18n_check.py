"""``manage.py i18n_check``: fail when a user-facing string is not translated (see i18n_check)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentorship.i18n_check import all_findings


class Command(BaseCommand):
    help = "Report template text not marked for translation and incomplete or stale catalogues."

    def handle(self, *args: Any, **options: Any) -> None:
        findings = all_findings()
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            raise CommandError(f"{len(findings)} untranslated strings")
        self.stdout.write("Every user-facing string is translated.")
