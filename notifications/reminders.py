"""Reminders through the ledger: schedule once, deliver once, respect people's choices.

Every reminder in the project is created by `reminder_schedule`, which inserts a Delivery row
under a unique (recipient, kind, subject, period) key and does nothing when the row exists.
`delivery_send_one_due` claims one due pending row, applies the person's preferences and quiet
hours, and delivers in-app and/or by email; a failure is retried with backoff and ends in
`failed` with its error, never silently dropped.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import User
from notifications.models import Delivery, Notification, Reminder
from notifications.services import email_send, in_language
from notifications.webhooks import webhook_deliver

M = TypeVar("M", bound=models.Model)

CHANNELS = ("in_app", "email", "digest")
DEFAULT_CHANNELS = {"in_app": True, "email": True, "digest": False}
DEFAULT_QUIET = (time(21, 0), time(8, 0))
MAX_ATTEMPTS = 5
# The kinds a person chooses channels for; the weekly digest is itself the "digest" channel.
CHOOSABLE: tuple[str, ...] = tuple(k.value for k in Reminder if k != Reminder.WEEKLY_DIGEST)
DIGEST_ONLY = {"in_app": False, "email": True, "digest": False}

# Who a kind can reach, registered by the app that sends it (this app knows none of them): the
# settings page shows a person only the kinds that apply to them. A kind not registered applies
# to everyone.
_AUDIENCES: dict[str, Callable[[Any], bool]] = {}


# Kinds whose reminder can become moot before it is due ("still unread?"), registered by the app
# that schedules them: a moot one is suppressed at delivery, never sent.
_STILL_DUE: dict[str, Callable[[Delivery], bool]] = {}


def reminder_still_due(kind: str, check: Callable[[Delivery], bool]) -> None:
    """Say how to tell, at delivery, whether a reminder of ``kind`` still matters."""
    _STILL_DUE[kind] = check


# Kinds whose email can be answered by email, registered by the app that schedules them: the
# address (notifications.inbound.reply_address) a reply to that delivery should go to.
_REPLY_TO: dict[str, Callable[[Delivery], str]] = {}


def reminder_reply_to(kind: str, address: Callable[[Delivery], str]) -> None:
    """Say where replies to the emails of ``kind`` go."""
    _REPLY_TO[kind] = address


# Kinds whose email carries a calendar file, registered by the app that schedules them: the
# .ics for that delivery (a meeting reminder: the meeting's invitation, with its one UID).
_CALENDAR: dict[str, Callable[[Delivery, Any], bytes | None]] = {}


def reminder_calendar(kind: str, calendar: Callable[[Delivery, Any], bytes | None]) -> None:
    """Say which calendar file the emails of ``kind`` attach (``calendar(delivery, user)``)."""
    _CALENDAR[kind] = calendar


def reminder_audience(kind: str, applies: Callable[[Any], bool]) -> None:
    """Say who ``kind`` can reach: ``applies(user)`` is true for them."""
    _AUDIENCES[kind] = applies


def kinds_for(user: Any) -> list[str]:
    """The choosable kinds that can reach this person."""
    return [kind for kind in CHOOSABLE if kind not in _AUDIENCES or _AUDIENCES[kind](user)]


def lease() -> timedelta:
    """How long a claimed row is held by the worker sending it; one killed mid-send frees it then."""
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def timing(name: str) -> timedelta:
    """When a reminder fires, from settings.REMINDER_TIMINGS (hours), read at each scan."""
    return timedelta(hours=settings.REMINDER_TIMINGS[name])


_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass
class Preferences:
    """A person's channels per reminder kind, and their quiet hours (local wall-clock)."""

    channels: dict[str, dict[str, bool]] = field(default_factory=dict)
    quiet_start: time = DEFAULT_QUIET[0]
    quiet_end: time = DEFAULT_QUIET[1]

    def for_kind(self, kind: str) -> dict[str, bool]:
        if kind == Reminder.WEEKLY_DIGEST:
            return DIGEST_ONLY  # it is the email the "digest" choices of the other kinds make
        return {**DEFAULT_CHANNELS, **self.channels.get(kind, {})}


def preferences_of(user: User) -> Preferences:
    raw: dict[str, Any] = user.notification_preferences or {}
    quiet = raw.get("quiet_hours") or {}
    try:
        start = time.fromisoformat(quiet.get("start", "21:00"))
        end = time.fromisoformat(quiet.get("end", "08:00"))
    except ValueError:
        start, end = DEFAULT_QUIET
    channels = {k: v for k, v in (raw.get("channels") or {}).items() if k in Reminder.values}
    return Preferences(channels=channels, quiet_start=start, quiet_end=end)


