"""Fixtures shared by every test, and the rule that CI never skips a real-service test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from accounts.models import User
from matching.models import Mentorship
from mentorship.celery import app as celery_app
from programs.models import Participant, Program, Role
from programs.services import organization_admin_grant
from tests.accounts.factories import UserFactory
from tests.helpers import ModulesTogether, demo_seed, use_broker, wait_until
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(condition: bool, why: str) -> None:
    """Skip locally when a real service is missing; in CI, fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this service and it is missing: {why}", pytrace=False)
    pytest.skip(why)


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI:
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(
                f"CI=true but {' and '.join(missing)} not set: the real-service tests would not run."
            )


# Emptying the database after a test that committed (transaction=True, browser tests) --------
# Django's way is `manage.py flush`: TRUNCATE of every table (0.4 s on PostgreSQL, whatever they
# hold), then post_migrate, which writes the content types and permissions
# back (0.2 s). A DELETE of each table in one transaction (foreign keys are checked at its end)
# takes milliseconds on the few rows a test writes, and the rows post_migrate would write back
# are kept instead: the state the next test sees is the same.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


def _empty_tables(self: TransactionTestCase) -> None:
    for name in self._databases_names(include_mirrors=False):
        database = connections[name]
        tables = database.introspection.django_table_names(only_existing=True, include_views=False)
        with transaction.atomic(using=name), database.cursor() as cursor:
            for table in sorted(set(tables) - KEPT_BY_FLUSH):
                cursor.execute(f"DELETE FROM {database.ops.quote_name(table)}")  # noqa: S608


TransactionTestCase._fixture_teardown = _empty_tables  # type: ignore[method-assign]


@pytest.hookimpl(optionalhook=True)  # without xdist (-p no:xdist) there is no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return ModulesTogether(config, log)


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres(db: None) -> None:
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def redis_url() -> str:
    """This test process's Redis: under pytest-xdist, its own database (mentorship/settings.py)."""
    url = settings.REDIS_URL
    require(bool(url) and _port_open(url, 6379), "REDIS_URL is not set or Redis does not answer")
    return url


@pytest.fixture
def redis_broker(redis_url: str, postgres: None) -> Iterator[None]:
    """Celery's broker is the real Redis (this test process's database), emptied; real worker
    processes (tests.helpers.worker_processes) take the tasks."""
    saved = (celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options or {}))
    use_broker(redis_url, {"visibility_timeout": 3600})
    celery_app.connection_for_write().default_channel.client.flushdb()  # a clean queue
    yield
    use_broker(*saved)
    celery_app.conf.task_always_eager = True


@pytest.fixture
def chromium_path() -> str:
    require(
        shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM),
        f"{CHROMIUM} is not installed",
    )
    return CHROMIUM


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A transaction around the whole module: data built once, rolled back at the end; each
    test's own `db` savepoint undoes what the test changed."""
    with django_db_blocker.unblock():
        # pytest-django sets up the test database only when a collected test asks for one:
        # never build into the development database (the module must be marked django_db).
        name = str(connection.settings_dict["NAME"])
        assert "memorydb" in name or name.rsplit("/", 1)[-1].startswith("test_"), (
            f"not a test database: {name}"
        )
        atomic = transaction.atomic()
        atomic.__enter__()
        if connection.vendor == "postgresql":
            # Check foreign keys as rows are written. Deferred, the module's rows would stay
            # pending in this outer transaction, and each test's end (Django checks the deferred
            # constraints inside the test's savepoint, then rolls it back) would check them all
            # again: 55 ms per test on the query budget's world.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_module(module_db: None) -> None:
    """The seed_demo organization, seeded once for the module (``module_db``); each test's own
    savepoint undoes what the test changes."""
    demo_seed()


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files (photos) of this test process go to a folder of its own, gone after."""
    from django.conf import settings

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """allauth's rate limits live in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program(db: None) -> Program:
    return ProgramFactory(name="Pathways", slug="pathways")


@pytest.fixture
def admin_user(program: Program):
    participant = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin")
    return participant.user


@pytest.fixture
def mentor(program: Program):
    return ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor").user


@pytest.fixture
def mentee(program: Program):
    return ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee").user


@pytest.fixture
def outsider(db: None):
    """Someone with an account and a program elsewhere, nothing to do with `program`."""
    other = ParticipantFactory(role=Role.ADMIN, user__full_name="Olly Outsider")
    return other.user


@pytest.fixture
def other_program(outsider) -> Program:
    return Participant.objects.get(user=outsider).program


@pytest.fixture
def org_admin(program: Program) -> User:
    """The organization admin of the program's organization: the topic list is theirs."""
    return organization_admin_grant(
        organization=program.organization,
        user=UserFactory(full_name="Orla Orgadmin"),
        actor=None,
    ).user


@pytest.fixture
def mentor_participant(program: Program, mentor: User) -> Participant:
    """`mentor` in `program`, before any mentor profile: tests of profiles and capacity add it."""
    return Participant.objects.get(user=mentor, program=program)


@pytest.fixture
def mentor_p(mentor_participant: Participant) -> Participant:
    """`mentor` ready to take mentees in `program`: a mentor profile with capacity 2."""
    MentorProfileFactory(participant=mentor_participant, capacity=2)
    return mentor_participant


@pytest.fixture
def mentee_p(program: Program, mentee: User) -> Participant:
    """`mentee` in `program`."""
    return Participant.objects.get(user=mentee, program=program)


@pytest.fixture
def mentorship(mentor_p: Participant, mentee_p: Participant) -> Mentorship:
    """An active mentorship of `mentor_p` and `mentee_p`."""
    return MentorshipFactory(mentor=mentor_p, mentee=mentee_p)


# A real CalDAV server -------------------------------------------------------------------------
@dataclass(frozen=True)
class CalDavServer:
    url: str
    username: str
    password: str


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[CalDavServer]:
    """A real CalDAV server (Radicale) on the loopback, with one user and an app password."""
    users = tmp_path / "users"
    users.write_text("dana:app-password-1\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "radicale",
            f"--storage-filesystem-folder={tmp_path / 'collections'}",
            f"--server-hosts=127.0.0.1:{port}",
            "--auth-type=htpasswd",
            f"--auth-htpasswd-filename={users}",
            "--auth-htpasswd-encryption=plain",
            "--auth-delay=0",  # no pause after a 401 (clients ask without credentials first)
            "--logging-level=warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_until(lambda: _answers(url), timeout=20), "Radicale did not start"
        yield CalDavServer(url=url, username="dana", password="app-password-1")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))), 1):
            return True
    except OSError:
        return False


# A webhook receiver on the loopback ------------------------------------------------------------
@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server in a thread that records each POST and answers ``status`` (a list:
    the answers in turn, the last one repeated), after ``delay`` seconds."""

    url: str
    port: int
    got: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0

    def ids(self) -> list[str]:
        return [item.headers["webhook-id"] for item in self.got]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            found = state["receiver"]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if found.delay:
                time.sleep(found.delay)
            found.got.append(
                Received(headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            )
            status = found.statuses[min(len(found.got), len(found.statuses)) - 1]
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"thanks" if status < 300 else b"down for maintenance")

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{port}/hooks/twoway", port=port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
