"""The registry, held to its word on a person who has a row of every kind (tests/privacy/fill.py):
their export holds every field it says is exported, with the values they had; their deletion
leaves no field it says is erased or anonymised with what it held, deletes the rows it says are
deleted, ends their sessions and their mentorship (the partner is told, and keeps the messages,
signed "a former participant"); and an account deleted already cannot be deleted again."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conversations.models import Message
from matching.models import ClosingReason, Mentorship
from mentorship.errors import DomainError
from notifications.models import Notification
from privacy.models import DataExport
from privacy.registry import (
    ANONYMISE,
    BY_LABEL,
    ENTRIES,
    ERASE,
    FORMER_PARTICIPANT,
    Entry,
    former_address,
)
from privacy.services import account_delete, export_build
from programs.models import AuditEntry
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.privacy.fill import PARTNER_NOTE, fill_everything

pytestmark = pytest.mark.django_db(transaction=False)

# The entries whose rows are someone's: found by a lookup to the User, or by a finder.
ABOUT_SOMEONE = [entry for entry in ENTRIES if entry.export or entry.own or entry.finders]


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _owns_by_lookup(entry: Entry) -> bool:
    """Whether rows_owned has anything to look with (``own=()`` and no finders: it does not)."""
    lookups = entry.export if entry.own is None else entry.own
    return bool(lookups or entry.finders)


def _stored(row: models.Model, model_field: models.Field[Any, Any]) -> Any:
    value = getattr(row, model_field.attname)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


@pytest.fixture
def person() -> User:
    return UserFactory()


@pytest.fixture
def filled(person: User) -> dict[str, Any]:
    return fill_everything(person)


def test_every_model_is_filled(person, filled):
    empty = []
    for entry in ABOUT_SOMEONE:
        if (entry.export or entry.finders) and not entry.rows_about(person).exists():
            empty.append(f"{entry.label} (rows_about)")
        if _owns_by_lookup(entry) and not entry.rows_owned(person).exists():
            empty.append(f"{entry.label} (rows_owned)")
    assert empty == [], "fill_everything made nothing these find about the person"


def test_export_holds_every_exported_field(person, filled):
    export = DataExport.objects.create(user=person)
    expected = {
        entry.label: entry.rows_about(person).count()
        for entry in ENTRIES
        if entry.exported() and entry.rows_about(person).exists()
    }
    assert [e.label for e in ABOUT_SOMEONE if e.exported() and e.label not in expected] == []
    export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.ready_at is not None and export.file
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())

    problems = []
    for entry in ENTRIES:
        if entry.label not in expected:
            continue
        exported = entry.exported()
        app, kind = entry.label.lower().split(".")
        if f"{app}/{kind}.json" not in names or f"{app}/{kind}.csv" not in names:
            problems.append(f"{entry.label}: no {app}/{kind}.json and .csv")
            continue
        text = archive.read(f"{app}/{kind}.json").decode()
        records = json.loads(text)
        if len(records) != expected[entry.label]:
            problems.append(f"{entry.label}: {len(records)} records, {expected[entry.label]} rows")
        for record in records:
            if set(record) != set(exported):
                problems.append(f"{entry.label}: keys {sorted(record)}, not {sorted(exported)}")
                break
        problems += [
            f"{entry.label}.{name}: empty in every record"
            for name in exported
            if all(_empty(record.get(name)) for record in records)
        ]
        for name, values in filled["values"].get(entry.label, {}).items():
            if entry.rules[name].export:
                problems += [
                    f"{entry.label}.{name}: {v!r} missing" for v in values if v not in text
                ]
        header = next(csv.reader(io.StringIO(archive.read(f"{app}/{kind}.csv").decode())))
        if header != exported:
            problems.append(f"{entry.label}: CSV header {header}, not {exported}")
    assert problems == []

    # Their files: the photo and what they attached.
    assert f"files/{filled['photo']}" in names
    assert f"files/{filled['attachment_file']}" in names
    # Nothing of the partner's own: their private note in the same meeting is theirs alone.
    for name in names:
        assert PARTNER_NOTE.encode() not in archive.read(name), name


def test_deletion_leaves_nothing_classified_erase_or_anonymise(person, filled):
    partner: User = filled["partner"]
    mentorship: Mentorship = filled["mentorship"]
    old_email = person.email
    # The login check below means something: they could log in before.
    assert Client().login(email=old_email, password=TEST_PASSWORD)
    captured = {
        entry.label: list(entry.rows_owned(person).values_list("pk", flat=True))
        for entry in ABOUT_SOMEONE
        if _owns_by_lookup(entry)
    }
    assert all(captured.values()), [label for label, pks in captured.items() if not pks]
    erased_values = {
        value.lower()
        for label, fields in filled["values"].items()
        for name, values in fields.items()
        if BY_LABEL[label].rules[name].on_delete in {ERASE, ANONYMISE}
        for value in values
    }
    assert default_storage.exists(filled["photo"])
    assert default_storage.exists(filled["old_export_file"])

    account_delete(user=person, actor=person, via="self")

    placeholders = {FORMER_PARTICIPANT, former_address(person.pk)}
    problems = []
    for entry in ENTRIES:
        pks = captured.get(entry.label)
        if not pks:
            continue
        rows = entry.model._default_manager.filter(pk__in=pks)
        if entry.delete_rows:
            if rows.exists():
                problems.append(f"{entry.label}: rows {sorted(rows.values_list('pk', flat=True))}")
            continue
        for row in rows:
            for model_field in entry.model._meta.concrete_fields:
                rule = entry.rules[model_field.name].on_delete
                value = _stored(row, model_field)
                where = f"{entry.label}.{model_field.name} of {row.pk}"
                if rule == ERASE:
                    if model_field.name == "password":
                        if is_password_usable(value):
                            problems.append(f"{where}: a usable password")
                    elif not _empty(value):
                        problems.append(f"{where}: {value!r}, not empty")
                elif rule == ANONYMISE:
                    if value not in placeholders:
                        problems.append(f"{where}: {value!r}, not anonymised")
                    elif isinstance(model_field, models.EmailField) and value != former_address(
                        person.pk
                    ):
                        problems.append(f"{where}: {value!r}, not an address")
                text = _as_text(value).lower()
                problems += [f"{where} still holds {v!r}" for v in erased_values if v in text]
    assert problems == []

    # Their files are gone; what they attached to a message stays with the message.
    assert not default_storage.exists(filled["photo"])
    assert not default_storage.exists(filled["old_export_file"])
    assert default_storage.exists(filled["attachment_file"])

    person.refresh_from_db()
    assert person.deleted_at is not None and not person.is_active
    assert person.get_full_name() == "a former participant"
    # No way in: not by the old address, not by the new one, and no session left.
    assert not Client().login(email=old_email, password=TEST_PASSWORD)
    assert not Client().login(email=person.email, password=TEST_PASSWORD)
    assert not Session.objects.filter(session_key=filled["session_key"]).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)
    ]

    # The mentorship ended ("left the program"), and the partner was told.
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.closing_reason == ClosingReason.LEFT_PROGRAM == "left_program"
    told = Notification.objects.filter(
        recipient=partner,
        kind=Notification.Kind.MENTORSHIP,
        link=reverse("matching:mentorship", kwargs={"pk": mentorship.pk}),
    )
    assert [n.title for n in told if "has left the program" in n.title], list(told)
    assert not Notification.objects.filter(recipient=person).exists()

    # The partner keeps the conversation: the person's messages, signed "a former participant".
    kept = list(Message.objects.filter(conversation=filled["conversation"], author_id=person.pk))
    assert len(kept) == 2
    assert {m.author.get_full_name() for m in kept} == {"a former participant"}
    text = next(m.text for m in kept if m.text)
    assert text.startswith("SECRET-conversations.Message-text")
    partner_client = Client()
    partner_client.force_login(partner)
    page = partner_client.get(
        reverse("conversations:conversation", kwargs={"pk": mentorship.pk})
    ).content.decode()
    assert text in page and "a former participant" in page

    # Written down, without the address.
    audit = AuditEntry.objects.filter(action="person.delete", organization=filled["organization"])
    assert audit.count() == 1
    assert old_email not in audit.get().subject and audit.get().detail["via"] == "self"


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    found: set[type[models.Model]] = {entry.model for entry in ENTRIES}
    found |= {Notification, AuditEntry}
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in found
    }


def test_deleting_a_deleted_account_is_refused_and_changes_nothing(person, filled):
    stale = User.objects.get(pk=person.pk)  # loaded before: it does not know it was deleted
    account_delete(user=person, actor=person, via="self")
    before = _snapshot()
    with pytest.raises(DomainError):
        account_delete(user=stale, actor=filled["partner"], via="operator")
    assert _snapshot() == before
