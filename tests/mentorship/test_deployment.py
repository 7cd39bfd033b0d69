"""docker-compose.yml cannot run here (no Docker engine); it is kept correct by reading it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)


def test_every_long_running_service_has_a_health_check():
    for name, service in _compose()["services"].items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {}).get("test")
        assert check, f"{name} has no health check"


def test_data_lives_in_named_volumes():
    compose = _compose()
    services = compose["services"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    # Uploaded photos: one volume every app container shares, where MEDIA_ROOT points, made by
    # the image (so it belongs to the unprivileged user).
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        assert "media:/app/var/media" in service["volumes"], name
        assert service["environment"]["MEDIA_ROOT"] == "/app/var/media", name
    assert "mkdir -p /app/var/media" in (ROOT / "Dockerfile").read_text()


def test_app_services_share_one_image_and_point_at_db_and_redis():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        env = service["environment"]
        assert service["image"] == "twoway:latest", name
        assert env["DJANGO_ENV"] == "production"
        assert re.fullmatch(r"postgres://twoway:.*@db:5432/twoway", env["DATABASE_URL"])
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_processes_run_the_right_commands():
    services = _compose()["services"]
    assert services["web"]["command"][0] == "gunicorn"
    assert "mentorship.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "--app", "mentorship", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "--app", "mentorship", "beat"]
    for name in ("web", "worker", "beat"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert services["migrate"]["command"] == [
        "sh",
        "-c",
        "python manage.py migrate --noinput && python manage.py sync_schedules",
    ]


def test_beat_uses_the_database_scheduler_configured_in_settings():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_dockerfile_builds_static_files_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --noinput" in dockerfile
    assert "USER twoway" in dockerfile
    assert re.search(r"^FROM python:3\.1[1-9]", dockerfile, re.M)


@pytest.mark.django_db
def test_healthcheck_command_answers(capsys):
    from django.core.management import call_command

    call_command("healthcheck")
    assert '"status": "ok"' in capsys.readouterr().out
