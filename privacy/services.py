"""A person's data rights: their export, the deletion of their personal data, and an
organization's retention rule. What each field gets is the registry's (privacy/registry.py)."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching.directory.cache import forget as forget_rankings
from matching.models import ClosingReason
from matching.services.leavers import close_for_leaver
from mentorship.errors import DomainError
from mentorship.sessions import forget_kept_sessions
from notifications.models import Notification
from notifications.services import email_send, notify
from privacy.models import DataExport, RetentionPolicy
from privacy.registry import (
    ANONYMISE,
    ENTRIES,
    ERASE,
    FORMER_PARTICIPANT,
    Entry,
    former_address,
)
from programs.models import Invitation, Organization, OrganizationAdmin, Participant, Program
from programs.services import audit_record
from programs.standing import standing_changed

EXPORT_KEPT_FOR = timedelta(days=7)
EXPORT_EVERY = timedelta(days=1)


# ---------------------------------------------------------------------------
# Download my data
# ---------------------------------------------------------------------------
def export_request(*, user: User) -> DataExport:
    """Ask for an export (built by the task privacy.build_export); at most one a day."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        last = DataExport.objects.filter(user=user).order_by("-requested_at").first()
        now = timezone.now()
        if last is not None and last.requested_at > now - EXPORT_EVERY:
            again = timezone.localtime(last.requested_at + EXPORT_EVERY)
            raise DomainError(
                _("You can ask for one export a day: again from %(when)s.")
                % {"when": formats.date_format(again, "SHORT_DATETIME_FORMAT")}
            )
        export = DataExport.objects.create(user=user, requested_at=now)
    from privacy.tasks import build_export

    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _value(row: models.Model, name: str, m2m: dict[str, list[int]]) -> Any:
    model_field = row._meta.get_field(name)
    if model_field.many_to_many:
        return m2m[name]
    if model_field.is_relation:
        return getattr(row, model_field.attname)  # type: ignore[union-attr]
    value = getattr(row, name)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def _records(entry: Entry, user: User) -> tuple[list[str], list[dict[str, Any]]]:
    names = entry.exported()
    rows: QuerySet[Any] = entry.rows_about(user)
    many = [n for n in names if entry.model._meta.get_field(n).many_to_many]
    if many:
        rows = rows.prefetch_related(*many)
    records = []
    for row in rows:
        m2m = {n: sorted(o.pk for o in getattr(row, n).all()) for n in many}
        records.append({name: _value(row, name, m2m) for name in names})
    return names, records


def _csv(names: list[str], records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names)
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                k: json.dumps(v) if isinstance(v, dict | list) else ("" if v is None else v)
                for k, v in record.items()
            }
        )
    return out.getvalue()


README = """Your data from {site}, as of {when} (UTC).

Each file holds one kind of record: <app>/<kind>.json, and the same as a table in
<app>/<kind>.csv. Fields ending in an id (mentor, program, meeting...) name the record of that
number in the other files. files/ holds your photo and the files you attached to messages.

What happens to each kind of record when an account is deleted is written in the site's
retention policy.
"""


def export_build(*, export_id: int) -> DataExport | None:
    """Write the person's zip (the task's work), then tell them by email and in the app."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.ready_at is not None:
        return export
    user = export.user
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(site=settings.SITE_NAME, when=timezone.now().isoformat()),
        )
        for entry in ENTRIES:
            if not entry.exported():
                continue
            names, records = _records(entry, user)
            if not records:
                continue
            app, kind = entry.label.lower().split(".")
            archive.writestr(f"{app}/{kind}.json", json.dumps(records, indent=2, default=str))
            archive.writestr(f"{app}/{kind}.csv", _csv(names, records))
        for name in _own_files(user):
            try:
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(f"files/{name}", handle.read())
            except OSError:
                continue
    content = buffer.getvalue()
    now = timezone.now()
    export.file.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(content), save=False)
    export.size = len(content)
    export.ready_at = now
    export.expires_at = now + EXPORT_KEPT_FOR
    export.save(update_fields=["file", "size", "ready_at", "expires_at"])
    link = reverse("privacy:settings")
    notify(
        recipient=user,
        kind=Notification.Kind.GENERAL,
        title=gettext_lazy("Your data is ready to download"),
        body=gettext_lazy("The download works for 7 days, and only for you."),
        link=link,
    )
    email_send(
        to=[user.email],
        language=user.language_code,
        subject=gettext_lazy("Your data is ready to download"),
        template="emails/data_export",
        context={"user": user, "export": export, "link": settings.SITE_URL + link},
    )
    return export


def _own_files(user: User) -> list[str]:
    from conversations.models import Attachment

    names = [user.photo.name] if user.photo else []
    names += [
        name
        for name in Attachment.objects.filter(message__author=user).values_list("file", flat=True)
        if name
    ]
    return names


def export_for_download(*, user: User, export_id: int) -> DataExport | None:
    """The person's own ready export, if it has not expired; None for anyone else's."""
    export = DataExport.objects.filter(pk=export_id, user=user, ready_at__isnull=False).first()
    if export is None or export.is_expired or not export.file:
        return None
    return export


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their 7 days; how many."""
    now = now or timezone.now()
    count = 0
    for export in DataExport.objects.filter(expires_at__lte=now).exclude(file=""):
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    return count


# ---------------------------------------------------------------------------
# Delete my account
# ---------------------------------------------------------------------------
@dataclass
class Deleted:
    mentorships: int
    requests: int


VIA_SELF = "self"
VIA_PROGRAM_ADMIN = "program admin"
VIA_OPERATOR = "operator"
VIA_RETENTION = "retention"


def _erased(model_field: models.Field[Any, Any]) -> Any:
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    if model_field.null:
        return None
    return ""


