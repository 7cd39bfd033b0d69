"""The database server drops the app's connection: the next request reconnects by itself.

benchmarks/faults.py restarts a real PostgreSQL under gunicorn; that stops the server for every
user of it, so CI does the part that fits: the server ends this test's own connection
(`pg_terminate_backend`) and the next request is answered. Requests go through Django's WSGI
handler, as gunicorn calls it: the test client leaves out the per-request connection check
(`close_old_connections` on request_started), which is what is under test here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database() -> BaseDatabaseWrapper:
    # The wrapper itself, not django.db.connection (a proxy): monkeypatch must find its attributes.
    return connections["default"]


def _serve(path: str, session_key: str) -> int:
    """One GET through the WSGI handler, closed as a server closes it; the status code."""
    environ: dict[str, object] = {
        "PATH_INFO": path,
        "HTTP_COOKIE": f"sessionid={session_key}",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    statuses: list[str] = []
    response = WSGIHandler()(
        environ, lambda status, headers, exc_info=None: statuses.append(status)
    )
    b"".join(response)
    response.close()  # request_finished: Django decides here whether the connection is kept
    return int(statuses[0].split()[0])


def _backend_pid() -> int:
    with _database().cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _terminate_from_the_server(pid: int) -> None:
    """End backend ``pid`` as an administrator (or a restart) would, and wait until it is gone."""
    database = _database()
    other = database.get_new_connection(database.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits up to 5 s
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


@pytest.fixture
def signed_in(client, mentee, postgres, monkeypatch) -> Iterator[str]:
    """A mentee's session, and a connection that stays open between requests (as with
    CONN_MAX_AGE in production) however long this test session has been running."""
    monkeypatch.setitem(_database().settings_dict, "CONN_MAX_AGE", None)
    monkeypatch.setattr(_database(), "close_at", None)
    client.force_login(mentee)
    yield client.cookies["sessionid"].value


def test_a_request_after_the_server_dropped_the_connection_is_answered(signed_in):
    assert _database().settings_dict["CONN_HEALTH_CHECKS"] is True  # as settings.py sets it
    page = reverse("programs:list")
    assert _serve(page, signed_in) == 200
    dropped = _backend_pid()

    _terminate_from_the_server(dropped)

    assert _serve(page, signed_in) == 200
    assert _backend_pid() != dropped


def test_without_health_checks_the_first_request_after_a_drop_fails(signed_in, monkeypatch):
    """Why the setting is on: without it, each dead connection costs one failed request."""
    monkeypatch.setitem(_database().settings_dict, "CONN_HEALTH_CHECKS", False)
    monkeypatch.setattr(_database(), "health_check_enabled", False)
    page = reverse("programs:list")
    assert _serve(page, signed_in) == 200

    _terminate_from_the_server(_backend_pid())

    assert _serve(page, signed_in) == 500
    assert _serve(page, signed_in) == 200  # the failed request's end closed the dead connection
