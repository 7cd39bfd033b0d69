"""The Celery application: workers send reminders and nudges, beat only starts scans."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
# filesystem:// (the development broker) writes each message whole before a worker sees it.
TRANSPORT_ALIASES["filesystem"] = "mentorship.broker:Transport"

logger = logging.getLogger(__name__)

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender: Celery, **kwargs: object) -> None:
    """kombu's filesystem transport (the embedded development broker) expects its folders."""
    from pathlib import Path

    if not str(sender.conf.broker_url).startswith("filesystem://"):
        return
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send a task after the transaction commits; if the broker is down, log it and go on.

    The page that caused it still answers: the data is committed, and what the task would have
    done is either in the reminders ledger (which the periodic sweep delivers once the broker is
    back) or can be repeated by hand (an invitation's "Send again").
    """
    from django.db import transaction

    def send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception as exc:  # kombu raises several types for an unreachable broker
            logger.warning("broker unavailable, %s%s not enqueued: %s", task.name, args, exc)

    transaction.on_commit(send)
