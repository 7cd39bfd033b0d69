"""Production mode: refuses to start without secrets, and passes Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "v3ry-l0ng-and-rand0m-s3cret-key-for-the-deploy-check-2026-xyz-QWERTY"


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


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
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


def test_production_refuses_to_start_without_secret_key():
    result = _run("check", DJANGO_ENV="production", ALLOWED_HOSTS="twoway.example.com")
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run("check", DJANGO_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_means_production_mode_too():
    result = _run("check", DEBUG="false")
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_unknown_environment_name_fails_loudly():
    result = _run("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="twoway.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secret_key_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(GOOD_KEY + "\n")
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="twoway.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_use_sqlite_in_var_and_the_filesystem_broker():
    result = _run(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)",
        DATABASE_URL="",
        REDIS_URL="",
        TWOWAY_VAR_DIR=str(ROOT / "var"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "notifications.mail_backends.ConsoleAndFileBackend",
    ]


def test_each_parallel_test_process_gets_its_own_redis_database(monkeypatch):
    from mentorship.settings import _redis_url_for_test_process

    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "3")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert _redis_url_for_test_process("redis://127.0.0.1:6379/4") == "redis://127.0.0.1:6379/4"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    assert _redis_url_for_test_process("redis://127.0.0.1:6379/4") == "redis://127.0.0.1:6379/6"
    assert _redis_url_for_test_process("redis://:pw@cache:6380") == "redis://:pw@cache:6380/2"


def test_too_many_test_processes_for_redis_databases_fail_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from mentorship.settings import _redis_url_for_test_process

    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "3")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")  # even the first: the run would clash later
    with pytest.raises(ImproperlyConfigured, match="databases 14 to 16"):
        _redis_url_for_test_process("redis://127.0.0.1:6379/14")
