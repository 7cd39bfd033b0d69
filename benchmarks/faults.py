"""Fault drills: Twoway run the production way while PostgreSQL restarts, Redis stops and the
Celery worker is killed, with a light request loop going; prints what it observed.

Run: .venv/bin/python benchmarks/faults.py --postgres postgres://postgres@127.0.0.1:5432/postgres
     --redis redis://127.0.0.1:6379/0 --restart-services
It restarts that PostgreSQL server and stops that Redis server for about 10 s, for everybody
using them, so it does nothing without --restart-services (`make bench` runs it without, and
without BENCH_POSTGRES_URL/BENCH_REDIS_URL it says so and stops too). --rehearse runs every step
but injects no fault, to try the script out.

Set-up: database twoway_faults (dropped first if there) with the demo seeded, Redis database 14;
gunicorn (2 workers) and one Celery worker with production settings (CONN_MAX_AGE 60, connection
health checks on) and REMINDER_LEASE_SECONDS=3; a thread GETs a mentee's pages every 0.1 s; the
script sends notifications.deliver_due every 2 s while it waits, as beat does every 60 s.

1. postgres: restart the server; count failed requests and when they happened, and the time to
   the first good answer after it is back; then check the worker delivers reminders again.
2. redis: stop the server for ~10 s; count failed requests; meanwhile an admin nudges pairs on
   the dashboard and the script schedules reminders (notifications.reminders.reminder_schedule);
   they must wait in the ledger, then go out once each (in-app and email) when Redis is back.
3. worker: SIGKILL the worker while it delivers a batch; after a replacement starts, every
   reminder is sent, and no one gets an in-app notification twice.
Bounded: about 2 minutes. Everything it started is stopped at the end, on Ctrl-C and SIGTERM,
and the services are started again whatever happens.
"""

from __future__ import annotations

import argparse
import email
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_common import (  # noqa: E402
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
    start_gunicorn,
    start_worker,
    stop_on_sigterm,
    use_broker,
    wait_for_worker,
    work_folder,
)

DATABASE = "twoway_faults"
REDIS_DB = 14
LEASE_SECONDS = 3
TICK_SECONDS = 2.0
LOOP_PAUSE = 0.1
MAX_REDIS_DOWN = 15  # every outage of the shared services stays under 20 s


# ---------------------------------------------------------------------------
# HTTP, as a browser on loopback
# ---------------------------------------------------------------------------
class _LoopbackCookiePolicy(DefaultCookiePolicy):
    """Production marks cookies Secure; on loopback there is no TLS, so send them anyway."""

    def return_ok_secure(self, cookie: Cookie, request: Any) -> bool:
        return True


class Browser:
    """One logged-in person's cookies and requests; follows redirects like a browser."""

    def __init__(self, base: str, session_key: str) -> None:
        self.base = base
        self.jar = CookieJar(policy=_LoopbackCookiePolicy())
        self.jar.set_cookie(
            Cookie(
                version=0,
                name="sessionid",
                value=session_key,
                port=None,
                port_specified=False,
                domain=urlparse(base).hostname or "127.0.0.1",
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=False,
                comment=None,
                comment_url=None,
                rest={},
            )
        )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(
        self, path: str, data: dict[str, str] | None = None, timeout: float = 5
    ) -> tuple[int, str, str]:
        """(status, final path, body); status 0 when no answer came."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (loopback)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, urlparse(response.geturl()).path, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, path, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            return 0, path, str(exc)


@dataclass
class RequestLoop:
    """A mentee's pages, one every LOOP_PAUSE seconds, on a thread; every answer recorded."""

    browser: Browser
    pages: list[str]
    log: list[tuple[float, float, int, str]] = field(default_factory=list)  # start, end, status
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        n = 0
        while not self._stop.is_set():
            path = self.pages[n % len(self.pages)]
            n += 1
            start = time.monotonic()
            status, final, body = self.browser.open(path)
            ok = status == 200 and final == urlparse(path).path
            self.log.append((start, time.monotonic(), status if ok else -abs(status), path))
            self._stop.wait(LOOP_PAUSE)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def between(self, start: float, end: float) -> list[tuple[float, float, int, str]]:
        return [row for row in self.log if start <= row[0] <= end]


