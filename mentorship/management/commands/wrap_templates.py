"""``manage.py wrap_templates``: break the project's long template lines where nothing changes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorship.i18n_check import template_paths
from mentorship.template_layout import wrap_text


class Command(BaseCommand):
    help = "Wrap template lines over 120 characters where a line break changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in template_paths():
            text = path.read_text(encoding="utf-8")
            wrapped, changed = wrap_text(text, path.suffix == ".html")
            if changed:
                path.write_text(wrapped, encoding="utf-8")
                self.stdout.write(f"{path}: {changed} lines broken")