@transaction.atomic
def preferences_save(
    *, user: User, channels: dict[str, dict[str, bool]], quiet_start: time, quiet_end: time
) -> Preferences:
    """Store a person's channel choices per kind and their quiet hours."""
    clean = {
        kind: {channel: bool(values.get(channel)) for channel in CHANNELS}
        for kind, values in channels.items()
        if kind in CHOOSABLE
    }
    stored = user.notification_preferences or {}
    user.notification_preferences = {
        **stored,
        # Kinds not shown to the person (not theirs) keep what they had.
        "channels": {**stored.get("channels", {}), **clean},
        "quiet_hours": {"start": quiet_start.strftime("%H:%M"), "end": quiet_end.strftime("%H:%M")},
    }
    user.save(update_fields=["notification_preferences"])
    return preferences_of(user)


def quiet_until(now: datetime, zone: str, start: time, end: time) -> datetime | None:
    """If ``now`` falls in the quiet hours in ``zone``, the instant they end; else None. Pure."""
    if start == end:
        return None
    local = now.astimezone(zoneinfo.ZoneInfo(zone))
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    naive_end = datetime.combine(end_day, end)
    return naive_end.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(zoneinfo.ZoneInfo("UTC"))


def reminder_schedule(
    *,
    recipient: User,
    kind: str,
    subject_key: str,
    period_key: str,
    title: Any,
    body: Any = "",
    link: str = "",
    due_at: datetime | None = None,
) -> bool:
    """Put a reminder in the ledger once; True if it is new, False if it was there already.
    Lazy ``title`` and ``body`` (gettext_lazy, format_lazy) are written in the recipient's
    language."""
    if kind not in Reminder.values:
        raise ValueError(f"Unknown reminder kind {kind!r}")
    _, created = Delivery.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        subject_key=subject_key[:100],
        period_key=period_key[:40],
        defaults={
            "title": in_language(recipient.language_code, title)[:200],
            "body": in_language(recipient.language_code, body),
            "link": link,
            "due_at": due_at or timezone.now(),
        },
    )
    return created


@dataclass(frozen=True)
class Due:
    """One reminder a scan found due, before it is in the ledger."""

    recipient_id: int
    kind: str
    subject_key: str
    period_key: str
    # Lazy text (gettext_lazy, format_lazy): the ledger row is written in the recipient's language.
    title: Any
    due_at: datetime
    body: Any = ""
    link: str = ""
    # The recipient's language (``user.language_code``) when the scan has it already; without
    # it, the batch looks the languages up (one query) if any of its text is lazy.
    language: str = ""


