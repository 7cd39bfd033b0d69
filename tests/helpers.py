"""Helpers several test modules share: query-count pinning, thread races, waiting on another
process, the project's URL patterns, manage.py in a clean environment, a real Celery broker and
the demo data."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from xdist.scheduler import LoadScopeScheduling

from mentorship.celery import app as celery_app
from mentorship.errors import DomainError

# A page needing more than this many queries is doing something per row somewhere.
QUERY_CEILING = 20


def session_key_for(user: Any) -> str:
    """A new signed-in session of ``user``: set it as a client's session cookie to act as them
    without logging in again (a login is a fifth of a small request's time)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in_just_now(client: Client, user: Any) -> None:
    """Sign ``user`` in on ``client`` as if they had just typed their password: pages that
    ask for a fresh sign-in (allauth's reauthentication) let them through."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def count_queries(client, url: str) -> int:
    """How many queries one GET of ``url`` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def assert_flat_queries(
    client, django_assert_num_queries, url: str, grow: Callable[[], None]
) -> None:
    """The page runs the same number of queries before and after ``grow`` adds data, both times
    with nothing kept in the cache (what a page keeps is forgotten by writes, so a count with
    and one without would differ by what was kept, not by the data)."""
    cache.clear()
    small = count_queries(client, url)
    assert small <= QUERY_CEILING, f"{url} needs {small} queries"
    grow()
    cache.clear()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def race(targets: Sequence[Callable[[], object]]) -> list[object]:
    """Run the callables at the same moment in threads; results or DomainErrors, in finish order."""
    barrier = threading.Barrier(len(targets))
    results: list[object] = []

    def run(target: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results.append(target())
        except DomainError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def wait_until(check: Callable[[], object], *, timeout: float, every: float = 0.05) -> bool:
    """Poll ``check`` until it is true or ``timeout`` seconds have passed; whether it came true.

    For what another thread or process does (a real Celery worker), or a clock that is not
    ours (Redis expiring a key): there is no event to wait on, so look often and stop as soon
    as it holds, instead of sleeping a fixed time that is too long here and too short there.
    """
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True


@dataclass(frozen=True)
class Route:
    """One URL pattern: its key (``namespace:name``, or the route when it has no name)."""

    key: str
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name
            key = (f"{namespace}:{name}" if namespace else name) if name else route
            names = tuple(entry.pattern.regex.groupindex)
            yield Route(key=key, route=route, kwargs=names)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, includes followed."""
    return list(_walk(get_resolver().url_patterns, "", ""))


ROOT = Path(__file__).resolve().parents[1]
# A SECRET_KEY that Django's deploy checks accept.
GOOD_SECRET_KEY = "v3ry-l0ng-and-rand0m-s3cret-key-for-the-deploy-check-2026-xyz-QWERTY"

# Variables of the test run that a real deployment never has (DJANGO_ALLOW_ASYNC_UNSAFE is set
# for the browser tests), and the ones each test sets itself.
NOT_INHERITED = {
    "PYTEST_VERSION",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
}


def manage_py(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py *args`` in a new process, with ``env`` and none of the test run's settings."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def use_broker(url: str, transport_options: dict) -> None:
    """Send Celery tasks through a real broker at ``url`` instead of running them eagerly."""
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options
    celery_app.conf.task_always_eager = False
    # Connections made under the old settings must not be reused.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class CacheDown:
    """A cache backend whose every call fails, as Redis does when it is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("cache down")

        return fail


# ---------------------------------------------------------------------------
# The demo data
# ---------------------------------------------------------------------------
# The rows seed_demo wrote, per table, as PostgreSQL's COPY text: taken the first time a test
# process seeds the demo, written back the next times (a tenth of seeding's time).
_DEMO_ROWS: dict[str, bytes] = {}


def demo_seed() -> None:
    """The seed_demo organization (admin@example.com, mentor1..20, mentee1..40) in the test
    database, which must hold no demo yet. On PostgreSQL the first call of a test process seeds
    it and keeps its rows; later calls copy those rows back. What seeding itself does is tested
    by tests/mentorship/test_demo.py."""
    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=io.StringIO())
    elif _DEMO_ROWS:
        _demo_rows_restore(_DEMO_ROWS)
    else:
        call_command("seed_demo", stdout=io.StringIO())
        _DEMO_ROWS.update(_demo_rows_copy())


def _demo_models() -> list[type[Model]]:
    """The models whose rows seeding writes: all but those migrating fills (content types and
    permissions), which emptying the database after a browser test fills again with new ids."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.app_label not in ("contenttypes", "auth")
    ]


def _demo_rows_copy() -> dict[str, bytes]:
    """Every non-empty table's rows, as COPY text."""
    found = {}
    with connection.cursor() as cursor:
        for model in _demo_models():
            table = connection.ops.quote_name(model._meta.db_table)
            buffer = io.BytesIO()
            cursor.cursor.copy_expert(f"COPY {table} TO STDOUT", buffer)
            if buffer.getvalue():
                found[model._meta.db_table] = buffer.getvalue()
    return found


def _demo_rows_restore(rows: dict[str, bytes]) -> None:
    """Write the copied rows back, in any order (foreign keys are checked once all are in:
    deferred, then made immediate, which checks them), then move each id sequence past the ids
    written."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, text in rows.items():
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.BytesIO(text)
            )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sequence_reset_sql(no_style(), _demo_models()):
            cursor.execute(sql)


# ---------------------------------------------------------------------------
# Parallel runs
# ---------------------------------------------------------------------------
# Modules whose tests share one costly module fixture: under pytest-xdist, all of such a module's
# tests go to one process, so the fixture is built once (the query budget measures every page on
# the demo and on ten times the demo, about a minute of work). Every other test is scheduled alone.
ONE_PROCESS_MODULES = ("tests/proof/test_query_budget.py",)


class ModulesTogether(LoadScopeScheduling):
    """xdist's scheduling by work units (tests/conftest.py's pytest_xdist_make_scheduler): a
    test of ``ONE_PROCESS_MODULES`` is in its module's unit, any other test is a unit alone."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if module in ONE_PROCESS_MODULES else nodeid