def _anonymous(model_field: models.Field[Any, Any], user_id: int) -> Any:
    if isinstance(model_field, models.EmailField) or model_field.name in {"email", "sender"}:
        return former_address(user_id)
    return FORMER_PARTICIPANT


def _apply(entry: Entry, pks: list[Any], user_id: int) -> None:
    model = entry.model
    rows = model._default_manager.filter(pk__in=pks)
    files = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and entry.rules[f.name].on_delete == ERASE
    ]
    for row in rows.exclude(**{f.name: "" for f in files}) if files else []:
        for f in files:
            getattr(row, f.name).delete(save=False)
    if entry.delete_rows:
        rows.delete()
        return
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        rule = entry.rules[f.name]
        if f.name == "password" and rule.on_delete == ERASE:
            values[f.name] = make_password(None)
        elif rule.on_delete == ERASE:
            values[f.name] = _erased(f)
        elif rule.on_delete == ANONYMISE:
            values[f.name] = _anonymous(f, user_id)
    if values:
        rows.update(**values)


def _organizations_of(user: User) -> list[Organization]:
    return list(
        Organization.objects.filter(
            Q(programs__participants__user=user) | Q(admins__user=user)
        ).distinct()
    )


@transaction.atomic
def account_delete(*, user: User, actor: User | None, via: str) -> Deleted:
    """Delete a person's personal data, all at once or nothing: their sessions end, tokens are
    revoked, open requests are withdrawn and live mentorships end ("left the program", each
    partner told); then every field the registry marks is erased or anonymised, and the rows
    it marks are deleted. Their account stays as "a former participant", unable to sign in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        raise DomainError(_("This account's personal data has been deleted already."))
    organizations = _organizations_of(user)
    participants = list(
        Participant.objects.select_for_update(of=("self",))
        .filter(user=user)
        .exclude(status__in=[Participant.Status.WITHDRAWN, Participant.Status.DECLINED])
        .select_related("program")
    )
    closed = close_for_leaver(
        participants=participants, actor=actor, reason=ClosingReason.LEFT_PROGRAM
    )
    now = timezone.now()
    Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
        status=Participant.Status.WITHDRAWN, withdrawn_at=now, updated_at=now
    )
    Invitation.objects.filter(email__iexact=user.email, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, updated_at=now
    )
    # Every row to change is found first: some are found by the address being anonymised.
    plans = [
        (entry, list(entry.rows_owned(user).values_list("pk", flat=True)))
        for entry in ENTRIES
        if entry.delete_rows
        or any(rule.on_delete in {ERASE, ANONYMISE} for rule in entry.rules.values())
    ]
    for entry, pks in plans:
        if pks:
            _apply(entry, pks, user.pk)
            if entry.label == "sessions.Session":
                # Their copies in the cache go too, once the rows are gone for good.
                keys = [str(pk) for pk in pks]
                transaction.on_commit(lambda keys=keys: forget_kept_sessions(keys))
    User.objects.filter(pk=user.pk).update(is_active=False, deleted_at=now)
    # Written by update(): no save signal tells the directory. Every row changed is the
    # person's, in the programs they take part in.
    forget_rankings(Participant.objects.filter(user=user).values_list("program_id", flat=True))
    standing_changed([user.pk])  # their participations were withdrawn by update() too
    for organization in organizations:
        audit_record(
            organization=organization,
            actor=actor,
            action="person.delete",
            subject=f"{FORMER_PARTICIPANT} (#{user.pk})",
            via=via,
            mentorships=len(closed.mentorships),
            requests=len(closed.requests),
        )
    return Deleted(mentorships=len(closed.mentorships), requests=len(closed.requests))


def program_admin_may_delete(*, program: Program, person: User) -> bool:
    """A program's admins may delete the data of a person who takes part only in their
    organization's programs (anyone else's account is an operator's to delete)."""
    elsewhere = (
        Participant.objects.filter(user=person)
        .exclude(program__organization_id=program.organization_id)
        .exists()
        or OrganizationAdmin.objects.filter(user=person).exists()
    )
    return not elsewhere and not person.is_staff and person.deleted_at is None


# ---------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------
def retention_candidates(*, organization: Organization, months: int) -> QuerySet[User]:
    """People whose every program closed more than ``months`` ago, one of them this
    organization's; never its admins or operators."""
    cutoff = timezone.localdate() - relativedelta(months=months)
    still = Participant.objects.exclude(program__ends_on__lt=cutoff).values("user_id")
    return (
        User.objects.filter(
            participations__program__organization=organization,
            participations__program__ends_on__lt=cutoff,
            deleted_at__isnull=True,
            is_staff=False,
        )
        .exclude(pk__in=still)
        .exclude(pk__in=OrganizationAdmin.objects.values("user_id"))
        .distinct()
    )


def retention_set(*, organization: Organization, months: int | None, actor: User) -> None:
    from programs.access import require_organization_admin

    require_organization_admin(
        organization=organization, actor=actor, doing="change the retention rule"
    )
    policy, _created = RetentionPolicy.objects.get_or_create(organization=organization)
    before = policy.months
    policy.months = months
    policy.updated_by = actor
    policy.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="retention.set",
        subject=organization.name,
        before={"months": before},
        after={"months": months},
    )


def retention_apply() -> int:
    """Each organization's rule, once a day (beat): how many people's data was deleted."""
    deleted = 0
    for policy in RetentionPolicy.objects.filter(months__isnull=False).select_related(
        "organization"
    ):
        assert policy.months is not None
        for user in retention_candidates(organization=policy.organization, months=policy.months):
            account_delete(user=user, actor=None, via=VIA_RETENTION)
            deleted += 1
    return deleted
