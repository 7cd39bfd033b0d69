"""A real Celery worker, fed through a real broker, sends what the web process enqueued."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from mentorship.celery import app as celery_app
from programs.models import Role
from programs.services import invitation_create
from tests.helpers import use_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_broker(request, tmp_path) -> Iterator[str]:
    saved = (
        celery_app.conf.broker_url,
        dict(celery_app.conf.broker_transport_options or {}),
        celery_app.conf.task_always_eager,
    )
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        use_broker(url, {"visibility_timeout": 3600})
    else:
        queue = tmp_path / "queue"
        queue.mkdir()
        (tmp_path / "processed").mkdir()
        use_broker(
            "filesystem://",
            {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "processed_folder": str(tmp_path / "processed"),
                "control_folder": str(tmp_path / "control"),
            },
        )
    yield request.param
    use_broker(saved[0], saved[1])
    celery_app.conf.task_always_eager = saved[2]


def _wait_for_mail(count: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)  # a real worker on another thread: polling is the only way to observe it


@pytest.mark.parametrize("real_broker", ["filesystem", "redis"], indirect=True)
def test_worker_sends_the_invitation_email(real_broker, program, admin_user):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        invitation = invitation_create(
            program=program, invited_by=admin_user, email="queued@example.org", role=Role.MENTOR
        )
        _wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["queued@example.org"]]
    assert invitation.program.name in mail.outbox[0].subject


def test_a_page_that_enqueues_still_works_while_the_broker_is_down(
    client, program, admin_user, caplog, monkeypatch
):
    """The invitation is saved and the admin sees success; the email can be sent again later."""
    from django.urls import reverse
    from kombu.exceptions import OperationalError

    from programs.models import Invitation
    from programs.tasks import send_invitation_email

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(send_invitation_email, "apply_async", broker_down)
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:invite", args=[program.slug]),
        {"email": "later@example.org", "role": "mentee"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="later@example.org").exists()
    assert len(attempts) == 1  # it tried to enqueue, failed, and the page still answered
    assert not mail.outbox
