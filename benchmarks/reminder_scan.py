"""Scan N active mentorships for due meeting reminders and follow-ups, and print the figures.

Run: make bench  (or .venv/bin/python benchmarks/reminder_scan.py [--mentorships N] [--deliver K])
Builds N mentorships (default 100,000) with one meeting each: one in ten confirmed for the next
24 hours (a reminder is due), one in ten held a few hours ago (a follow-up is due), the rest
later or long ago (nothing is due). Uses a throwaway SQLite database in a temporary folder, or
BENCH_DATABASE_URL (a database it may fill and keep). Prints the scan time, the queries per batch,
and the time to deliver K of the due reminders (in-app and email to Django's in-memory outbox).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentorships", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=2_000)
    args = parser.parse_args()

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

    from accounts.models import User
    from matching.models import Mentorship
    from meetings import reminders as scans
    from meetings.models import Meeting
    from notifications.models import Delivery
    from notifications.reminders import deliveries_send_due
    from programs.models import Organization, Participant, Program, Role

    n = args.mentorships
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    if not Mentorship.objects.exists():
        org = Organization.objects.create(name="Bench Org", slug="bench-org")
        program = Program.objects.create(organization=org, name="Bench", slug="bench")
        chunk = 5_000
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
                k = (offset + i) % 10
                if k == 0:  # a reminder is due: confirmed, in the next 24 hours
                    start, status = now + timedelta(hours=20), Meeting.Status.CONFIRMED
                elif k == 1:  # a follow-up is due: held, ended five hours ago
                    start, status = now - timedelta(hours=5, minutes=30), Meeting.Status.HELD
                elif k < 6:  # later: nothing due yet
                    start, status = now + timedelta(days=10), Meeting.Status.CONFIRMED
                else:  # long ago: nothing due any more
                    start, status = now - timedelta(days=40), Meeting.Status.HELD
                meetings.append(
                    Meeting(
                        mentorship=mentorship,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=30),
                        status=status,
                    )
                )
            Meeting.objects.bulk_create(meetings)
    built = time.perf_counter() - started
    print(
        f"Twoway reminder scan benchmark: {connection.vendor}, {n:,} active mentorships (built in {built:.1f} s)"
    )

    for name, scan in (
        ("meeting reminders", scans.meeting_reminders_scan),
        ("follow-ups", scans.follow_ups_scan),
    ):
        for run in ("first", "second"):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                found = scan(now=now)
                elapsed = time.perf_counter() - t0
            batches = max(1, -(-found // (2 * scans.BATCH))) if found else 1
            print(
                f"{name:<18} {run} scan: {elapsed:6.2f} s, {found:,} due, {len(ctx.captured_queries):,} queries "
                f"(~{len(ctx.captured_queries) / batches:.1f} per batch of {scans.BATCH} meetings)"
            )
    rows = Delivery.objects.count()
    print(f"ledger rows after two scans of each: {rows:,} (one per person and meeting)")
    t0 = time.perf_counter()
    done, errors = deliveries_send_due(now=now + timedelta(hours=5), limit=args.deliver)
    elapsed = time.perf_counter() - t0
    print(
        f"delivered {done:,} reminders in {elapsed:.1f} s ({done / elapsed:.0f} per second, {errors} errors)"
    )


if __name__ == "__main__":
    main()