def keyset_batches(rows: QuerySet[M], size: int) -> Iterator[list[M]]:
    """Pages of ``size`` rows by primary key: a fixed number of queries per page, whatever the
    total, and no OFFSET that slows down as a scan goes deeper. Every scan walks its rows so."""
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def reminders_schedule_many(items: list[Due]) -> None:
    """Put a scan's batch in the ledger in one insert, each row's text in its recipient's language
    (one query for the languages the items do not carry, when some text is lazy); rows already
    there stay as they are."""
    if not items:
        return
    unknown = {
        item.recipient_id
        for item in items
        if not item.language and (isinstance(item.title, Promise) or isinstance(item.body, Promise))
    }
    languages = (
        dict(User.objects.filter(pk__in=unknown).values_list("pk", "language")) if unknown else {}
    )

    def language_of(item: Due) -> str:
        return item.language or languages.get(item.recipient_id, "")

    rows = [
        Delivery(
            recipient_id=item.recipient_id,
            kind=item.kind,
            subject_key=item.subject_key[:100],
            period_key=item.period_key[:40],
            title=in_language(language_of(item), item.title)[:200],
            body=in_language(language_of(item), item.body),
            link=item.link,
            due_at=item.due_at,
        )
        for item in items
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps([user.pk, kind], salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_from_token(token: str) -> tuple[User, str] | None:
    try:
        user_id, kind = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in Reminder.values:
        return None
    return user, kind


@transaction.atomic
def unsubscribe(*, user: User, kind: str) -> None:
    """Stop emails of one kind (in-app stays): the one-click link in every reminder email.
    For the weekly digest that means no kind goes to the digest any more."""
    prefs = preferences_of(user)
    channels = {k: dict(prefs.for_kind(k)) for k in CHOOSABLE}
    if kind == Reminder.WEEKLY_DIGEST:
        for chosen in channels.values():
            chosen["digest"] = False
    else:
        channels[kind]["email"] = False
    preferences_save(
        user=user, channels=channels, quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end
    )


def _claim(now: datetime) -> Delivery | None:
    # skip_locked: several workers each take a different row; SQLite serialises writers anyway.
    return (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "webhook")
        .filter(state=Delivery.State.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .first()
    )


def _deliver(delivery: Delivery, now: datetime) -> str:
    """Send one claimed row; returns the channels used (empty: suppressed).

    Each channel is written down as done in the same step that does it (the in-app message in
    the same transaction), so a retry after a crash skips what already went out.
    """
    user = delivery.recipient
    assert user is not None  # a reminder's (a webhook's event goes by webhook_deliver)
    chosen = preferences_of(user).for_kind(delivery.kind)
    done = [c for c in delivery.channels.split(",") if c]
    if chosen["in_app"] and "in_app" not in done:
        with transaction.atomic():
            Notification.objects.create(
                recipient=user,
                kind=Notification.Kind.REMINDER,
                title=delivery.title,
                body=delivery.body,
                link=delivery.link,
            )
            done.append("in_app")
            Delivery.objects.filter(pk=delivery.pk).update(channels=",".join(done))
    if chosen["email"] and user.email and "email" not in done:
        link = settings.SITE_URL + delivery.link if delivery.link.startswith("/") else delivery.link
        unsubscribe_url = settings.SITE_URL + reverse(
            "notifications:unsubscribe", kwargs={"token": unsubscribe_token(user, delivery.kind)}
        )
        email_send(
            to=[user.email],
            language=user.language_code,
            subject=delivery.title,
            template=f"emails/reminders/{delivery.kind}",
            context={
                "delivery": delivery,
                "user": user,
                "link": link,
                "kind_label": Reminder(delivery.kind).label,
                "unsubscribe_url": unsubscribe_url,
            },
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            reply_to=_REPLY_TO[delivery.kind](delivery) if delivery.kind in _REPLY_TO else "",
            calendar=_CALENDAR[delivery.kind](delivery, user)
            if delivery.kind in _CALENDAR
            else None,
        )
        done.append("email")
        Delivery.objects.filter(pk=delivery.pk).update(channels=",".join(done))
    if chosen["digest"] and "digest" not in done:
        done.append("digest")
    return ",".join(done)


def _held_back(delivery: Delivery, now: datetime) -> bool:
    """A person's reminder that is not sent now: dropped (they left, or it no longer applies),
    or moved to the end of their quiet hours."""
    user = delivery.recipient
    assert user is not None
    moot = delivery.kind in _STILL_DUE and not _STILL_DUE[delivery.kind](delivery)
    if not user.is_active or moot:
        delivery.state = Delivery.State.SUPPRESSED
        delivery.save(update_fields=["state", "updated_at"])
        return True
    prefs = preferences_of(user)
    later = quiet_until(now, user.time_zone, prefs.quiet_start, prefs.quiet_end)
    if later is not None:
        delivery.due_at = later  # what falls due in quiet hours goes out when they end
        delivery.save(update_fields=["due_at", "updated_at"])
        return True
    return False


def delivery_send_one_due(*, now: datetime | None = None) -> bool:
    """Deliver one due reminder or webhook event; False when none is due. Quiet hours move a
    reminder, errors retry."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _claim(now)
        if delivery is None:
            return False
        if delivery.webhook is not None:
            if delivery.webhook.disabled_at is not None:
                delivery.state = Delivery.State.SUPPRESSED
                delivery.save(update_fields=["state", "updated_at"])
                return True
        elif _held_back(delivery, now):
            return True
        # Take a lease before sending: the row is not due again for a while, so another worker
        # cannot send it meanwhile, and if this one dies mid-send it comes back (never lost).
        delivery.attempts += 1
        delivery.due_at = now + lease()
        delivery.save(update_fields=["attempts", "due_at", "updated_at"])
    if delivery.webhook is not None:
        webhook_deliver(delivery, now)  # records its own outcome
        return True
    try:
        channels = _deliver(delivery, now)
    except Exception as exc:
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED if failed else Delivery.State.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            due_at=now + timedelta(minutes=2**delivery.attempts),
            updated_at=timezone.now(),
        )
        raise
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.SENT if channels else Delivery.State.SUPPRESSED,
        channels=channels,
        sent_at=now,
        last_error="",
        updated_at=timezone.now(),
    )
    return True


def deliveries_send_due(*, now: datetime | None = None, limit: int = 1000) -> tuple[int, int]:
    """Deliver due reminders; returns (looked at, failed attempts). A bad row never stops the rest."""
    done = errors = 0
    while done < limit:
        try:
            if not delivery_send_one_due(now=now):
                break
        except Exception:  # the row recorded its error and moved on; keep going with the rest
            errors += 1
        done += 1
    return done, errors
