"""An organization's webhooks (Standard Webhooks, delivered by notifications.webhooks): its
organization admins register an address and the events it hears, see each delivery with the
answer it got, replay one, rotate the signing secret (the old one signs too for a day), disable,
enable or delete it. Each change is in the organization's audit log; a webhook disabled after a
day of failures is told to its organization admins."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentorship import crypto
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Webhook
from notifications.services import notify_many
from notifications.webhooks import (
    ROTATION,
    address_refusal,
    new_secret,
    on_disabled,
    webhook_drop_waiting,
)
from programs.access import require_organization_admin
from programs.events import EVENTS, owner_key
from programs.models import Organization, OrganizationAdmin
from programs.services import audit_record

MAX_WEBHOOKS = 10  # per organization


def webhooks_of(organization: Organization) -> list[Webhook]:
    return list(Webhook.objects.filter(owner_key=owner_key(organization)).order_by("pk"))


def _url_refusal(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Give the address as https://…"
    if parts.scheme != "https" and not settings.WEBHOOKS_ALLOW_PRIVATE:
        return "Events are sent over https only: give an https:// address."
    port = parts.port or (443 if parts.scheme == "https" else 80)
    _, refusal = address_refusal(parts.hostname, port)
    return refusal


@transaction.atomic
def webhook_create(
    *, organization: Organization, actor: User, url: str, events: list[str], description: str = ""
) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (shown once; kept encrypted)."""
    require_organization_admin(organization=organization, actor=actor, doing="add webhooks")
    url = url.strip()
    refusal = _url_refusal(url)
    if refusal:
        raise DomainError(refusal, field="url")
    if not events or set(events) - set(EVENTS):
        raise DomainError("Choose the events it hears.", field="events")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if Webhook.objects.filter(owner_key=owner_key(organization)).count() >= MAX_WEBHOOKS:
        raise DomainError(f"An organization has at most {MAX_WEBHOOKS} webhooks.", field="url")
    secret = new_secret()
    webhook = Webhook.objects.create(
        owner_key=owner_key(organization),
        url=url,
        description=description.strip(),
        events=[event for event in EVENTS if event in events],
        secret_encrypted=crypto.encrypt(secret),
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="webhook.create", subject=url)
    return webhook, secret


@transaction.atomic
def webhook_rotate(
    *, organization: Organization, webhook: Webhook, actor: User, now: datetime | None = None
) -> str:
    """A new signing secret; the previous one signs too for a day, while receivers switch."""
    require_organization_admin(organization=organization, actor=actor, doing="rotate secrets")
    now = now or timezone.now()
    secret = new_secret()
    webhook.previous_secret_encrypted = webhook.secret_encrypted
    webhook.previous_until = now + ROTATION
    webhook.secret_encrypted = crypto.encrypt(secret)
    webhook.save(
        update_fields=[
            "previous_secret_encrypted",
            "previous_until",
            "secret_encrypted",
            "updated_at",
        ]
    )
    audit_record(
        organization=organization, actor=actor, action="webhook.rotate", subject=webhook.url
    )
    return secret


@transaction.atomic
def webhook_set_enabled(
    *, organization: Organization, webhook: Webhook, actor: User, enabled: bool
) -> Webhook:
    require_organization_admin(organization=organization, actor=actor, doing="change webhooks")
    if enabled:
        webhook.disabled_at, webhook.disabled_reason, webhook.failing_since = None, "", None
    else:
        webhook.disabled_at = timezone.now()
        webhook.disabled_reason = f"Disabled by {actor.get_full_name()}."
        webhook_drop_waiting(webhook)
    webhook.save(update_fields=["disabled_at", "disabled_reason", "failing_since", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="webhook.enable" if enabled else "webhook.disable",
        subject=webhook.url,
    )
    return webhook


@transaction.atomic
def webhook_delete(*, organization: Organization, webhook: Webhook, actor: User) -> None:
    require_organization_admin(organization=organization, actor=actor, doing="delete webhooks")
    audit_record(
        organization=organization, actor=actor, action="webhook.delete", subject=webhook.url
    )
    webhook.delete()


@transaction.atomic
def delivery_replay(
    *, organization: Organization, delivery: Delivery, actor: User, now: datetime | None = None
) -> Delivery:
    """Send an event again, with the same ``webhook-id`` (receivers recognise it)."""
    require_organization_admin(organization=organization, actor=actor, doing="replay events")
    webhook = delivery.webhook
    assert webhook is not None
    if webhook.disabled_at is not None:
        raise DomainError("Enable the webhook first.")
    if delivery.state == Delivery.State.PENDING:
        raise DomainError("This event is waiting to be sent already.")
    delivery.state = Delivery.State.PENDING
    delivery.due_at = now or timezone.now()
    delivery.attempts = 0
    delivery.save(update_fields=["state", "due_at", "attempts", "updated_at"])
    from notifications.tasks import deliver_due

    transaction.on_commit(lambda: deliver_due.delay())
    return delivery


def _tell_disabled(webhook: Webhook) -> None:
    """A webhook disabled after a day of failures: its organization's admins are told."""
    organization = Organization.objects.filter(
        pk=int(webhook.owner_key.removeprefix("organization:"))
    ).first()
    if organization is None:
        return
    admins = [
        row.user
        for row in OrganizationAdmin.objects.filter(organization=organization).select_related(
            "user"
        )
    ]
    notify_many(
        recipients=admins,
        kind=Notification.Kind.GENERAL,
        title=f"A webhook of {organization.name} was disabled",
        body=f"Every delivery to {webhook.url} failed for a day. Fix it, then enable it again.",
        link=reverse("api:webhook", kwargs={"slug": organization.slug, "pk": webhook.pk}),
    )


def register() -> None:
    on_disabled("organization:", _tell_disabled)
