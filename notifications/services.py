"""Every app tells people things through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from mentorship.validators import single_line
from notifications.models import Notification

# RFC 5322 allows 998 characters a line; mail clients show far fewer. Titles are 200 already.
SUBJECT_MAX_LENGTH = 200


def in_language(language: str, text: Any) -> str:
    """Text in a language: callers pass lazy text (``gettext_lazy``, ``format_lazy``) for what
    goes to someone else, and it is made here, in the recipient's language, not the sender's."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(text)


def notify(
    *,
    recipient: User,
    kind: str,
    title: Any,
    body: Any = "",
    link: str = "",
    resolved_by: str = "",
) -> Notification:
    """Leave an in-app notification for one person. ``resolved_by``: the key whose
    ``notifications_resolve`` marks it read, when it asks for something that can get done."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    language = recipient.language_code
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=in_language(language, title)[:200],
        body=in_language(language, body),
        link=link,
        resolved_by=resolved_by,
    )


def notifications_resolve(*, recipient_id: int, key: str) -> int:
    """What the notifications with this key asked for is done: they are marked read."""
    return Notification.objects.filter(
        recipient_id=recipient_id, resolved_by=key, read_at__isnull=True
    ).update(read_at=timezone.now(), updated_at=timezone.now())


def notify_many(
    *, recipients: Iterable[User], kind: str, title: Any, body: Any = "", link: str = ""
) -> list[Notification]:
    """The same notification for several people (each in their language), in one insert."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=in_language(user.language_code, title)[:200],
            body=in_language(user.language_code, body),
            link=link,
        )
        for user in recipients
    ]
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notification_mark_read(*, recipient: User, notification_id: int) -> int:
    """Mark one of the person's own notifications read; returns how many rows changed."""
    return Notification.objects.filter(
        recipient=recipient, pk=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_mark_all_read(*, recipient: User) -> int:
    """Mark all of the person's notifications read."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def email_subject(text: str) -> str:
    """Every email's subject line, from any text: the site's name first, whitespace and control
    characters collapsed to single spaces, at most SUBJECT_MAX_LENGTH characters. Pure.

    Subjects are made from what people typed (names, titles, action items): a line break in one
    made Django refuse the whole message (``BadHeaderError``), so this never lets one through.
    """
    line = " ".join(single_line(f"[{settings.SITE_NAME}] {text}").split())
    if len(line) > SUBJECT_MAX_LENGTH:
        line = line[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return line


def email_send(
    *,
    to: list[str],
    subject: Any,
    template: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    reply_to: str = "",
    calendar: bytes | None = None,
    calendar_method: str = "",
    language: str = "",
) -> None:
    """Send one email with plain-text and HTML parts rendered from ``<template>.txt``/``.html``,
    and a ``calendar`` file (iCalendar) as ``invite.ics`` if given; with its iTIP
    ``calendar_method`` it is also the message's calendar part, which calendars act on.
    ``language``: the recipient's (``user.language_code``); lazy ``subject`` text and the
    templates are made in it."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        _email_send(
            to, str(subject), template, context, headers, reply_to, calendar, calendar_method
        )


def _email_send(
    to: list[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None,
    reply_to: str,
    calendar: bytes | None,
    calendar_method: str,
) -> None:
    full_context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    text = render_to_string(f"{template}.txt", full_context)
    html = render_to_string(f"{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=email_subject(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=dict(headers or {}),
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    message.extra_headers.setdefault("Content-Language", translation.get_language() or "")
    if calendar is not None:
        if calendar_method:
            message.attach_alternative(
                calendar.decode(), f"text/calendar; method={calendar_method}"
            )
        message.attach("invite.ics", calendar.decode(), "application/ics")
    message.send()
