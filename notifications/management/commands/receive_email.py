"""Read one raw RFC 822 message from standard input and hand it to Twoway's inbound mail path,
as an MTA's pipe transport runs it (Postfix: `twoway unix - n n - - pipe user=twoway
argv=/app/.venv/bin/python /app/manage.py receive_email`)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from notifications.inbound import receive


class Command(BaseCommand):
    help = "Post one email read from standard input (a reply to a Twoway notification)."
    stealth_options = ("stdin",)  # tests pass the bytes an MTA would pipe

    def handle(self, *args: Any, **options: Any) -> None:
        stream = options.get("stdin") or sys.stdin.buffer
        outcome = receive(stream.read())
        self.stdout.write(outcome)
