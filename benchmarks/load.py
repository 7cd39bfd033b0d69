"""Load test: Twoway run the production way, driven by locust through realistic journeys.

Run: .venv/bin/python benchmarks/load.py --postgres postgres://postgres@127.0.0.1:5432/postgres
     --redis redis://127.0.0.1:6379/0   (or BENCH_POSTGRES_URL and BENCH_REDIS_URL set; without
     them it says so and does nothing, which is what `make bench` gets by default)

1. Creates database twoway_load on that PostgreSQL server (dropped first if it is there), seeds
   the demo and grows the demo program to 5,000 participants with months of history
   (benchmarks/dashboard.py's `_grow`), and makes a logged-in session for each simulated person.
   The mentors of the simulated mentees connect their own calendars, on a real CalDAV server
   (Radicale, started on loopback) with busy blocks over the next two weeks, so the slot picker
   leaves their busy times out and the meetings proposed are written there by the worker.
2. Starts gunicorn (2 sync workers, production settings, plain HTTP on loopback) and one Celery
   worker on Redis database 13 of that server. With --servers 2 (or more), as many app servers,
   each a gunicorn and a Celery worker with a local folder of its own, behind HAProxy (Debian's
   package, round robin; every answer says which server gave it in X-Served-By), with uploaded
   files in one S3 bucket (moto's S3 server on loopback) and the same PostgreSQL and Redis.
3. Runs locust headless on loopback: 20 users for 60 s by default, each a real mentee, mentor or
   admin of the program with 1-3 s of thinking between steps (see benchmarks/locustfile.py).
   With two or more servers it then checks, talking to each server directly, that one sign-in
   holds on every server, that a file sent through one downloads through another, that an API
   token's rate limit counts all servers together, that a ranking kept by one is read by the
   other and forgotten by a write on either, and that the workers drain the reminder ledger
   (benchmarks/_across_servers.py).
4. Runs the directory alone, then the lightest signed-in page (the notification centre), then a
   bare Django view served by the same gunicorn, with the same settings and no think time, and
   compares their throughput.
5. Prints requests per second, p50/p95/p99 per page and the errors, and whether the targets are
   met: 0 errors; p95 <= 150 ms for the directory, the mentorship page, the dashboard, the slot
   picker (with connected calendars), a page of 100 mentorships through the API (an admin's
   token) and sending a message, p95 <= 30 ms for the messages poll; the lightest signed-in
   page's throughput >= 25 % of the bare view's, the directory's >= 50 % of the lightest page's;
   with several servers, every server served and every check across servers held. Each
   target's line starts with TARGET (benchmarks/_bench.py).

--participants 50000 --mentors 10000 is the large organization (issue 22).

Everything it started is stopped at the end, on Ctrl-C and on SIGTERM. It takes about 3 minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import settle_filled_tables, target  # noqa: E402
from _load_common import (  # noqa: E402
    BARE_PATH,
    BENCHMARKS,
    BIN,
    Processes,
    app_environment,
    collect_static,
    django_on,
    free_port,
    fresh_database,
    machine,
    port_open,
    redis_database,
    session_for,
    start_balancer,
    start_beat,
    start_gunicorn,
    start_s3,
    start_worker,
    stop_on_sigterm,
    sync_schedules,
    use_broker,
    wait_for_port,
    wait_for_worker,
    work_folder,
)

DATABASE = "twoway_load"
REDIS_DB = 13
# p95 targets per page of the journeys, in ms.
TARGETS = {
    "directory": 150,
    "mentorship": 150,
    "dashboard": 150,
    "propose meeting": 150,
    "api list": 150,
    "message send": 150,
    "message poll": 30,
}
TARGET_LIGHTEST = 0.25  # the lightest signed-in page's throughput ÷ the bare view's
TARGET_DIRECTORY = 0.50  # the directory's ÷ the lightest signed-in page's
JOURNEYS = ("MenteeJourney", "MentorJourney", "AdminJourney")


def _plan(*, think: tuple[float, float], people: int = 30) -> dict[str, Any]:
    """Who the simulated people are (real accounts of the seeded program, with sessions) and
    what they can open: their mentorship, their requests, topics and words to search for."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count, Exists, F, OuterRef, Q

    from accounts.mfa import user_has_mfa
    from api.scopes import Scope
    from api.services import token_create
    from goals.models import Goal
    from matching.models import MentorProfile, Mentorship, MentorshipRequest
    from programs.access import program_admin_participations
    from programs.models import Participant, Program, Role, Topic

    live = Mentorship.LIVE_STATUSES
    program = Program.objects.get(slug="demo")
    active = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
    has_goal = Exists(Goal.objects.filter(owner=OuterRef("pk"), status=Goal.Status.ACTIVE))

    paired = (
        Mentorship.objects.filter(program=program, status__in=live)
        .select_related("mentee__user")
        .order_by("pk")[:people]
    )
    mentees = [{"email": m.mentee.user.email, "mentorship": m.pk} for m in paired]
    unpaired = (
        active.filter(role=Role.MENTEE)
        .filter(has_goal)
        .exclude(mentorships_as_mentee__status__in=live)
        .select_related("user")
        .order_by("pk")[:people]
    )
    mentees += [{"email": p.user.email, "mentorship": None} for p in unpaired]

    waiting: dict[int, list[int]] = {}
    for request_id, mentor_id in MentorshipRequest.objects.filter(
        program=program, status=MentorshipRequest.Status.PENDING
    ).values_list("pk", "mentor_id"):
        waiting.setdefault(mentor_id, []).append(request_id)
    mentors = []
    for participant in active.filter(pk__in=list(waiting)[:people]).select_related("user"):
        mine = (
            Mentorship.objects.filter(mentor=participant, status__in=live)
            .values_list("pk", flat=True)
            .first()
        )
        mentors.append(
            {
                "email": participant.user.email,
                "requests": waiting[participant.pk][:5],
                "mentorship": mine,
            }
        )
    admin_participations = list(
        program_admin_participations().filter(program=program).select_related("user").order_by("pk")
    )
    # Production settings require admins to sign in with two factors: they have set it up.
    for participation in admin_participations:
        if not user_has_mfa(participation.user):
            TOTP.activate(participation.user, generate_totp_secret())
    admins = [
        {
            "email": p.user.email,
            "api_key": token_create(user=p.user, name="Load test", scopes=list(Scope.values))[1],
        }
        for p in admin_participations
    ]

    with_room = (
        MentorProfile.objects.filter(
            participant__in=active.filter(role=Role.MENTOR), accepting_requests=True
        )
        .annotate(
            live=Count(
                "participant__mentorships_as_mentor",
                filter=Q(participant__mentorships_as_mentor__status__in=live),
            )
        )
        .filter(capacity__gt=F("live"))
        .order_by("?")
        .values_list("participant_id", "participant__user_id")[:200]
    )
    topics = list(Topic.objects.filter(organization=program.organization).order_by("name"))
    for person in mentees + mentors + admins:
        person["session"] = session_for(person["email"])
    return {
        "slug": program.slug,
        "bare_path": BARE_PATH,
        "think": think,
        "mentees": mentees,
        "mentors": mentors,
        "admins": admins,
        "askable": [pk for pk, _ in with_room],
        "people": [user_id for _, user_id in with_room],
        "topics": [t.pk for t in topics],
        "search_words": ["bench", "mentor", *(t.name.split()[0].lower() for t in topics[:6])],
    }


