"""Time one mentee's ranking in the mentor directory at 10,000 mentors, and print the figures.

Run: make bench  (or .venv/bin/python benchmarks/ranking.py [--mentors N] [--repeat R]
[--profile])
Uses a throwaway SQLite database (or BENCH_DATABASE_URL, e.g.
postgres://postgres@127.0.0.1/twoway_bench_rank, which it fills once and keeps), DEBUG off. The
demo program gets ``--mentors`` more mentors with the facts the score reads (2-5 of the
organization's topics, cannot-help topics for some, help offered, formats, seniority,
department, languages, contact windows in six time zones, capacities of 1-4, a live mentorship
for a third of them so that their room varies, some not taking requests or away) and mentees
with goals on three topics. It prints the median and 95th percentile wall time, and the median
CPU time of this process, of

- (a) ``rank_totals`` over the mentors' ``MentorFacts``, read once (scoring and order);
- (b) ``mentors_as_facts`` over the program's mentors (reading them from the database);
- (c) ``mentor_directory`` for a mentee it has not ranked (the next of ``--repeat`` mentees
  each time): the directory's whole uncached ranking, the mentee's facts, the score and the
  order, with the program's mentors as the cache keeps them between writes; and the same
  after a write in the program (its version changed: the mentors are read again), for every
  mentor ("every", the TARGET line) and for those with room (the page's default filter);
- (d) the directory page through Django's test client signed in as a mentee, after a write in
  the program and with the ranking kept.

With ``--profile`` it prints cProfile's top functions of one ranking after a write. Timings on
a shared machine are noisy: read the medians, the CPU times, and the p95 as a hint only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import django_with_demo, settle_filled_tables, target  # noqa: E402

ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
]
DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", "Product", "Research", "Legal", ""]
LANGUAGES = ["en", "de", "es", "fr", "hi", "ja", "pt"]


def _fill(mentors: int) -> int:
    """Add ``mentors`` mentors to the demo program, with profiles, topics, windows and live
    mentorships (with bench mentees) that leave some of them full; returns the program's
    active mentor profiles."""
    from django.utils import timezone

    from accounts.models import User
    from matching.directory.selectors import (
        MentorCannotTopic,
        MentorTopic,
        active_mentor_profiles,
    )
    from matching.models import (
        Availability,
        ContactWindow,
        HelpKind,
        MeetingFormat,
        MentorProfile,
        Mentorship,
        Seniority,
    )
    from programs.models import Participant, Program, Role, Topic

    rng = random.Random(22)  # noqa: S311 (benchmark data)
    now = timezone.now()
    program = Program.objects.get(slug="demo")
    if User.objects.filter(email="bench-mentor0@example.com").exists():
        return active_mentor_profiles(program).count()  # filled by an earlier run
    topics = list(Topic.objects.filter(organization_id=program.organization_id))
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-mentor{i}@example.com",
                full_name=f"Bench Mentor {i}",
                department=rng.choice(DEPARTMENTS),
                job_title="Bench mentor",
                languages=rng.sample(LANGUAGES, rng.choice([1, 1, 2, 3])),
                time_zone=rng.choice(ZONES),
            )
            for i in range(mentors)
        ],
        batch_size=1000,
    )
    people = Participant.objects.bulk_create(
        [Participant(user=u, program=program, role=Role.MENTOR) for u in users],
        batch_size=1000,
    )
    help_kinds, formats = list(HelpKind.values), list(MeetingFormat.values)
    profiles = MentorProfile.objects.bulk_create(
        [
            MentorProfile(
                participant=p,
                headline=f"Bench mentor {i}",
                seniority=rng.choice([*Seniority.values, ""]),
                help_offered=rng.sample(help_kinds, rng.randint(0, 3)),
                formats=rng.sample(formats, rng.randint(1, 4)),
                capacity=rng.choice([1, 2, 2, 3, 4]),
                accepting_requests=rng.random() > 0.1,
                away_until=(now + timezone.timedelta(days=30)).date()
                if rng.random() < 0.05
                else None,
            )
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    offered, cannot = [], []
    for profile in profiles:
        chosen = rng.sample(topics, rng.randint(2, 5))
        offered += [MentorTopic(mentorprofile_id=profile.pk, topic_id=t.pk) for t in chosen]
        if rng.random() < 0.3:
            rest = [t for t in topics if t not in chosen]
            cannot += [
                MentorCannotTopic(mentorprofile_id=profile.pk, topic_id=t.pk)
                for t in rng.sample(rest, rng.randint(1, 2))
            ]
    MentorTopic.objects.bulk_create(offered, batch_size=2000)
    MentorCannotTopic.objects.bulk_create(cannot, batch_size=2000)
    zones = {p.pk: u.time_zone for p, u in zip(people, users, strict=True)}
    # Most mentors have contact windows: a few usual hours (many share them), some none.
    with_windows = [p for p in people if rng.random() < 0.9]
    availabilities = Availability.objects.bulk_create(
        [Availability(participant=p, time_zone=zones[p.pk]) for p in with_windows],
        batch_size=1000,
    )
    windows = []
    for availability in availabilities:
        start = rng.choice([8, 9, 10, 13, 15])
        days = rng.sample(range(5), rng.randint(1, 3))
        windows += [
            ContactWindow(
                availability=availability,
                weekday=day,
                start_time=clock(start, 0),
                end_time=clock(start + rng.choice([1, 2]), rng.choice([0, 30])),
            )
            for day in sorted(days)
        ]
    ContactWindow.objects.bulk_create(windows, batch_size=2000)
    # Live mentorships: a bench mentee each, for about a third of the mentors (their room drops).
    busy = rng.sample(people, len(people) // 3)
    mentee_users = User.objects.bulk_create(
        [
            User(email=f"bench-busy{i}@example.com", full_name=f"Bench Busy {i}")
            for i in range(len(busy))
        ],
        batch_size=1000,
    )
    mentees = Participant.objects.bulk_create(
        [Participant(user=u, program=program, role=Role.MENTEE) for u in mentee_users],
        batch_size=1000,
    )
    Mentorship.objects.bulk_create(
        [
            Mentorship(program=program, mentor=mentor, mentee=mentee, started_at=now)
            for mentor, mentee in zip(busy, mentees, strict=True)
        ],
        batch_size=1000,
    )
    return active_mentor_profiles(program).count()


def _mentees(count: int) -> list[Any]:
    """``count`` mentees of the demo program with the same facts: two active goals on three
    topics, kinds of help and formats wanted, a seniority, two languages, working hours in
    Berlin. Each is ranked for the first time once (the program's mentors kept, their ranking
    not)."""
    from accounts.models import User
    from goals.models import Goal
    from matching.models import MenteeProfile
    from programs.models import Participant, Program, Role, Topic

    program = Program.objects.get(slug="demo")
    topics = list(Topic.objects.filter(organization_id=program.organization_id).order_by("name"))
    users = []
    for i in range(count):
        found = User.objects.filter(email=f"bench-mentee{i}@example.com").first()
        if found is not None:  # made by an earlier run
            users.append(found)
            continue
        user = User.objects.create(
            email=f"bench-mentee{i}@example.com",
            full_name=f"Bench Mentee {i}",
            department="Engineering",
            languages=["en", "de"],
            time_zone="Europe/Berlin",
        )
        participant = Participant.objects.create(user=user, program=program, role=Role.MENTEE)
        MenteeProfile.objects.create(
            participant=participant,
            help_wanted=["coach", "connector"],
            formats=["video", "coffee"],
            seniority="mid",
        )
        for title, chosen in (("Lead a team", topics[2:4]), ("Speak up", topics[7:8])):
            Goal.objects.create(owner=participant, title=title).topics.set(chosen)
        users.append(user)
    return users


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """The median and 95th percentile wall time, and the median CPU time of this process, in
    ms, of ``repeat`` runs after one warm-up (on a shared machine the CPU time says more)."""
    run()
    timings, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    django_with_demo()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from matching.access import get_directory_viewer
    from matching.directory.selectors import (
        DirectoryFilters,
        _filtered_mentors,
        directory_topic_list,
        mentee_facts,
        mentor_directory,
        mentors_as_facts,
    )
    from matching.score import rank_totals
    from mentorship.cache import directory_version
    from programs.models import Program

    started = time.perf_counter()
    total = _fill(args.mentors)
    users = _mentees(args.repeat + 1)
    settle_filled_tables()
    program = Program.objects.get(slug="demo")
    viewers = [get_directory_viewer(program=program, user=user) for user in users]
    viewer, user = viewers[0], users[0]
    topics = directory_topic_list(program=program)
    names = {t.pk: t.name for t in topics}
    today = timezone.localdate(timezone=user.zoneinfo)
    every = DirectoryFilters(has_room=False)
    scope = _filtered_mentors(program=program, viewer=viewer, filters=every, today=today)
    me = mentee_facts(viewer=viewer, today=today)
    facts = [mentor for mentor, _ in mentors_as_facts(scope, today=today, names=names)]
    print(
        f"Twoway ranking benchmark: {connection.vendor}, demo program with {total} active "
        f"mentors (filled in {time.perf_counter() - started:.0f} s), {args.repeat} runs each; "
        "a shared machine: wall times are noisy, the CPU time of this process less so"
    )

    def rank(filters: DirectoryFilters, *, after_write: bool) -> Callable[[], object]:
        """mentor_directory for a mentee not ranked with these filters today: the next one;
        after a write in the program (its version changed: its mentors are read again) or
        not (its mentors kept)."""
        turn = iter(viewers)

        def run() -> object:
            if after_write:
                directory_version(program.pk).change()
                who = viewer
            else:
                who = next(turn)
            return mentor_directory(program=program, viewer=who, filters=filters, topics=topics)

        return run

    directory_version(program.pk).change()
    with_room = len(rank(DirectoryFilters(), after_write=True)())
    assert len(rank(every, after_write=True)()) == len(facts), "the directory ranks everyone"
    figures = {
        "score": _timed(lambda: rank_totals(me, facts), args.repeat),
        "facts": _timed(lambda: mentors_as_facts(scope, today=today, names=names), args.repeat),
        "ranking all": _timed(rank(every, after_write=False), args.repeat),
        "ranking room": _timed(rank(DirectoryFilters(), after_write=False), args.repeat),
        "write all": _timed(rank(every, after_write=True), args.repeat),
        "write room": _timed(rank(DirectoryFilters(), after_write=True), args.repeat),
    }
    client = Client()
    client.force_login(user)
    url = "/programs/demo/mentors/"

    def cold() -> None:
        directory_version(program.pk).change()
        assert client.get(url).status_code == 200

    figures["page cold"] = _timed(cold, args.repeat)
    figures["page warm"] = _timed(lambda: client.get(url), args.repeat)
    labels = {
        "score": f"(a) rank_totals over {len(facts)} MentorFacts (scoring and order)",
        "facts": f"(b) mentors_as_facts, {len(facts)} mentors (read from the database)",
        "ranking all": f"(c) a mentee's ranking, every mentor ({len(facts)}), mentors kept",
        "ranking room": f"(c) a mentee's ranking, those with room ({with_room}), mentors kept",
        "write all": "(c) the same after a write in the program, every mentor",
        "write room": "(c) the same after a write in the program, those with room",
        "page cold": f"(d) {url} after a write in the program",
        "page warm": f"(d) {url} ranking kept",
    }
    print(f"{'what':<72}{'median ms':>11}{'p95 ms':>9}{'cpu ms':>9}")
    for name, label in labels.items():
        median, p95, cpu = figures[name]
        print(f"{label:<72}{median:>11.1f}{p95:>9.1f}{cpu:>9.1f}")
    median, p95, cpu = figures["ranking all"]
    after, after_p95, after_cpu = figures["write all"]
    target(
        f"a mentee's ranking at {len(facts):,} mentors well under 100 ms",
        f"median {median:.1f} ms, p95 {p95:.1f} ms, cpu {cpu:.1f} ms (mentor_directory, "
        f"uncached ranking, the program's mentors kept; after a write in the program, read "
        f"again: median {after:.1f} ms, p95 {after_p95:.1f} ms, cpu {after_cpu:.1f} ms; "
        f"{connection.vendor})",
        median < 100,
    )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(rank(every, after_write=True))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
