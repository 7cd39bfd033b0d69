"""Moving Availability and ContactWindow from meetings to matching keeps every row.

The database is migrated back to the nodes before the move, filled through the historical
models, and migrated forward again; the rows, their content types, a permission and an admin
log entry are then read through ``matching.models``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
from django.apps.registry import Apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from matching.models import Availability, ContactWindow, MentorProfile

BEFORE = [("matching", "0008_single_line_fields"), ("meetings", "0004_single_line_fields")]
DJANGO_APPS = ("admin", "auth", "contenttypes")
WINDOWS = [
    (0, time(9), time(11, 30)),
    (2, time(14), time(16)),
    (4, time(7, 15), time(8)),
]


def _migrate(targets: list[tuple[str, str]] | None = None) -> Apps:
    """Migrate to ``targets`` (every app's latest when None); the historical apps there, with
    Django's own (permissions, the admin log) as they are now."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = targets or leaves
    executor.migrate(targets)
    executor.loader.build_graph()
    django_own = [node for node in leaves if node[0] in DJANGO_APPS]
    return executor.loader.project_state(targets + django_own).apps


@pytest.fixture
def before_the_move(transactional_db: None) -> Iterator[Apps]:
    """The historical apps before the move; the database ends at the latest migrations."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate()
        ContentType.objects.clear_cache()


def _fill(old: Apps) -> dict[str, object]:
    """A mentor with a profile, an availability, windows, a permission and an admin log entry."""
    user = old.get_model("accounts", "User").objects.create(
        email="dana@example.org", full_name="Dana Mentor", time_zone="America/New_York"
    )
    organization = old.get_model("programs", "Organization").objects.create(
        name="Acme", slug="acme"
    )
    program = old.get_model("programs", "Program").objects.create(
        organization=organization, name="Spring cohort", slug="spring"
    )
    participant = old.get_model("programs", "Participant").objects.create(
        user=user, program=program, role="mentor"
    )
    profile = old.get_model("matching", "MentorProfile").objects.create(
        participant=participant, headline="Databases", capacity=3
    )
    availability = old.get_model("meetings", "Availability").objects.create(
        participant=participant,
        time_zone="America/New_York",
        minimum_notice_hours=48,
        cancellation_notice_hours=12,
    )
    window_model = old.get_model("meetings", "ContactWindow")
    windows = [
        window_model.objects.create(
            availability=availability, weekday=day, start_time=start, end_time=end
        ).pk
        for day, start, end in WINDOWS
    ]
    content_types = old.get_model("contenttypes", "ContentType").objects
    types = {
        model: content_types.get_or_create(app_label="meetings", model=model)[0].pk
        for model in ("availability", "contactwindow")
    }
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type_id=types["availability"],
        codename="change_availability",
        defaults={"name": "Can change availability"},
    )
    user.user_permissions.add(permission)
    log = old.get_model("admin", "LogEntry").objects.create(
        user=user,
        content_type_id=types["availability"],
        object_id=str(availability.pk),
        object_repr="Availability of Dana Mentor",
        action_flag=2,
    )
    return {
        "user": user.pk,
        "participant": participant.pk,
        "profile": profile.pk,
        "availability": availability.pk,
        "windows": windows,
        "types": types,
        "log": log.pk,
    }


def test_moving_the_boundaries_to_matching_keeps_every_row(before_the_move: Apps):
    ids = _fill(before_the_move)

    _migrate()
    ContentType.objects.clear_cache()

    availability = Availability.objects.get(pk=ids["availability"])
    assert availability.participant_id == ids["participant"]
    assert (
        availability.time_zone,
        availability.minimum_notice_hours,
        availability.cancellation_notice_hours,
    ) == ("America/New_York", 48, 12)
    assert MentorProfile.objects.get(pk=ids["profile"]).participant.availability == availability
    assert [
        (w.pk, w.availability_id, w.weekday, w.start_time, w.end_time)
        for w in ContactWindow.objects.order_by("pk")
    ] == [
        (pk, ids["availability"], day, start, end)
        for pk, (day, start, end) in zip(ids["windows"], WINDOWS, strict=True)
    ]
    assert list(availability.windows.values_list("pk", flat=True)) == ids["windows"]


def test_the_content_types_follow_the_models_to_matching(before_the_move: Apps):
    ids = _fill(before_the_move)

    _migrate()
    ContentType.objects.clear_cache()

    assert ContentType.objects.get_for_model(Availability).pk == ids["types"]["availability"]
    assert ContentType.objects.get_for_model(ContactWindow).pk == ids["types"]["contactwindow"]
    assert not ContentType.objects.filter(app_label="meetings", model="availability").exists()
    assert User.objects.get(pk=ids["user"]).has_perm("matching.change_availability")
    entry = LogEntry.objects.get(pk=ids["log"])
    assert entry.get_edited_object() == Availability.objects.get(pk=ids["availability"])