BUSY_BLOCKS = 20  # per connected calendar, over the two weeks the picker offers
CALDAV_USER, CALDAV_PASSWORD = "bench", secrets.token_urlsafe(12)


def _calendars(plan: dict[str, Any], processes: Processes, folder: Path) -> int:
    """Start Radicale on loopback and connect the calendar of each simulated mentee's mentor,
    with busy blocks in it, through the same service the calendar page uses; how many."""
    import random
    from datetime import timedelta

    from caldav.davclient import DAVClient
    from django.utils import timezone

    from matching.models import Mentorship
    from meetings.services.calendars import calendar_connect

    users = folder / "radicale-users"
    users.write_text(f"{CALDAV_USER}:{CALDAV_PASSWORD}\n")
    port = free_port()
    processes.start(
        "radicale",
        [
            sys.executable,
            "-m",
            "radicale",
            f"--storage-filesystem-folder={folder / 'radicale'}",
            f"--server-hosts=127.0.0.1:{port}",
            "--auth-type=htpasswd",
            f"--auth-htpasswd-filename={users}",
            "--auth-htpasswd-encryption=plain",
            "--auth-delay=0",
            "--logging-level=warning",
        ],
        dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for_port(processes, "radicale", url, port)
    principal = DAVClient(url=url, username=CALDAV_USER, password=CALDAV_PASSWORD).principal()
    rng = random.Random(7)  # noqa: S311 (the same busy blocks every run)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    ids = [m["mentorship"] for m in plan["mentees"] if m["mentorship"]]
    mentors = {
        m.mentor.user for m in Mentorship.objects.filter(pk__in=ids).select_related("mentor__user")
    }
    for mentor in mentors:
        calendar = principal.make_calendar(name=f"Work {mentor.pk}")
        for number in range(BUSY_BLOCKS):
            start = now + timedelta(hours=rng.randrange(24, 24 * 14))
            calendar.save_event(
                dtstart=start, dtend=start + timedelta(hours=1), summary="Busy", uid=f"b{number}"
            )
        calendar_connect(
            user=mentor,
            server_url=url,
            username=CALDAV_USER,
            password=CALDAV_PASSWORD,
            calendar_name=f"Work {mentor.pk}",
        )
    return len(mentors)


def _one_at_a_time(base: str, plan: dict[str, Any], repeat: int = 5) -> dict[str, float]:
    """Each page alone, before the load: two rounds to warm both gunicorn workers up (templates,
    connections), then the median of ``repeat`` rounds in ms, to tell work from waiting."""
    mentee, mentor, admin = plan["mentees"][0], plan["mentors"][0], plan["admins"][0]
    slug = plan["slug"]
    pages = [
        ("directory", mentee, f"/programs/{slug}/mentors/"),
        ("profile", mentee, f"/programs/{slug}/people/{plan['people'][0]}/"),
        ("request form", mentee, f"/programs/{slug}/mentors/{plan['askable'][0]}/request/"),
        ("mentorship", mentee, f"/mentorships/{mentee['mentorship']}/"),
        ("propose meeting", mentee, f"/mentorships/{mentee['mentorship']}/meetings/new/"),
        ("messages", mentee, f"/mentorships/{mentee['mentorship']}/messages/"),
        # What an open conversation asks every few seconds when nothing is new (204).
        (
            "message poll",
            mentee,
            f"/mentorships/{mentee['mentorship']}/messages/poll/?after={10**12}",
        ),
        ("inbox", mentor, "/requests/"),
        ("request (mentor)", mentor, f"/requests/{mentor['requests'][0]}/"),
        ("dashboard", admin, f"/programs/{slug}/dashboard/"),
        # The lightest signed-in page (session, user, navigation, a short list): what any page
        # costs before its own work, beside the bare view's Django and middleware alone.
        ("notifications", mentee, "/notifications/"),
        ("bare view", None, BARE_PATH),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    for round_number in range(2 + repeat):
        for name, person, url in pages:
            headers = {"Cookie": f"sessionid={person['session']}"} if person else {}
            request = urllib.request.Request(base + url, headers=headers)  # noqa: S310 (loopback)
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                assert response.status in (200, 204), (url, response.status)
            if round_number >= 2:
                timings[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def _locust(
    *,
    base: str,
    plan_path: Path,
    folder: Path,
    label: str,
    classes: tuple[str, ...],
    users: int,
    spawn_rate: float,
    seconds: int,
    processes: Processes,
) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """One headless locust run; its stats per name and its failures."""
    prefix = folder / label
    env = {
        **os.environ,
        "TWOWAY_LOAD_PLAN": str(plan_path),
        "TWOWAY_SERVED_BY": f"{prefix}_served.json",
    }
    process = processes.start(
        f"locust-{label}",
        [
            str(BIN / "locust"),
            "-f",
            str(BENCHMARKS / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
            "--only-summary",
            *classes,
        ],
        env,
    )
    try:
        process.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        processes.stop(f"locust-{label}")
        raise RuntimeError(f"locust ({label}) did not stop") from None
    processes.running.pop(f"locust-{label}", None)
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise RuntimeError(
            f"locust ({label}) wrote no stats:\n{processes.log_tail(f'locust-{label}')}"
        )
    with stats_path.open() as stats_file:
        stats = {row["Name"]: row for row in csv.DictReader(stats_file)}
    with Path(f"{prefix}_failures.csv").open() as failures_file:
        failures = list(csv.DictReader(failures_file))
    return stats, failures


def _row(name: str, row: dict[str, str]) -> str:
    return (
        f"{name:<24}{int(row['Request Count']):>9}{int(row['Failure Count']):>7}"
        f"{float(row['Requests/s']):>9.1f}{_ms(row['50%']):>8}{_ms(row['95%']):>8}{_ms(row['99%']):>8}"
    )


def _ms(value: str) -> str:
    return "–" if value in ("", "N/A") else f"{float(value):.0f}"


def _print_table(stats: dict[str, dict[str, str]]) -> None:
    print(
        f"{'page':<24}{'requests':>9}{'fails':>7}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    for name, row in sorted(stats.items()):
        if name != "Aggregated":
            print(_row(name, row))
    if "Aggregated" in stats:
        print(_row("all", stats["Aggregated"]))


def _print_failures(failures: list[dict[str, str]]) -> None:
    if not failures:
        print("Errors: none")
        return
    print("Errors:")
    for failure in failures:
        print(
            f"  {failure['Occurrences']:>5} × {failure['Method']} {failure['Name']}: {failure['Error'][:160]}"
        )


def _servers_words(args: argparse.Namespace) -> str:
    kind = "sync workers" if args.threads == 1 else f"gthread workers, {args.threads} threads each"
    each = f"gunicorn ({args.workers} {kind}), a Celery worker (solo pool) and a beat"
    if args.servers == 1:
        return f"one server: {each}"
    return (
        f"{args.servers} servers behind HAProxy (round robin), each {each} and its own local "
        "folder, uploads in one S3 bucket (moto's S3 server)"
    )


def _served(folder: Path, label: str) -> dict[str, int]:
    """How many of a locust run's requests each server answered (the balancer's X-Served-By)."""
    path = folder / f"{label}_served.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _checks_across(
    servers: dict[str, str], plan: dict[str, Any], redis_url: str, limit: int, s3: dict[str, str]
) -> list[tuple[str, bool, str]]:
    """The checks of _across_servers.py, with what they need from the database and Redis."""
    import boto3
    from _across_servers import (
        accept_one,
        check_kept_ranking,
        check_rate_limit,
        check_sessions,
        check_uploads,
    )
    from django.core.cache.backends.redis import RedisCache
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from api.scopes import Scope
    from api.services import token_create
    from matching.models import Mentorship
    from notifications.models import Delivery
    from programs.models import Participant

    mentee = next(m for m in plan["mentees"] if m["mentorship"])
    checks = [
        check_sessions(servers, mentee["session"]),
        check_uploads(servers, mentee["session"], mentee["mentorship"], _bucket_keys(boto3, s3)),
    ]
    key = token_create(
        user=_user(plan["admins"][0]["email"]), name="Across servers", scopes=list(Scope.values)
    )[1]
    checks.append(check_rate_limit(servers, key, limit))

    program_pk, mentee_pk = Participant.objects.filter(
        program__slug=plan["slug"], user__email=mentee["email"]
    ).values_list("program_id", "pk")[0]
    cache = RedisCache(redis_url, {"KEY_PREFIX": "twoway"})
    client = cache._cache.get_client(write=True)
    cache.set(f"version:directory:{program_pk}", secrets.token_hex(8), timeout=None)

    def ranking_ttl() -> int | None:
        """Milliseconds to live of the mentee's ranking kept under the current versions."""
        shared, mine = cache.get("version:directory"), cache.get(f"version:directory:{program_pk}")
        if shared is None or mine is None:
            return None
        pattern = (
            f"*version:directory:{shared}:version:directory:{program_pk}:{mine}:"
            f"directory:*:{program_pk}:{mentee_pk}:*"
        )
        found = [client.pttl(name) for name in client.scan_iter(match=pattern, count=1000)]
        return max(found) if found else None

    def mentorships() -> int:
        count = Mentorship.objects.count()
        connection.close()
        return count

    checks.append(
        check_kept_ranking(
            servers,
            mentee["session"],
            plan["slug"],
            ranking_ttl,
            lambda base: accept_one(base, plan["mentors"], mentorships),
        )
    )

    deadline = time.monotonic() + 150  # the beats start a sweep every minute
    while time.monotonic() < deadline:
        due = Delivery.objects.filter(state="pending", due_at__lte=timezone.now()).count()
        if due == 0:
            break
        time.sleep(1)
    states = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))
    checks.append(
        (
            "reminder ledger: the servers' workers drain it, each row once",
            due == 0 and states.get("sent", 0) > 0,
            f"{states.get('sent', 0)} sent, {due} due and waiting, "
            f"{states.get('failed', 0)} failed (one row per person and subject: a second insert "
            "is refused by the database)",
        )
    )
    connection.close()
    return checks


def _user(email: str) -> Any:
    from accounts.models import User

    return User.objects.get(email=email)


def _bucket_keys(boto3: Any, s3: dict[str, str]) -> Any:
    def keys() -> list[str]:
        client = boto3.client(
            "s3",
            endpoint_url=s3["STORAGE_S3_ENDPOINT_URL"],
            region_name=s3["STORAGE_S3_REGION"],
            aws_access_key_id=s3["STORAGE_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=s3["STORAGE_S3_SECRET_ACCESS_KEY"],
        )
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=s3["STORAGE_S3_BUCKET"])
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    return keys


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="a PostgreSQL server where it may create database twoway_load",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="a Redis server (it uses database 13)",
    )
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument(
        "--mentors", type=int, default=None, help="how many of them mentor (a third by default)"
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app servers (gunicorn and a Celery worker each); two or more run behind HAProxy "
        "with uploads in a shared S3 bucket, and the checks across servers run",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1: sync workers; more: gthread workers)",
    )
    parser.add_argument(
        "--api-rate-limit", type=int, default=600, help="API requests per token per minute"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=60, help="length of the journeys run")
    parser.add_argument(
        "--compare-seconds", type=int, default=30, help="length of each throughput run"
    )
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    args = parser.parse_args()

    if not (args.postgres and args.redis):
        print(
            "load.py: skipped; it needs a PostgreSQL server and a Redis server. Run it as\n"
            "  .venv/bin/python benchmarks/load.py --postgres postgres://postgres@127.0.0.1:5432/postgres"
            " --redis redis://127.0.0.1:6379/0\n"
            "(or set BENCH_POSTGRES_URL and BENCH_REDIS_URL)."
        )
        return 0
    for url, port, what in ((args.postgres, 5432, "PostgreSQL"), (args.redis, 6379, "Redis")):
        if not port_open(url, port):
            print(f"load.py: {what} does not answer at {url}", file=sys.stderr)
            return 1

    stop_on_sigterm()
    folder = work_folder("twoway-load-")
    processes = Processes(folder)
    try:
        return _run(args, folder, processes)
    except KeyboardInterrupt:
        print("\nload.py: interrupted; stopping what it started", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()
        print(f"(logs and locust CSVs in {folder})")


def _run(args: argparse.Namespace, folder: Path, processes: Processes) -> int:
    started = time.perf_counter()
    when = datetime.now(UTC)
    secret_key = secrets.token_urlsafe(50)
    database_url = fresh_database(args.postgres, DATABASE)
    redis_url = redis_database(args.redis, REDIS_DB)
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # our own database number: an empty queue

    django_on(database_url, secret_key)
    from dashboard import _grow
    from django.db import connection

    total = _grow(args.participants, mentor_count=args.mentors)
    plan = _plan(think=tuple(args.think))
    plan_path = folder / "plan.json"
    plan_path.write_text(json.dumps(plan))
    connected = _calendars(plan, processes, folder)
    settle_filled_tables()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    seeded = time.perf_counter() - started
    connection.close()

    shared = {"API_RATE_LIMIT": f"{args.api_rate_limit}/minute"}
    if args.servers > 1:
        shared.update(start_s3(processes))  # uploads in one bucket for every server
    servers: dict[str, str] = {}
    for number in range(1, args.servers + 1):
        name = f"app{number}"
        env = app_environment(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key,
            folder=folder,
            # Each server its own local folder, as on its own machine: nothing shared by disk.
            TWOWAY_VAR_DIR=str(folder / f"var-{name}"),
            **shared,
        )
        if number == 1:
            collect_static(env)
            sync_schedules(env)
        servers[name] = start_gunicorn(
            processes,
            env,
            free_port(),
            workers=args.workers,
            name=f"gunicorn-{name}",
            threads=args.threads,
        )
        start_worker(processes, env, name=f"worker-{name}")
        start_beat(processes, env, name=f"beat-{name}")
    base = start_balancer(processes, folder, servers) if args.servers > 1 else servers["app1"]
    use_broker(redis_url)
    wait_for_worker()
    alone = _one_at_a_time(base, plan)

    print(f"Twoway load test, {when:%Y-%m-%d %H:%M} UTC, {machine()}")
    print(
        f"PostgreSQL {server_version} database {DATABASE}: demo program with {total} participants "
        f"(seeded in {seeded:.0f} s), {connected} mentors with a connected CalDAV calendar "
        f"(Radicale, {BUSY_BLOCKS} busy blocks each); {_servers_words(args)} on "
        f"Redis database {REDIS_DB}, production settings, plain HTTP on 127.0.0.1; locust on the "
        "same machine."
    )
    print("\nEach page alone, one request at a time (median of 5, ms):")
    print("  " + ", ".join(f"{name} {ms:.0f}" for name, ms in alone.items()))
    print(
        f"\nJourneys: {args.users} users (mentees, mentors, admins weighted 6:2:1; "
        f"{len(plan['mentees'])} mentee, {len(plan['mentors'])} mentor and {len(plan['admins'])} "
        f"admin accounts), spawn rate {args.spawn_rate:g}/s, {args.seconds} s, "
        f"{args.think[0]:g}-{args.think[1]:g} s of thinking between steps"
    )
    from matching.models import MentorshipRequest

    before = MentorshipRequest.objects.count()
    common = {
        "base": base,
        "plan_path": plan_path,
        "folder": folder,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "processes": processes,
    }
    journeys, journey_failures = _locust(
        label="journeys", classes=JOURNEYS, seconds=args.seconds, **common
    )
    _print_table(journeys)
    _print_failures(journey_failures)
    served = _served(folder, "journeys")
    print("Served by: " + ", ".join(f"{name} {count}" for name, count in sorted(served.items())))
    sent = MentorshipRequest.objects.count() - before
    connection.close()
    print(
        f"Requests sent through the form: {sent} (the other asks got a refusal page, a valid answer)"
    )
    checks = (
        _checks_across(servers, plan, redis_url, args.api_rate_limit, shared)
        if args.servers > 1
        else []
    )
    for what, held, evidence in checks:
        print(f"  {'held' if held else 'FAILED'}: {what}: {evidence}")

    print(
        f"\nThroughput: {args.users} users back to back (no think time), spawn rate "
        f"{args.spawn_rate:g}/s, {args.compare_seconds} s each"
    )
    directory, directory_failures = _locust(
        label="directory", classes=("DirectoryOnly",), seconds=args.compare_seconds, **common
    )
    lightest, lightest_failures = _locust(
        label="lightest", classes=("LightestPage",), seconds=args.compare_seconds, **common
    )
    bare, bare_failures = _locust(
        label="bare", classes=("BareView",), seconds=args.compare_seconds, **common
    )
    both = {
        "directory": directory["directory"],
        "notifications": lightest["notifications"],
        "bare view": bare["bare view"],
    }
    _print_table(both)
    _print_failures(directory_failures + lightest_failures + bare_failures)
    bare_rate = float(both["bare view"]["Requests/s"])
    ratio = float(both["directory"]["Requests/s"]) / bare_rate
    print(f"Directory throughput / bare view throughput: {ratio:.1%}")
    print(
        "Directory throughput / the lightest signed-in page's: "
        f"{float(both['directory']['Requests/s']) / float(both['notifications']['Requests/s']):.1%}"
    )
    print(
        "The lightest signed-in page (notifications) / bare view throughput: "
        f"{float(both['notifications']['Requests/s']) / bare_rate:.1%}"
    )

    print("\nTargets")
    errors = sum(
        int(stats["Aggregated"]["Failure Count"]) for stats in (journeys, directory, lightest, bare)
    )
    scale = f"{total:,} participants, {args.servers} server{'s' if args.servers > 1 else ''}"
    met = [target(f"0 errors ({scale})", f"{errors} errors", errors == 0)]
    for name, limit in TARGETS.items():
        row = journeys.get(name)
        if row is None or int(row["Request Count"]) == 0:
            met.append(target(f"p95 <= {limit} ms for {name} ({scale})", "not measured", False))
            continue
        p95 = float(row["95%"])
        met.append(target(f"p95 <= {limit} ms for {name} ({scale})", f"{p95:.0f} ms", p95 <= limit))
    light_ratio = float(both["notifications"]["Requests/s"]) / bare_rate
    met.append(
        target(
            f"lightest signed-in page >= {TARGET_LIGHTEST:.0%} of the bare view's throughput",
            f"{light_ratio:.1%}",
            light_ratio >= TARGET_LIGHTEST,
        )
    )
    directory_ratio = float(both["directory"]["Requests/s"]) / float(
        both["notifications"]["Requests/s"]
    )
    met.append(
        target(
            f"directory >= {TARGET_DIRECTORY:.0%} of the lightest signed-in page's throughput",
            f"{directory_ratio:.1%}",
            directory_ratio >= TARGET_DIRECTORY,
        )
    )
    if args.servers > 1:
        met.append(
            target(
                f"every server answered part of the journeys ({args.servers} behind HAProxy)",
                ", ".join(f"{name} {count}" for name, count in sorted(served.items())),
                all(served.get(name, 0) > 0 for name in servers),
            )
        )
        for what, held, evidence in checks:
            met.append(target(what, evidence, held))
    print(
        f"  {sum(met)} of {len(met)} targets met; whole run {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
