"""Webhooks: events told to other systems over HTTP, as the Standard Webhooks specification says
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``: HMAC-SHA256 of
``id.timestamp.body`` with the endpoint's secret; during a rotation the previous secret signs
too, so a receiver that still holds it keeps verifying).

An app emits an event inside its own transaction (``event_emit``): one ledger row
(``Delivery``) per live webhook of the owner that hears it, written with the change or not at
all. The ledger's sweep sends them as it sends reminders (claims under SKIP LOCKED, a lease,
backoff, an attempt cap): at least once, with the event's id as ``webhook-id`` on every try,
which receivers deduplicate on. Over HTTP exactly-once cannot be promised.

Each try resolves the endpoint's host once, refuses a private, loopback or link-local address
(``WEBHOOKS_ALLOW_PRIVATE`` allows them, in development and tests), and connects to that very
address, so DNS cannot answer one address to the check and another to the connection.

A webhook that has failed for a day is disabled, its waiting events dropped, and its owner's
registered handler told (``on_disabled``): this app knows none of the owners."""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as Signer

from mentorship import crypto
from notifications.models import WEBHOOK, Delivery, Webhook

TIMEOUT = urllib3.Timeout(connect=5, read=10)
# Standard Webhooks' suggested schedule after the first try: about 27 hours in all.
RETRY_AFTER = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
DISABLE_AFTER = timedelta(days=1)  # of failing without a success
ROTATION = timedelta(hours=24)  # how long the previous secret still signs
BODY_KEPT = 500  # characters of a receiver's answer kept to show

_ON_DISABLED: dict[str, Callable[[Webhook], None]] = {}


class Refused(Exception):
    """The endpoint may not be called: its address is not a public one."""


def on_disabled(prefix: str, handler: Callable[[Webhook], None]) -> None:
    """``handler(webhook)`` is called when a webhook whose owner key starts with ``prefix`` is
    disabled after a day of failures (the owning app tells its people)."""
    _ON_DISABLED[prefix] = handler


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def secrets_of(webhook: Webhook, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous during a rotation."""
    found = [crypto.decrypt(webhook.secret_encrypted)]
    if webhook.previous_secret_encrypted and (
        webhook.previous_until is not None and webhook.previous_until > now
    ):
        found.append(crypto.decrypt(webhook.previous_secret_encrypted))
    return [secret for secret in found if secret]


def signature(secrets_now: list[str], message_id: str, at: datetime, body: str) -> str:
    """``webhook-signature``: one ``v1,<base64>`` per secret, space-separated."""
    return " ".join(Signer(secret).sign(message_id, at, body) for secret in secrets_now)


# ---------------------------------------------------------------------------
# Events in
# ---------------------------------------------------------------------------
def event_emit(
    *, owner_key: str, event_type: str, data: dict[str, Any], now: datetime | None = None
) -> int:
    """Queue the event for each live webhook of ``owner_key`` that hears ``event_type``, in the
    caller's transaction; how many. The event's id is the ``webhook-id`` of every try."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(owner_key=owner_key, disabled_at=None).only("events")
        if event_type in hook.events
    ]
    if not hooks:
        return 0
    now = now or timezone.now()
    event_id = f"msg_{uuid.uuid4().hex}"
    body = json.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": data},
        separators=(",", ":"),
        default=str,
    )
    Delivery.objects.bulk_create(
        Delivery(
            webhook=hook,
            kind=WEBHOOK,
            subject_key=event_id,
            period_key="once",
            title=event_type,
            body=body,
            due_at=now,
        )
        for hook in hooks
    )
    from notifications.tasks import deliver_due

    transaction.on_commit(lambda: deliver_due.delay())
    return len(hooks)


# ---------------------------------------------------------------------------
# Events out
# ---------------------------------------------------------------------------
def address_refusal(host: str, port: int) -> tuple[str, str]:
    """The one address to connect to for ``host``, and "" if it may be called; otherwise why
    not. Resolved once: the caller connects to that address."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return "", f"{host} does not resolve."
    address = str(found[0][4][0])
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return address, ""
    ip = ipaddress.ip_address(address)
    if not ip.is_global or ip.is_multicast:
        return address, f"{host} resolves to {address}, which is not a public address."
    return address, ""


def _post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address, refusal = address_refusal(host, port)
    if refusal:
        raise Refused(refusal)
    pool: urllib3.HTTPConnectionPool
    if https:
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=TIMEOUT,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": parts.netloc},
            redirect=False,
            preload_content=False,
        )
        text = response.read(BODY_KEPT * 4, decode_content=True).decode("utf-8", "replace")
        response.release_conn()
    finally:
        pool.close()
    return response.status, text[:BODY_KEPT]


def _try(delivery: Delivery) -> tuple[int | None, str, str]:
    """POST the event once: (status, the answer's start, the error; "" when delivered). Signed
    at the moment it is sent, as receivers compare the timestamp with their clock."""
    webhook = delivery.webhook
    assert webhook is not None
    now = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Twoway-Webhooks/1",
        "webhook-id": delivery.subject_key,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature(
            secrets_of(webhook, now), delivery.subject_key, now, delivery.body
        ),
    }
    try:
        status, text = _post(webhook.url, headers, delivery.body.encode())
    except Refused as exc:
        return None, "", str(exc)
    except Exception as exc:  # noqa: BLE001 (any failure of the network or the receiver)
        return None, "", f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= status < 300:
        return status, text, ""
    return status, text, f"HTTP {status}"


def webhook_deliver(delivery: Delivery, now: datetime) -> None:
    """Send a claimed (leased) webhook event once and record what happened: sent; or tried
    again later on the schedule, up to its last try; the webhook disabled after a day of
    failures. Never raises: a failure is the receiver's answer, kept to show."""
    status, text, error = _try(delivery)
    response = {"response_status": status, "response_body": text, "updated_at": timezone.now()}
    if not error:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENT, sent_at=now, last_error="", **response
        )
        Webhook.objects.filter(deliveries=delivery, failing_since__isnull=False).update(
            failing_since=None
        )
        return
    last = delivery.attempts > len(RETRY_AFTER)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED if last else Delivery.State.PENDING,
        due_at=now if last else now + RETRY_AFTER[delivery.attempts - 1],
        last_error=error,
        **response,
    )
    _note_failure(delivery, now)


def _note_failure(delivery: Delivery, now: datetime) -> None:
    with transaction.atomic():
        webhook = (
            Webhook.objects.select_for_update(of=("self",)).filter(deliveries=delivery).first()
        )
        if webhook is None or webhook.disabled_at is not None:
            return
        if webhook.failing_since is None:
            webhook.failing_since = now
            webhook.save(update_fields=["failing_since", "updated_at"])
            return
        if now - webhook.failing_since < DISABLE_AFTER:
            return
        webhook.disabled_at = now
        webhook.disabled_reason = "Every delivery failed for a day."
        webhook.save(update_fields=["disabled_at", "disabled_reason", "updated_at"])
        webhook_drop_waiting(webhook)
        handler = next(
            (h for p, h in _ON_DISABLED.items() if webhook.owner_key.startswith(p)), None
        )
        if handler is not None:
            transaction.on_commit(lambda: handler(webhook))


def webhook_drop_waiting(webhook: Webhook) -> int:
    """A disabled or deleted webhook's waiting events are not sent."""
    return Delivery.objects.filter(webhook=webhook, state=Delivery.State.PENDING).update(
        state=Delivery.State.SUPPRESSED, updated_at=timezone.now()
    )
