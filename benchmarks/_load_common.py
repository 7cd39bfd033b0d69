"""What load.py and faults.py share: a database of their own on a PostgreSQL server, Twoway run
the production way (gunicorn and a Celery worker on Redis) as child processes, and stopping
every one of them however the script ends.

Not a benchmark itself (`make bench` skips files starting with an underscore).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCHMARKS))

from _bench import machine  # noqa: E402,F401  (load.py and faults.py import it from here)

# Celery's command line for Twoway's app, as Procfile.dev and docker-compose.yml start it.
CELERY = [sys.executable, "-m", "celery", "--app", "mentorship"]

# The bare Django view _load_wsgi.py serves beside Twoway, for a baseline.
BARE_PATH = "/__bare__/"


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def redis_database(url: str, number: int) -> str:
    """The same Redis server, another database number: our queue and cache stay apart from the
    test suites (databases 10 to 12 in CI) and anybody's development data (0)."""
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{number}"))


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``server_url``; its URL."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(server_url)
    admin = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return urlunparse(parsed._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def django_on(database_url: str, secret_key: str) -> None:
    """Django in this process on ``database_url``, migrated, with the demo seeded (as the page
    benchmarks do). The children share ``secret_key``, so sessions made here log them in."""
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["SECRET_KEY"] = secret_key
    os.environ.pop("REDIS_URL", None)
    from _bench import django_with_demo

    django_with_demo()


def session_for(email: str) -> str:
    """A logged-in session for a demo or bench user, as Django's login would store it: the key
    of the session cookie. (Logging in through the form would time the password hasher.)"""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def use_broker(redis_url: str) -> None:
    """This process's Celery app sends to ``redis_url`` for real (the page benchmarks' Django runs
    tasks eagerly): to ping the worker, and in faults.py to tick like beat."""
    from mentorship.celery import app

    app.conf.broker_url = redis_url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    app.conf.task_always_eager = False
    # Connections made under the old settings must not be reused.
    app._pool = None
    app.amqp._producer_pool = None


def wait_for_worker(timeout: float = 60) -> None:
    """Until a Celery worker answers a ping through the broker (see use_broker)."""
    from mentorship.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("no Celery worker answered a ping")


def app_environment(
    *, database_url: str, redis_url: str, secret_key: str, folder: Path, **extra: str
) -> dict[str, str]:
    """Production settings for gunicorn and the worker, on loopback over plain HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "DEBUG", "BENCH_DATABASE_URL", "PYTEST_VERSION"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Loopback has no TLS in front; in production a proxy terminates it.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TWOWAY_VAR_DIR=str(folder / "var"),
        STATIC_ROOT=str(folder / "static"),
        # filemail://// keeps the leading slash of the absolute path.
        EMAIL_URL=f"filemail:///{folder / 'mail'}",
        SITE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Processes:
    """Child processes, each in its own process group, stopped by their ids on the way out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start ``command``; a name already running is kept too, under ``name`` plus a number
        (stop_all ends both), and ``name`` then means the newest."""
        if name in self.running:
            self.running[f"{name}-{len(self.running)}"] = self.running.pop(name)
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop_all)
        self._logs.append(log)
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
        )
        self.running[name] = process
        return process

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.folder / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)  # the group is the child's own: gunicorn's workers too
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        # A group whose leader exited may still hold children (a gunicorn worker): end them too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.running)[::-1]:
            self.stop(name)
        for log in self._logs:
            log.close()


def stop_on_sigterm() -> None:
    """SIGTERM ends the script like Ctrl-C does, through the finally blocks that stop children."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def collect_static(env: dict[str, str]) -> None:
    """Production serves hashed static names from a manifest; build it once into STATIC_ROOT."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_gunicorn(
    processes: Processes,
    env: dict[str, str],
    port: int,
    workers: int = 2,
    name: str = "gunicorn",
    threads: int = 1,
) -> str:
    """Twoway (with the bare view beside it) under gunicorn on loopback; its base URL. With
    ``threads`` above 1, each worker serves that many requests at once in threads (gunicorn's
    gthread worker); with 1, the sync worker, one request at a time."""
    processes.start(
        name,
        [
            str(BIN / "gunicorn"),
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(BENCHMARKS),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "_load_wsgi:application",
        ],
        env,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + BARE_PATH, processes, name)
    return base


def start_s3(processes: Processes) -> dict[str, str]:
    """A real S3 API on loopback (moto's server, in a process of its own) with an empty bucket;
    the settings that store uploaded files there, for every app server to share."""
    import boto3

    port = free_port()
    processes.start(
        "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], dict(os.environ)
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_for_port(processes, "s3", endpoint, port)
    keys = {"access_key": "load", "secret_key": "load-secret"}
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys["access_key"],
        aws_secret_access_key=keys["secret_key"],
    ).create_bucket(Bucket="twoway-load")
    return {
        "STORAGE_S3_BUCKET": "twoway-load",
        "STORAGE_S3_ENDPOINT_URL": endpoint,
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY_ID": keys["access_key"],
        "STORAGE_S3_SECRET_ACCESS_KEY": keys["secret_key"],
    }


def start_balancer(processes: Processes, folder: Path, servers: dict[str, str]) -> str:
    """HAProxy (Debian's package) on loopback in front of ``servers`` (name → base URL), round
    robin, each response marked with the name of the server that answered (X-Served-By); its
    base URL."""
    import shutil

    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise RuntimeError("HAProxy is not installed: apt-get install -y haproxy")
    port = free_port()
    backends = "\n".join(
        f"    server {name} {base.split('://', 1)[1]} check inter 2s"
        for name, base in servers.items()
    )
    config = folder / "haproxy.cfg"
    config.write_text(
        f"""global
    maxconn 2000

defaults
    mode http
    timeout connect 5s
    timeout client 90s
    timeout server 90s
    option forwardfor

frontend twoway
    bind 127.0.0.1:{port}
    default_backend app

backend app
    balance roundrobin
    option httpchk GET {BARE_PATH}
    http-response set-header X-Served-By %s
{backends}
"""
    )
    processes.start("haproxy", [haproxy, "-db", "-f", str(config)], dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + BARE_PATH, processes, "haproxy")
    return base


def start_worker(processes: Processes, env: dict[str, str], name: str = "worker") -> None:
    """One Celery worker, as Procfile.dev runs it (solo pool), on the Redis in ``env``."""
    processes.start(
        name,
        [
            *CELERY,
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            f"--hostname={name}-{secrets.token_hex(3)}@%h",
        ],
        env,
    )


def start_beat(processes: Processes, env: dict[str, str], name: str = "beat") -> None:
    """Celery beat on the database's schedule (``manage.py sync_schedules`` writes it): one per
    app server is safe, every scan and sweep being idempotent (tests/notifications/
    test_two_beats.py)."""
    processes.start(
        name,
        [
            *CELERY,
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--loglevel=WARNING",
            "--pidfile=",
        ],
        env,
    )


def sync_schedules(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "sync_schedules"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for_port(processes: Processes, name: str, url: str, port: int) -> None:
    """Until a server started as ``name`` listens on ``port`` (30 s at most)."""
    deadline = time.monotonic() + 30
    while not port_open(url, port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start:\n{processes.log_tail(name)}")
        time.sleep(0.2)  # polling a child process: there is nothing to wait on instead


def wait_for_http(url: str, processes: Processes, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process = processes.running.get(name)
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{processes.log_tail(name)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling a child process: there is nothing to wait on instead
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s:\n{processes.log_tail(name)}")


def work_folder(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
