"""The write detector the authorization matrix and the fuzz suite share (``tests/writes.py``)
catches every kind of write, even from a GET, and costs nothing when there is none."""

from __future__ import annotations

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accounts.models import User
from programs.models import Organization
from tests.accounts.factories import UserFactory
from tests.writes import tables, watch_writes

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

WATCHED = tables(app_labels={"accounts", "programs"})


@login_not_required
def _renames_on_get(request: HttpRequest) -> HttpResponse:
    """A page that writes on GET, as a careless view would: the detector must see it."""
    User.objects.filter(email="kept@example.org").update(full_name="Renamed")
    return HttpResponse("fine")


@login_not_required
def _reads_on_get(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(User.objects.count()))


urlpatterns = [path("renames/", _renames_on_get), path("reads/", _reads_on_get)]


def test_a_get_that_writes_is_caught(client) -> None:
    UserFactory(email="kept@example.org", full_name="Kept")
    with watch_writes(WATCHED) as writes:
        response = client.get("/renames/")
    assert response.status_code == 200
    assert list(writes.changed()) == ["accounts_user"]
    assert writes.changed()["accounts_user"].differ == 2  # the old row gone, the new one there


def test_a_get_that_reads_runs_no_extra_query_and_changes_nothing(client) -> None:
    UserFactory()
    with CaptureQueriesContext(connection) as plain:
        client.get("/reads/")
    with watch_writes(WATCHED) as writes, CaptureQueriesContext(connection) as watched:
        client.get("/reads/")
    assert len(watched) == len(plain)
    assert writes.statements == 0 and writes.changed() == {}


def test_an_update_that_keeps_the_count_and_updated_at_is_caught() -> None:
    """What a row count and the latest ``updated_at`` would miss: a bulk update leaves
    ``updated_at`` alone, and the count stays."""
    user = UserFactory(full_name="Before")
    with watch_writes(WATCHED) as writes:
        User.objects.filter(pk=user.pk).update(full_name="After")
    assert list(writes.changed()) == ["accounts_user"]


def test_a_delete_and_an_insert_that_keep_the_count_are_caught() -> None:
    Organization.objects.create(name="Old", slug="old")
    with watch_writes(WATCHED) as writes:
        Organization.objects.filter(slug="old").delete()
        Organization.objects.create(name="New", slug="new")
    change = writes.changed()["programs_organization"]
    assert (change.rows_before, change.rows_after) == (1, 1)


def test_a_write_rolled_back_inside_the_block_is_no_change() -> None:
    with watch_writes(WATCHED) as writes, transaction.atomic():
        Organization.objects.create(name="Gone", slug="gone")
        transaction.set_rollback(True)
    assert writes.statements == 1
    assert writes.changed() == {}


def test_a_statement_it_cannot_place_counts_as_touching_every_table() -> None:
    UserFactory(full_name="Before")
    with watch_writes(WATCHED) as writes, connection.cursor() as cursor:
        # Written so that the table is not where the detector looks for it.
        cursor.execute("UPDATE /* a comment first */ accounts_user SET full_name = 'After'")
    assert set(writes.before) == set(WATCHED)
    assert list(writes.changed()) == ["accounts_user"]


def test_a_write_to_a_table_it_does_not_watch_is_not_reported() -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    with watch_writes(WATCHED) as writes:
        Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    assert writes.statements == 0 and writes.changed() == {}
