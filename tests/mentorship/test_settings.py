"""Production mode: refuses to start without secrets, and passes Django's deploy checks."""

from __future__ import annotations

import pytest

from tests.helpers import GOOD_SECRET_KEY, ROOT, manage_py


def test_production_refuses_to_start_without_secret_key():
    result = manage_py("check", DJANGO_ENV="production", ALLOWED_HOSTS="twoway.example.com")
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage_py("check", DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_means_production_mode_too():
    result = manage_py("check", DEBUG="false")
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_unknown_environment_name_fails_loudly():
    result = manage_py("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = manage_py(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET_KEY,
        ALLOWED_HOSTS="twoway.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secret_key_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(GOOD_SECRET_KEY + "\n")
    result = manage_py(
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
    result = manage_py(
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
