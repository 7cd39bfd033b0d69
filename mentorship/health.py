"""Is this process able to do its job? Used by /healthz and by `manage.py healthcheck`."""

from __future__ import annotations

import logging

from django.db import connections

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("health: database check failed: %s", exc)
        return "down"
    return "ok"


def check_broker() -> str:
    from mentorship.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            # Opening a channel proves the transport answers, not just that a socket opened.
            connection.default_channel  # noqa: B018
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("health: broker check failed: %s", exc)
        return "down"
    return "ok"


def health_report() -> dict[str, str]:
    checks = {"database": check_database(), "broker": check_broker()}
    status = "ok" if all(value == "ok" for value in checks.values()) else "down"
    return {"status": status, **checks}
