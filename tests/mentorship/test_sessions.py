"""Sessions are read from the cache and written through to the database (mentorship/sessions.py):
a signed-in page reads no session row, the cache's copy is kept a short while only, and a cache
that cannot be reached costs a page nothing but the database's read."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.sessions import SessionStore
from privacy.services import account_delete

pytestmark = pytest.mark.django_db


def _session_reads(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum("django_session" in query["sql"] for query in captured.captured_queries)


def test_a_signed_in_page_reads_no_session_row(client: Client, mentee):
    client.force_login(mentee)
    assert _session_reads(client, reverse("notifications:list")) == 0
    cache.clear()  # the copy is gone (an evicted key, a restarted cache): the row is read once
    assert _session_reads(client, reverse("notifications:list")) == 1
    assert _session_reads(client, reverse("notifications:list")) == 0


def test_the_copy_is_kept_a_short_while_only(client: Client, mentee, settings):
    settings.SESSION_CACHE_SECONDS = 60
    client.force_login(mentee)
    key = client.session.session_key
    with mock.patch.object(cache, "set", wraps=cache.set) as kept:
        cache.clear()
        client.get(reverse("notifications:list"))
    [(args, _)] = [call for call in kept.call_args_list if call.args[0].endswith(key)]
    assert args[2] == 60


def test_signing_out_forgets_the_copy(client: Client, mentee):
    client.force_login(mentee)
    key = client.session.session_key
    client.get(reverse("notifications:list"))
    assert cache.get(SessionStore.cache_key_prefix + key) is not None
    client.post(reverse("account_logout"))
    assert cache.get(SessionStore.cache_key_prefix + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert client.get(reverse("notifications:list")).status_code == 302


def test_pages_answer_when_the_cache_cannot_be_reached(client: Client, mentee):
    client.force_login(mentee)
    down = ConnectionError("cache down")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "get_many", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
        mock.patch.object(cache, "delete", side_effect=down),
        mock.patch.object(cache, "__contains__", side_effect=down),
    ):
        assert client.get(reverse("notifications:list")).status_code == 200
        client.post(reverse("account_logout"))
        assert client.get(reverse("notifications:list")).status_code == 302
        client.force_login(mentee)
        assert client.get(reverse("notifications:list")).status_code == 200


def test_deleting_a_persons_data_forgets_their_kept_sessions(
    client: Client, mentee, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    key = client.session.session_key
    client.get(reverse("notifications:list"))
    assert cache.get(SessionStore.cache_key_prefix + key) is not None
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=mentee, actor=None, via="self")
    assert cache.get(SessionStore.cache_key_prefix + key) is None
