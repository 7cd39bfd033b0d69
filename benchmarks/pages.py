"""Time Twoway's main pages with a large program, and print the figures.

Run: make bench  (or .venv/bin/python benchmarks/pages.py [--participants N])
Uses a throwaway SQLite database in a temporary folder (or BENCH_DATABASE_URL, a database it may
fill and keep, such as postgres://postgres@127.0.0.1/twoway_bench), with DEBUG off, renders each
page through Django's test client, and prints the median and 95th percentile time and the query count.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import django_with_demo, time_page  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    django_with_demo()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from matching.models import MentorProfile
    from programs.models import Participant, Program, Role

    program = Program.objects.get(slug="demo")
    existing = Participant.objects.filter(program=program).count()
    extra = max(0, args.participants - existing)
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.com", full_name=f"Bench Person {i}", department="Bench")
            for i in range(extra)
        ]
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(user=u, program=program, role=Role.MENTEE if i % 3 else Role.MENTOR)
            for i, u in enumerate(users)
        ]
    )
    # Every third bench person mentors, with a profile, so the directory ranks ~2,000 mentors.
    MentorProfile.objects.bulk_create(
        [
            MentorProfile(participant=p, headline=f"Bench mentor {i}", capacity=2)
            for i, p in enumerate(participants)
            if p.role == Role.MENTOR
        ]
    )
    total = Participant.objects.filter(program=program).count()

    pages = [
        ("admin@example.com", "/home/"),
        ("admin@example.com", "/programs/"),
        ("admin@example.com", "/programs/demo/"),
        ("admin@example.com", "/programs/demo/manage/"),
        ("admin@example.com", "/programs/demo/manage/?q=Bench+Person+1"),
        ("mentee1@example.com", "/home/"),
        ("mentee1@example.com", "/notifications/"),
        ("mentee1@example.com", "/goals/"),
        ("mentee1@example.com", "/programs/demo/profile/"),
        ("mentee1@example.com", "/programs/demo/people/2/"),
        ("mentor1@example.com", "/programs/demo/profile/"),
        ("mentee22@example.com", "/programs/demo/mentors/"),
        ("mentee22@example.com", "/programs/demo/mentors/?q=engineering&room=all"),
        ("mentor1@example.com", "/requests/"),
        ("mentor1@example.com", "/mentorships/"),
        (None, "/healthz"),
    ]
    print(
        f"Twoway page benchmark: {connection.vendor}, demo program with {total} participants, {args.repeat} runs each"
    )
    print(f"{'page':<48}{'as':<22}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for email, url in pages:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        queries, median, p95 = time_page(client, url, args.repeat)
        print(f"{url:<48}{email or 'anonymous':<22}{queries:>8}{median:>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
