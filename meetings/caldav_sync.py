"""Talking to a person's CalDAV server (iCloud, Fastmail, Nextcloud, Radicale, ...): which
calendars they have, when they are busy (start, end and transparency only: titles and details
are never read into Twoway, nor kept), and their confirmed meetings written into it.

No database here: the services (meetings.services.calendars) call these and keep what they
need. Every failure is a ``CalendarUnreachable`` with words a person can act on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from caldav.calendarobjectresource import Event
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from django.utils.translation import gettext as _

TIMEOUT = 15  # seconds per request to the person's server


class CalendarUnreachable(Exception):
    """The server could not be reached, refused the credentials, or answered nonsense."""


@dataclass(frozen=True)
class Found:
    name: str
    url: str


@dataclass(frozen=True)
class Changes:
    """What changed in a calendar since a sync token (RFC 6578): the new token, the addresses of
    the events added or changed, and of those deleted. ``everything`` when there was no token
    (or the server forgot it, or keeps none): then every event is to be looked at."""

    token: str
    changed: frozenset[str]
    deleted: frozenset[str]
    everything: bool

    def touches(self, href: str) -> bool:
        return self.everything or href in self.changed or href in self.deleted


@dataclass(frozen=True)
class Account:
    server_url: str
    username: str
    password: str


def _client(account: Account) -> Any:
    return DAVClient(
        url=account.server_url,
        username=account.username,
        password=account.password,
        timeout=TIMEOUT,
    )


def _calendar(account: Account, url: str) -> Any:
    """The calendar at ``url`` (the library's synchronous calls, typed loosely by it)."""
    return Calendar(client=_client(account), url=url)


def _words(exc: Exception) -> str:
    if isinstance(exc, caldav_error.AuthorizationError):
        return _("The server refused that user name and app password.")
    if isinstance(exc, caldav_error.NotFoundError):
        return _("No calendar was found at that address.")
    return _("The calendar server could not be reached; check the address, or try again later.")


def calendars(account: Account) -> list[Found]:
    """The person's calendars (those that hold events), by name."""
    try:
        principal = _client(account).principal()
        found = [
            Found(name=str(calendar.get_display_name() or "Calendar"), url=str(calendar.url))
            for calendar in principal.calendars()
        ]
    except Exception as exc:  # noqa: BLE001 (any failure of the network, the server or its XML)
        raise CalendarUnreachable(_words(exc)) from exc
    return found


def _instant(value: datetime | date, zone_fallback: datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    # An all-day event: the whole day, in UTC (the picker offers no slots across it).
    return datetime(value.year, value.month, value.day, tzinfo=zone_fallback.tzinfo or UTC)


def _span(component: Any, fallback: datetime) -> tuple[datetime, datetime]:
    """An event's start and end in UTC (an event without an end lasts its duration, or a day)."""
    begins = _instant(component.decoded("dtstart"), fallback)
    if "dtend" in component:
        ends = _instant(component.decoded("dtend"), fallback)
    else:
        ends = begins + (
            component.decoded("duration") if "duration" in component else timedelta(days=1)
        )
    return begins.astimezone(UTC), ends.astimezone(UTC)


def busy_times(
    account: Account,
    calendar_url: str,
    start: datetime,
    end: datetime,
    *,
    ignore: Callable[[str], bool] = lambda uid: False,
) -> list[tuple[datetime, datetime]]:
    """When the person is busy between ``start`` and ``end``: each opaque event's start and end
    (recurring ones expanded), in UTC, sorted and merged; transparent ("free") events left out,
    and those whose UID ``ignore`` names (Twoway's own meetings, which it knows already)."""
    try:
        calendar = _calendar(account, calendar_url)
        events = calendar.search(start=start, end=end, event=True, expand=True)
        spans = []
        for event in events:
            component = event.icalendar_component
            if str(component.get("transp", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            if ignore(str(component.get("uid", ""))):
                continue
            spans.append(_span(component, start))
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted(spans):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def changes(account: Account, calendar_url: str, token: str) -> Changes:
    """What changed since ``token`` (empty: since ever), by the sync-collection report; a server
    without one is listed whole (the library compares it), which reports everything."""
    try:
        calendar = _calendar(account, calendar_url)
        found = calendar.get_objects_by_sync_token(sync_token=token or None, load_objects=False)
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    new_token = str(found.sync_token or "")
    deleted = frozenset(str(url) for url in found.deleted_urls)
    changed = frozenset(str(item.url.canonical()) for item in found) - deleted
    fallback = new_token.startswith("fake-")
    return Changes(
        token="" if fallback else new_token,
        changed=changed,
        deleted=deleted,
        everything=not token or fallback,
    )


def event_put(account: Account, calendar_url: str, uid: str, ics: bytes, href: str = "") -> str:
    """Write the event ``uid`` (a whole VCALENDAR) as it is, SEQUENCE untouched: over ``href``
    when Twoway wrote it before, else over an event with that UID already there (the person's
    mail app may have filed the invitation), else as a new event. Returns its address."""
    try:
        calendar = _calendar(account, calendar_url)
        if not href:
            try:
                href = str(calendar.get_event_by_uid(uid).url.canonical())
            except caldav_error.NotFoundError:
                href = str(calendar.url.join(f"{uid.replace('@', '-at-')}.ics").canonical())
        event = Event(client=calendar.client, url=href, parent=calendar)
        event.save(raw_data=ics, increase_seqno=False)
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    return href


def event_times(account: Account, href: str) -> tuple[datetime, datetime] | None:
    """The start and end in UTC of the event at ``href`` as it now stands; None when it was
    deleted there, or cancelled (STATUS:CANCELLED, as some calendar apps leave it)."""
    try:
        event: Any = Event(client=_client(account), url=href)
        component = event.load().icalendar_component
    except caldav_error.NotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    if str(component.get("status", "")).upper() == "CANCELLED":
        return None
    return _span(component, datetime.now(UTC))


def event_delete(account: Account, href: str) -> None:
    """Delete the event at ``href``; one that is gone already is no error."""
    try:
        Event(client=_client(account), url=href).delete()
    except caldav_error.NotFoundError:
        return
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