def _failed(rows: list[tuple[float, float, int, str]]) -> list[tuple[float, float, int, str]]:
    return [row for row in rows if row[2] <= 0]


# ---------------------------------------------------------------------------
# The ledger, as the script sees it
# ---------------------------------------------------------------------------
def _tick() -> bool:
    """One sweep, as beat sends it; False when the broker does not take it."""
    from mentorship.celery import app

    try:
        app.send_task("notifications.deliver_due", retry=False)
    except Exception:  # kombu raises several types for an unreachable broker
        # Connections pooled before an outage are dead: the next tick opens new ones.
        app._pool = None
        app.amqp._producer_pool = None
        return False
    return True


def _wait(check: Callable[[], bool], timeout: float, *, tick: bool = True) -> float | None:
    """Seconds until ``check()`` holds (ticking the sweep meanwhile), or None at the timeout."""
    from django.db import close_old_connections

    start = last_tick = time.monotonic()
    if tick:
        _tick()
    while time.monotonic() - start < timeout:
        close_old_connections()
        if check():
            return time.monotonic() - start
        if tick and time.monotonic() - last_tick >= TICK_SECONDS:
            _tick()
            last_tick = time.monotonic()
        time.sleep(0.05)  # other processes do the work: polling is the only way to see it
    return None


def _fault_users(prefix: str, count: int) -> list[Any]:
    """People whose reminders go out at once (no quiet hours), in UTC."""
    from datetime import time as clock

    from accounts.models import User
    from notifications.reminders import preferences_save

    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.com", full_name=f"Fault {prefix} {i}")
            for i in range(count)
        ]
    )
    for user in users:
        preferences_save(user=user, channels={}, quiet_start=clock(0), quiet_end=clock(0))
    return users


def _schedule(users: list[Any], title: str) -> list[int]:
    """One due reminder for each person, through the ledger's one entrance; the rows' ids."""
    from django.utils import timezone

    from notifications.models import Delivery, Reminder
    from notifications.reminders import reminder_schedule

    for user in users:
        reminder_schedule(
            recipient=user,
            kind=Reminder.ACTION_DUE,
            subject_key=f"fault:{user.pk}",
            period_key=title[-40:],
            title=f"{title} for {user.full_name}",
            due_at=timezone.now(),
        )
    return list(
        Delivery.objects.filter(recipient__in=users, title__startswith=title).values_list(
            "pk", flat=True
        )
    )


def _states(ids: list[int]) -> Counter[str]:
    from notifications.models import Delivery

    return Counter(Delivery.objects.filter(pk__in=ids).values_list("state", flat=True))


def _copies(ids: list[int], mail_folder: Path) -> tuple[Counter[int], Counter[int]]:
    """For each ledger row: how many in-app notifications and emails its person got for it."""
    from notifications.models import Delivery, Notification

    rows = list(Delivery.objects.filter(pk__in=ids).select_related("recipient"))
    in_app: Counter[int] = Counter()
    by_key = {(row.recipient_id, row.title): row.pk for row in rows}
    for recipient_id, title in Notification.objects.filter(
        recipient__in=[row.recipient_id for row in rows], kind=Notification.Kind.REMINDER
    ).values_list("recipient_id", "title"):
        if (recipient_id, title) in by_key:
            in_app[by_key[(recipient_id, title)]] += 1
    emails: Counter[int] = Counter()
    by_mail = {(row.recipient.email, row.title): row.pk for row in rows}
    for to, subject in _mails(mail_folder):
        for (address, title), pk in by_mail.items():
            if address == to and subject.endswith(title):
                emails[pk] += 1
    return in_app, emails


def _mails(folder: Path) -> list[tuple[str, str]]:
    """(to, subject) of every email the file backend wrote."""
    found = []
    for path in folder.glob("*.log"):
        for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk)
            subject = str(make_header(decode_header(message.get("Subject", ""))))
            found.append((message.get("To", ""), " ".join(subject.split())))
    return found


def _once_each(ids: list[int], mail_folder: Path) -> str:
    in_app, emails = _copies(ids, mail_folder)
    return (
        f"in-app notifications {sum(in_app.values())} for {len(ids)} rows "
        f"({_spread(in_app, ids)}); emails {sum(emails.values())} ({_spread(emails, ids)})"
    )