# Real Celery worker processes on Redis and the test database ---------------------------------
CELERY_COMMAND = [sys.executable, "-m", "celery", "--app", "mentorship"]
WORKER_COMMAND = [*CELERY_COMMAND, "worker", "--pool=solo", "--loglevel=WARNING"]
# Beat on the database's schedule, waking every second (it logs each task it sends).
BEAT_COMMAND = [
    *CELERY_COMMAND,
    "beat",
    "--scheduler",
    "django_celery_beat.schedulers:DatabaseScheduler",
    "--loglevel=INFO",
    "--max-interval=1",
    "--pidfile=",
]


def broker_idle() -> bool:
    """Nothing queued and nothing taken but unacknowledged: tasks acknowledge late, so a sweep
    still running holds its message in kombu's ``unacked`` hash until it has finished."""
    import redis

    client = redis.Redis.from_url(celery_app.conf.broker_url)
    try:
        queues = [key for key in client.scan_iter("celery*") if client.type(key) == b"list"]
        return sum(client.llen(key) for key in queues) == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def worker_env(**extra: str) -> dict[str, str]:
    """A worker process's environment: the test database, this test process's Redis database.

    Not PYTEST_XDIST_WORKER: the settings would move the Redis database on by the worker's
    number a second time (mentorship/settings.py).
    """
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": celery_app.conf.broker_url,
        "REMINDER_LEASE_SECONDS": "3",
        **extra,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def worker_processes(count: int, **extra: str) -> list[subprocess.Popen[bytes]]:
    """Real worker processes on the test database and Redis (threads share too much state)."""
    env = worker_env(**extra)
    return [
        subprocess.Popen([*WORKER_COMMAND, f"--hostname=w{n}@%h"], cwd=settings.BASE_DIR, env=env)  # noqa: S603
        for n in range(count)
    ]


def workers_stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """Stop worker processes as a supervisor would: each asked to finish, then waited for."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)
