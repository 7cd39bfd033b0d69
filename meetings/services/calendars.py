"""People's own calendars over CalDAV: connect one (the app password kept encrypted), keep its
busy times (start and end only) for the slot picker, disconnect it (its credentials deleted).
The network is meetings.caldav_sync's; a failure is kept on the connection and shown, never
half-written."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from matching.windows import Interval
from meetings.caldav_sync import Account, CalendarUnreachable, busy_times, calendars
from meetings.models import CalendarConnection
from mentorship import crypto
from mentorship.errors import DomainError

AHEAD = timedelta(days=28)  # busy times are read this far ahead (the picker offers two weeks)


def account_of(connection: CalendarConnection) -> Account:
    return Account(
        server_url=connection.server_url,
        username=connection.username,
        password=crypto.decrypt(connection.password_encrypted),
    )


def calendar_connect(
    *, user: User, server_url: str, username: str, password: str, calendar_name: str = ""
) -> CalendarConnection:
    """Connect the person's calendar: the server is asked for their calendars first (so wrong
    credentials change nothing), the one named (or the first) is kept, and its busy times read."""
    account = Account(server_url=server_url.strip(), username=username.strip(), password=password)
    try:
        found = calendars(account)
    except CalendarUnreachable as exc:
        raise DomainError(str(exc), field="server_url") from None
    if not found:
        raise DomainError("That account has no calendar to connect.", field="server_url")
    wanted = calendar_name.strip().lower()
    chosen = next((c for c in found if c.name.lower() == wanted), None) if wanted else found[0]
    if chosen is None:
        names = ", ".join(c.name for c in found)
        raise DomainError(f"No calendar is called that; yours are: {names}.", field="calendar_name")
    with transaction.atomic():
        connection, _ = CalendarConnection.objects.update_or_create(
            user=user,
            defaults={
                "server_url": account.server_url,
                "username": account.username,
                "password_encrypted": crypto.encrypt(password),
                "calendar_url": chosen.url,
                "calendar_name": chosen.name,
                "busy": [],
                "synced_at": None,
                "sync_error": "",
            },
        )
    return calendar_busy_sync(connection=connection)


def calendar_disconnect(*, user: User) -> bool:
    """Forget the person's calendar: its address, credentials and busy times."""
    deleted, _ = CalendarConnection.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_busy_sync(
    *, connection: CalendarConnection, now: datetime | None = None
) -> CalendarConnection:
    """Read the calendar's busy times over the weeks ahead. On failure the busy times read last
    are kept, and the failure is kept with them to be shown."""
    now = now or timezone.now()
    try:
        spans = busy_times(account_of(connection), connection.calendar_url, now, now + AHEAD)
    except CalendarUnreachable as exc:
        CalendarConnection.objects.filter(pk=connection.pk).update(sync_error=str(exc)[:300])
        connection.sync_error = str(exc)[:300]
        return connection
    connection.busy = [[begins.isoformat(), ends.isoformat()] for begins, ends in spans]
    connection.synced_at = now
    connection.sync_error = ""
    CalendarConnection.objects.filter(pk=connection.pk).update(
        busy=connection.busy, synced_at=now, sync_error=""
    )
    return connection


def calendar_busy_of(people: list[int], *, now: datetime) -> list[Interval]:
    """The kept busy times of these people's calendars that have not ended: one query."""
    found: list[Interval] = []
    for busy in CalendarConnection.objects.filter(user_id__in=people).values_list(
        "busy", flat=True
    ):
        for begins, ends in busy:
            start, end = parse_datetime(begins), parse_datetime(ends)
            if start is not None and end is not None and end > now:
                found.append((start, end))
    return found


def calendars_sync_all(*, now: datetime | None = None) -> int:
    """Every connected calendar's busy times, one after the other (the periodic task); a
    calendar that fails keeps its last busy times and says why."""
    count = 0
    for connection in CalendarConnection.objects.order_by("pk").iterator():
        calendar_busy_sync(connection=connection, now=now)
        count += 1
    return count


def calendars_stale(people: list[int]) -> bool:
    """Whether a calendar of these people could not be read lately (its busy times may be out
    of date): one query."""
    return CalendarConnection.objects.filter(user_id__in=people).exclude(sync_error="").exists()
