"""The delivery sweep takes the next pending row through an index in its own order (due time,
then id): with thousands of rows due at the same instant (a scan writes a whole batch with one
due time), PostgreSQL must not sort them again at every pick (seen at 400,000 rows: a second
per reminder, benchmarks/reminder_scan.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery
from notifications.reminders import _claim
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_next_due_row_is_read_from_the_index_without_sorting(postgres):
    user = UserFactory()
    due = timezone.now() - timedelta(minutes=1)
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=user,
                kind="meeting",
                subject_key=f"meeting:{n}",
                period_key="p",
                title="Meeting",
                due_at=due,
            )
            for n in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_delivery")
    with transaction.atomic(), CaptureQueriesContext(connection) as ran:
        first = _claim(timezone.now())
    assert first is not None and first.subject_key == "meeting:0"  # due time, then id
    [sql] = [q["sql"] for q in ran.captured_queries if "notifications_delivery" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "delivery_pending_due_id" in plan, plan
    assert "Sort" not in plan, plan