def _spread(counts: Counter[int], ids: list[int]) -> str:
    """How many rows got how many copies, e.g. "11 rows × 1"."""
    per_row = Counter(counts.get(pk, 0) for pk in ids)
    return ", ".join(
        f"{rows} row{'s' if rows != 1 else ''} × {copies}"
        for copies, rows in sorted(per_row.items())
    )


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
def _run_command(command: list[str], timeout: float = 30) -> tuple[int, str]:
    done = subprocess.run(  # noqa: S603 (the operator's own commands)
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def _postgres_answers(server_url: str) -> bool:
    import psycopg2

    parsed = urlparse(server_url)
    try:
        psycopg2.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname="postgres",
            connect_timeout=2,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _default_commands(postgres_url: str, redis_url: str) -> dict[str, str]:
    """This kind of machine's commands (a Debian PostgreSQL cluster, a daemonised redis-server);
    elsewhere pass --postgres-restart, --redis-stop and --redis-start."""
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    parsed = urlparse(redis_url)
    host, port = parsed.hostname or "127.0.0.1", str(parsed.port or 6379)
    return {
        "postgres_restart": (
            f"pg_ctlcluster --skip-systemctl-redirect {versions[-1]} main restart"
            if versions and shutil.which("pg_ctlcluster")
            else ""
        ),
        "redis_stop": f"redis-cli -h {host} -p {port} shutdown nosave",
        "redis_start": (
            f"redis-server --daemonize yes --bind 127.0.0.1 -::1 --port {port} --save '' "
            "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
        ),
    }


# ---------------------------------------------------------------------------
# The scenarios
# ---------------------------------------------------------------------------
@dataclass
class Drill:
    args: argparse.Namespace
    base: str
    loop: RequestLoop
    processes: Processes
    env: dict[str, str]
    redis_url: str
    mail_folder: Path
    admin: Browser
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))

    def fault(self, command: str) -> tuple[int, str]:
        if self.args.rehearse:
            return 0, "(rehearsal: not run)"
        return _run_command(shlex.split(command))

    def postgres(self) -> bool:
        print(f"\n1. PostgreSQL restart ({self.args.postgres_restart})")
        from django.db import connection

        time.sleep(2)  # a baseline of good answers first
        connection.close()
        start = time.monotonic()
        try:
            code, output = self.fault(self.args.postgres_restart)
        finally:
            restarted = time.monotonic()
            if not _wait_until_true(lambda: _postgres_answers(self.args.postgres), 15):
                _run_command(shlex.split(self.args.postgres_restart.replace(" restart", " start")))
        back = time.monotonic()
        print(f"   restart command exit {code} after {restarted - start:.1f} s {output[:200]}")
        print(f"   PostgreSQL answered again {back - start:.1f} s after the restart began")
        time.sleep(3)  # the loop goes on without help
        rows = self.loop.between(start - 2, time.monotonic())
        failed = _failed(rows)
        after = [row for row in failed if row[0] > back]
        first_good = next(
            (
                row
                for row in self.loop.between(start, time.monotonic())
                if row[2] > 0 and row[0] >= back - 0.001
            ),
            None,
        )
        print(
            f"   requests from 2 s before to 3 s after: {len(rows)}, failed {len(failed)}{_statuses(failed)}"
        )
        if failed:
            print(
                f"   failures between +{failed[0][0] - start:.2f} s and +{failed[-1][1] - start:.2f} s "
                f"of the restart; failed after PostgreSQL answered again: {len(after)}"
            )
        print(
            "   first good answer "
            + (
                f"{first_good[1] - back:.2f} s after PostgreSQL answered again"
                if first_good
                else "never"
            )
        )
        users = _fault_users(f"pg{self.run_id}-", 3)
        ids = _schedule(users, f"Fault drill {self.run_id} after restart")
        took = _wait(lambda: _states(ids).get("sent", 0) == len(ids), 60)
        print(
            f"   the worker after the restart: {len(ids)} reminders scheduled, "
            f"{_states(ids).get('sent', 0)} sent"
            + (f" in {took:.1f} s" if took is not None else " (timed out)")
        )
        ok = not after and first_good is not None and took is not None
        print(f"   => {'recovered by itself' if ok else 'did NOT recover by itself'}")
        return ok

    def redis(self) -> bool:
        down = min(self.args.redis_down, MAX_REDIS_DOWN)
        print(f"\n2. Redis stopped for {down:g} s ({self.args.redis_stop})")
        pairs = _quiet_pairs(3)
        users = _fault_users(f"redis{self.run_id}-", 5)
        time.sleep(1)
        start = time.monotonic()
        restarted = False
        try:
            code, output = self.fault(self.args.redis_stop)
            print(f"   stop command exit {code} {output[:200]}")
            # While it is down: an admin nudges pairs on the dashboard (the view writes the
            # ledger), and reminders are scheduled as a scan would.
            answers = [self._nudge(pair) for pair in pairs]
            ids = _nudged_rows(pairs) + _schedule(users, f"Fault drill {self.run_id} Redis down")
            # One sweep, as beat would send it: refused at once (or after kombu's 4 s connect
            # timeout), and only while there is time left, so the outage stays as planned.
            ticks = _tick() if time.monotonic() - start < down - 5 else None
            remaining = down - (time.monotonic() - start)
            if remaining > 0:
                time.sleep(remaining)
            waiting = _states(ids)
            down_rows = self.loop.between(start, time.monotonic())
        finally:
            if not self.args.rehearse:
                _run_command(shlex.split(self.args.redis_start))
            restarted = _wait_until_true(lambda: _redis_answers(self.redis_url), 10)
        back = time.monotonic()
        print(
            f"   Redis answered again {back - start:.1f} s after the stop (restarted: {restarted})"
        )
        print(
            f"   nudges posted on the dashboard while down: {answers} (200: the dashboard again, after the redirect)"
        )
        print(
            f"   a sweep sent while down: {'accepted' if ticks else 'refused' if ticks is False else 'not tried'}"
        )
        print(
            f"   requests while Redis was down: {len(down_rows)}, failed {len(_failed(down_rows))}"
            f"{_statuses(_failed(down_rows))}"
        )
        print(f"   ledger rows waiting while down: {len(ids)} ({dict(waiting)})")
        took = _wait(lambda: _states(ids).get("pending", 0) == 0, 60)
        for _ in range(2):  # more sweeps: nothing more may go out
            _tick()
        time.sleep(TICK_SECONDS)
        states = _states(ids)
        print(
            f"   after Redis came back: {dict(states)}"
            + (
                f", all out {took:.1f} s after it answered"
                if took is not None
                else ", NOT all out after 60 s"
            )
        )
        in_app, emails = _copies(ids, self.mail_folder)
        print(f"   {_once_each(ids, self.mail_folder)}")
        after_rows = self.loop.between(start, time.monotonic())
        print(
            f"   requests from the stop to now: {len(after_rows)}, failed {len(_failed(after_rows))}"
        )
        once = all(in_app.get(pk) == 1 and emails.get(pk) == 1 for pk in ids)
        ok = (
            not _failed(down_rows)
            and waiting.get("pending", 0) == len(ids)
            and states.get("sent", 0) == len(ids)
            and once
            and all(status == 200 for status in answers)
        )
        print(
            f"   => {'pages kept working; the reminders waited and went out once each' if ok else 'NOT as expected'}"
        )
        return ok

    def _nudge(self, mentorship_id: int) -> int:
        status, _, page = self.admin.open("/programs/demo/dashboard/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return status
        status, final, _ = self.admin.open(
            f"/programs/demo/dashboard/nudge/{mentorship_id}/",
            {"csrfmiddlewaretoken": token.group(1), "back": ""},
        )
        return status if final == "/programs/demo/dashboard/" else -status

    def worker(self) -> bool:
        print("\n3. Celery worker SIGKILLed mid-batch")
        count = self.args.batch
        users = _fault_users(f"kill{self.run_id}-", count)
        ids = _schedule(users, f"Fault drill {self.run_id} worker killed")
        start = time.monotonic()
        _tick()
        if _wait(lambda: _states(ids).get("sent", 0) >= 10, 60, tick=False) is None:
            print("   the worker sent nothing in 60 s")
            return False
        if self.args.rehearse:
            print("   (rehearsal: not killed)")
        else:
            self.processes.stop("worker", sig=signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(0.5)
        from django.db import close_old_connections
        from django.utils import timezone

        from notifications.models import Delivery

        close_old_connections()
        at_kill = _states(ids)
        in_flight = Delivery.objects.filter(
            pk__in=ids, state="pending", attempts__gt=0, due_at__gt=timezone.now()
        ).count()
        print(
            f"   {count} reminders due; killed {killed - start:.1f} s into the batch with "
            f"{at_kill.get('sent', 0)} sent, {in_flight} leased (in flight), "
            f"{at_kill.get('pending', 0)} pending"
        )
        start_worker(self.processes, self.env, name="worker")
        wait_for_worker()
        print(f"   replacement worker answering {time.monotonic() - killed:.1f} s after the kill")
        time.sleep(LEASE_SECONDS + 0.5)  # the killed worker's lease on its row runs out
        took = _wait(lambda: _states(ids).get("pending", 0) == 0, 90)
        for _ in range(2):
            _tick()
        time.sleep(TICK_SECONDS)
        states = _states(ids)
        in_app, emails = _copies(ids, self.mail_folder)
        print(
            f"   after the replacement: {dict(states)}"
            + (
                f", all out {took:.1f} s after the lease ran out"
                if took is not None
                else ", NOT all out"
            )
        )
        print(f"   {_once_each(ids, self.mail_folder)}")
        rows = self.loop.between(start, time.monotonic())
        print(f"   requests meanwhile: {len(rows)}, failed {len(_failed(rows))}")
        lost = [pk for pk in ids if in_app.get(pk, 0) == 0]
        doubled = [pk for pk in ids if in_app.get(pk, 0) > 1]
        doubled_mail = [pk for pk in ids if emails.get(pk, 0) > 1]
        ok = states.get("sent", 0) == count and not lost and not doubled and not _failed(rows)
        print(
            f"   => lost {len(lost)}, in-app doubled {len(doubled)}, emails doubled "
            f"{len(doubled_mail)}: {'nothing lost or doubled' if ok and not doubled_mail else 'NOT as expected'}"
        )
        return ok and not doubled_mail


def _statuses(failed: list[tuple[float, float, int, str]]) -> str:
    if not failed:
        return ""
    counts = Counter(-row[2] for row in failed)
    return (
        " ("
        + ", ".join(
            f"{n} × {'no answer' if status == 0 else status}"
            for status, n in sorted(counts.items())
        )
        + ")"
    )


def _wait_until_true(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)  # a server coming back: polling is the only way to see it
    return check()


def _quiet_pairs(count: int) -> list[int]:
    """Active pairs of the demo program nobody nudged this week, their people reachable at once."""
    from datetime import time as clock

    from matching.models import Mentorship
    from notifications.models import Delivery, Reminder
    from notifications.reminders import preferences_save

    nudged = Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).values_list(
        "subject_key", flat=True
    )
    pairs = [
        m
        for m in Mentorship.objects.filter(program__slug="demo", status=Mentorship.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
        if f"mentorship:{m.pk}" not in set(nudged)
    ][:count]
    for pair in pairs:
        for user in (pair.mentor.user, pair.mentee.user):
            preferences_save(user=user, channels={}, quiet_start=clock(0), quiet_end=clock(0))
    return [pair.pk for pair in pairs]


def _nudged_rows(pairs: list[int]) -> list[int]:
    from notifications.models import Delivery, Reminder

    return list(
        Delivery.objects.filter(
            kind=Reminder.ADMIN_NUDGE, subject_key__in=[f"mentorship:{pk}" for pk in pairs]
        ).values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument(
        "--restart-services",
        action="store_true",
        help="really restart PostgreSQL and stop Redis (everybody using them notices)",
    )
    parser.add_argument("--rehearse", action="store_true", help="every step, but no fault")
    parser.add_argument(
        "--scenario", choices=("postgres", "redis", "worker"), action="append", default=None
    )
    parser.add_argument("--postgres-restart", default="")
    parser.add_argument("--redis-stop", default="")
    parser.add_argument("--redis-start", default="")
    parser.add_argument("--redis-down", type=float, default=10, help="seconds (at most 15)")
    parser.add_argument("--batch", type=int, default=400, help="reminders in the killed batch")
    args = parser.parse_args()

    if not (args.postgres and args.redis):
        print(
            "faults.py: skipped; it needs a PostgreSQL and a Redis server it may restart. Run\n"
            "  .venv/bin/python benchmarks/faults.py --postgres postgres://postgres@127.0.0.1:5432/"
            "postgres --redis redis://127.0.0.1:6379/0 --restart-services"
        )
        return 0
    if not (args.restart_services or args.rehearse):
        print(
            "faults.py: skipped; it restarts PostgreSQL and stops Redis for everybody using them. "
            "Add --restart-services to do it, or --rehearse to try it without faults."
        )
        return 0
    for url, port, what in ((args.postgres, 5432, "PostgreSQL"), (args.redis, 6379, "Redis")):
        if not port_open(url, port):
            print(f"faults.py: {what} does not answer at {url}", file=sys.stderr)
            return 1
    defaults = _default_commands(args.postgres, args.redis)
    for name, command in defaults.items():
        if not getattr(args, name):
            setattr(args, name, command)
    if not args.postgres_restart:
        print("faults.py: no pg_ctlcluster here; pass --postgres-restart", file=sys.stderr)
        return 1

    stop_on_sigterm()
    folder = work_folder("twoway-faults-")
    processes = Processes(folder)
    try:
        return _run(args, folder, processes)
    except KeyboardInterrupt:
        print("\nfaults.py: interrupted; stopping what it started", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()
        # Whatever happened above, the shared services are left running.
        if not _postgres_answers(args.postgres):
            _run_command(shlex.split(args.postgres_restart.replace(" restart", " start")))
        if not _redis_answers(args.redis):
            _run_command(shlex.split(args.redis_start))
        print(f"(logs and mail in {folder})")


def _run(args: argparse.Namespace, folder: Path, processes: Processes) -> int:
    started = time.monotonic()
    when = datetime.now(UTC)
    secret_key = secrets.token_urlsafe(50)
    database_url = fresh_database(args.postgres, DATABASE)
    redis_url = redis_database(args.redis, REDIS_DB)
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # our own database number: an empty queue
    django_on(database_url, secret_key)
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    mentee, admin = session_for("mentee1@example.com"), session_for("admin@example.com")

    env = app_environment(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secret_key,
        folder=folder,
        REMINDER_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    collect_static(env)
    base = start_gunicorn(processes, env, free_port(), workers=2)
    start_worker(processes, env, name="worker")
    use_broker(redis_url)
    wait_for_worker()
    # The demo's own due reminders go out first, so that only the drills' rows move later.
    from notifications.models import Delivery

    _wait(lambda: not Delivery.objects.filter(state="pending", due_at__lte=_now()).exists(), 60)

    loop = RequestLoop(
        Browser(base, mentee),
        ["/home/", "/programs/demo/mentors/", "/notifications/", "/mentorships/"],
    )
    loop.start()
    drill = Drill(
        args=args,
        base=base,
        loop=loop,
        processes=processes,
        env=env,
        redis_url=redis_url,
        mail_folder=folder / "mail",
        admin=Browser(base, admin),
    )
    print(
        f"Twoway fault drills{' (REHEARSAL: no fault injected)' if args.rehearse else ''}, {when:%Y-%m-%d %H:%M} UTC, {machine()}"
    )
    print(
        f"PostgreSQL {server_version} database {DATABASE} (demo seeded), Redis database {REDIS_DB}; "
        "gunicorn 2 sync workers and 1 Celery worker (solo pool), production settings, "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}, CONN_HEALTH_CHECKS "
        f"{settings.DATABASES['default']['CONN_HEALTH_CHECKS']}, REMINDER_LEASE_SECONDS {LEASE_SECONDS}; "
        f"a mentee's pages GET every {LOOP_PAUSE:g} s; notifications.deliver_due sent every "
        f"{TICK_SECONDS:g} s while the script waits (beat: every 60 s)"
    )
    results = {}
    try:
        for name in args.scenario or ["postgres", "redis", "worker"]:
            results[name] = getattr(drill, name)()
    finally:
        loop.stop()
    all_rows = loop.log
    print(
        f"\nRequest loop: {len(all_rows)} requests in {all_rows[-1][1] - all_rows[0][0]:.0f} s, "
        f"{len(_failed(all_rows))} failed{_statuses(_failed(all_rows))}"
    )
    print(
        "Summary: "
        + "; ".join(
            f"{name} {'as expected' if ok else 'NOT as expected'}" for name, ok in results.items()
        )
        + f"; whole run {time.monotonic() - started:.0f} s"
    )
    return 0 if all(results.values()) else 1


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    sys.exit(main())
