"""Scan N active mentorships for due meeting reminders and follow-ups, and print the figures.

Run: make bench  (or .venv/bin/python benchmarks/reminder_scan.py [--mentorships N] [--deliver K])
Builds N mentorships (default 100,000) with one meeting each: one in ten confirmed for the next
24 hours (a reminder is due), one in ten held a few hours ago (a follow-up is due), the rest
later or long ago (nothing is due). Uses a throwaway SQLite database in a temporary folder, or
BENCH_DATABASE_URL (a database it may fill and keep; on PostgreSQL it fills with COPY, so a
million mentorships take minutes, not an hour). Prints each scan's time, its queries and batches,
and the time to deliver K of the due reminders (in-app and email to Django's in-memory outbox).

The target (issue 22): scans over 1,000,000 live mentorships with a fixed number of queries per
batch. ``--mentorships 1000000`` with ``BENCH_DATABASE_URL=postgres://…`` measures it.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _bench import target  # noqa: E402

TARGET_MENTORSHIPS = 1_000_000


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(
    cursor: Any, template: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY ``rows`` (values for ``columns``) into ``template``'s table; every other column takes
    the value ``template`` (an unsaved instance) would be saved with, and a column with a
    database default (``db_default``) is left to the database."""
    from django.db import connection
    from django.db.models import JSONField
    from django.db.models.expressions import DatabaseDefault

    model = type(template)
    fixed: list[tuple[str, str]] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        value = field.pre_save(template, add=True)
        if isinstance(value, DatabaseDefault):
            continue
        if isinstance(field, JSONField):
            text = _copy_text(json.dumps(value, cls=field.encoder))
        else:
            text = _copy_text(field.get_db_prep_save(value, connection))
        fixed.append((field.column, text))
    tail = "".join("\t" + text for _, text in fixed)
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row) + tail + "\n")
    buffer.seek(0)
    names = ", ".join(f'"{c}"' for c in [*columns, *(c for c, _ in fixed)])
    cursor.copy_expert(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN', buffer)


def _next_ids(cursor: Any, model: Any, count: int) -> list[int]:
    """``count`` primary keys from the table's own sequence (rows COPY writes return none)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _meeting_at(index: int, now: datetime) -> tuple[datetime, str]:
    """The start and status of mentorship number ``index``'s one meeting."""
    from meetings.models import Meeting

    k = index % 10
    if k == 0:  # a reminder is due: confirmed, in the next 24 hours
        return now + timedelta(hours=20), Meeting.Status.CONFIRMED
    if k == 1:  # a follow-up is due: held, ended five hours ago
        return now - timedelta(hours=5, minutes=30), Meeting.Status.HELD
    if k < 6:  # later: nothing due yet
        return now + timedelta(days=10), Meeting.Status.CONFIRMED
    return now - timedelta(days=40), Meeting.Status.HELD  # long ago: nothing due any more


def fill_postgresql(n: int, program: Any, now: datetime, chunk: int = 50_000) -> None:
    """The same rows as ``fill_orm``, written with COPY, a chunk per transaction."""
    from django.db import connection, transaction

    from accounts.models import User
    from matching.models import Mentorship
    from meetings.models import Meeting
    from programs.models import Participant, Role

    for offset in range(0, n, chunk):
        size = min(chunk, n - offset)
        with transaction.atomic(), connection.cursor() as cursor:
            users = _next_ids(cursor, User, 2 * size)
            _copy(
                cursor,
                User(time_zone="UTC"),
                ["id", "email", "full_name"],
                (
                    (
                        users[2 * i + j],
                        f"b{offset + i}-{side}@example.com",
                        f"Bench {side} {offset + i}",
                    )
                    for i in range(size)
                    for j, side in enumerate(("mentor", "mentee"))
                ),
            )
            people = _next_ids(cursor, Participant, 2 * size)
            _copy(
                cursor,
                Participant(program=program, role=Role.MENTOR),
                ["id", "user_id", "role"],
                (
                    (people[j], users[j], Role.MENTOR if j % 2 == 0 else Role.MENTEE)
                    for j in range(2 * size)
                ),
            )
            mentorships = _next_ids(cursor, Mentorship, size)
            _copy(
                cursor,
                Mentorship(program=program),
                ["id", "mentor_id", "mentee_id"],
                ((mentorships[i], people[2 * i], people[2 * i + 1]) for i in range(size)),
            )
            rows = []
            for i in range(size):
                start, status = _meeting_at(offset + i, now)
                rows.append((mentorships[i], start, start + timedelta(minutes=30), status))
            _copy(
                cursor,
                Meeting(starts_at=now, ends_at=now),
                ["mentorship_id", "starts_at", "ends_at", "status"],
                rows,
            )
    with connection.cursor() as cursor:
        # What autovacuum would do soon after: the planner's statistics for the new rows.
        for model in (User, Participant, Mentorship, Meeting):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def fill_orm(n: int, program: Any, now: datetime, chunk: int = 5_000) -> None:
    """N pairs (a mentor and a mentee, each a user and a participant) with one meeting each."""
    from accounts.models import User
    from matching.models import Mentorship
    from meetings.models import Meeting
    from programs.models import Participant, Role

    for offset in range(0, n, chunk):
        size = min(chunk, n - offset)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"b{offset + i}-{side}@example.com",
                    full_name=f"Bench {side} {offset + i}",
                    time_zone="UTC",
                )
                for i in range(size)
                for side in ("mentor", "mentee")
            ]
        )
        people = Participant.objects.bulk_create(
            [
                Participant(
                    user=u, program=program, role=Role.MENTOR if j % 2 == 0 else Role.MENTEE
                )
                for j, u in enumerate(users)
            ]
        )
        mentorships = Mentorship.objects.bulk_create(
            [
                Mentorship(program=program, mentor=people[2 * i], mentee=people[2 * i + 1])
                for i in range(size)
            ]
        )
        meetings = []
        for i, mentorship in enumerate(mentorships):
            start, status = _meeting_at(offset + i, now)
            meetings.append(
                Meeting(
                    mentorship=mentorship,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30),
                    status=status,
                )
            )
        Meeting.objects.bulk_create(meetings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentorships", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=2_000)
    args = parser.parse_args()

    started_run = time.perf_counter()
    os.environ["TWOWAY_VAR_DIR"] = tempfile.mkdtemp(prefix="twoway-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DJANGO_ENV"] = "test"  # in-process email and cache, eager tasks
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from matching.models import Mentorship
    from meetings import reminders as scans
    from notifications.models import Delivery
    from notifications.reminders import deliveries_send_due
    from programs.models import Organization, Program

    n = args.mentorships
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    if Mentorship.objects.exists():
        # A kept BENCH_DATABASE_URL database, filled by an earlier run (of the same day: the
        # meetings are placed around that day's noon).
        n = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).count()
        how = "reused"
    else:
        org = Organization.objects.create(name="Bench Org", slug="bench-org")
        program = Program.objects.create(organization=org, name="Bench", slug="bench")
        if connection.vendor == "postgresql":
            fill_postgresql(n, program, now)
            how = "built with COPY"
        else:
            fill_orm(n, program, now)
            how = "built with bulk_create"
    built = time.perf_counter() - started
    print(
        f"Twoway reminder scan benchmark: {connection.vendor}, {n:,} active mentorships "
        f"({how} in {built:.1f} s)",
        flush=True,
    )

    # What one batch of BATCH meetings costs by design, whatever the total: the page (one select
    # with the two people joined), the away-mentor lookup, and the ledger insert, which Django
    # sends as ceil(2 × BATCH / bulk_batch_size) statements (one on PostgreSQL; SQLite's
    # 999-parameter limit splits it) in one transaction whose BEGIN and COMMIT it logs too.
    # Fixed besides: the empty page that ends the walk, and for meeting reminders the circles'
    # meetings (none here).
    ledger_fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    rows_per_batch = 2 * scans.BATCH
    inserts = math.ceil(
        rows_per_batch / connection.ops.bulk_batch_size(ledger_fields, [None] * rows_per_batch)
    )
    per_batch = 1 + 1 + inserts + 2
    fixed = {"meeting reminders": 2, "follow-ups": 1}
    # Meetings due, as fill_* places them: mentorship i has a reminder due when i % 10 == 0,
    # a follow-up when i % 10 == 1.
    due_meetings = {"meeting reminders": (n + 9) // 10, "follow-ups": (n + 8) // 10}

    seconds: dict[str, float] = {}
    totals = Counter[str]()
    all_fixed = True
    for name, scan in (
        ("meeting reminders", scans.meeting_reminders_scan),
        ("follow-ups", scans.follow_ups_scan),
    ):
        batches = max(1, math.ceil(due_meetings[name] / scans.BATCH))
        allowed = per_batch * batches + fixed[name]
        for run in ("first", "second"):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                found = scan(now=now)
                elapsed = time.perf_counter() - t0
            queries = len(ctx.captured_queries)
            kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries)
            ok = queries <= allowed and found == 2 * due_meetings[name]
            all_fixed &= ok
            seconds[name] = max(seconds.get(name, 0.0), elapsed)
            totals["queries"] += queries
            totals["batches"] += batches
            print(
                f"{name:<18} {run} scan: {elapsed:7.1f} s, {found:,} due, {queries:,} queries in "
                f"{batches:,} batches of {scans.BATCH} meetings = {queries / batches:.2f} per batch "
                f"(design: ≤ {per_batch} × batches + {fixed[name]} = {allowed:,}; "
                + ", ".join(f"{k.lower()} {v:,}" for k, v in kinds.most_common())
                + ")",
                flush=True,
            )
    rows = Delivery.objects.count()
    print(f"ledger rows after two scans of each: {rows:,} (one per person and meeting)", flush=True)
    t0 = time.perf_counter()
    done, errors = deliveries_send_due(now=now + timedelta(hours=5), limit=args.deliver)
    elapsed = time.perf_counter() - t0
    print(
        f"delivered {done:,} reminders in {elapsed:.1f} s ({done / elapsed:.0f} per second, {errors} errors)"
    )
    print(f"total run: {time.perf_counter() - started_run:.1f} s", flush=True)
    target(
        f"reminder scans over {TARGET_MENTORSHIPS:,} live mentorships, fixed queries per batch",
        f"{n:,} mentorships on {connection.vendor}: meeting reminders "
        f"{seconds['meeting reminders']:.1f} s, follow-ups {seconds['follow-ups']:.1f} s "
        f"(slower of two scans each), {totals['queries']:,} queries / {totals['batches']:,} "
        f"batches = {totals['queries'] / totals['batches']:.2f} per batch "
        f"(design ≤ {per_batch} per batch + 1 or 2 per scan)",
        all_fixed and n >= TARGET_MENTORSHIPS,
    )


if __name__ == "__main__":
    main()
