"""Talking to a person's CalDAV server (iCloud, Fastmail, Nextcloud, Radicale, ...): which
calendars they have, when they are busy (start, end and transparency only: titles and details
are never read into Twoway, nor kept), and their confirmed meetings written into it.

No database here: the services (meetings.services.calendars) call these and keep what they
need. Every failure is a ``CalendarUnreachable`` with words a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error

TIMEOUT = 15  # seconds per request to the person's server


class CalendarUnreachable(Exception):
    """The server could not be reached, refused the credentials, or answered nonsense."""


@dataclass(frozen=True)
class Found:
    name: str
    url: str


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
        return "The server refused that user name and app password."
    if isinstance(exc, caldav_error.NotFoundError):
        return "No calendar was found at that address."
    return "The calendar server could not be reached; check the address, or try again later."


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


def busy_times(
    account: Account, calendar_url: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """When the person is busy between ``start`` and ``end``: each opaque event's start and end
    (recurring ones expanded), in UTC, sorted and merged; transparent ("free") events left out."""
    try:
        calendar = _calendar(account, calendar_url)
        events = calendar.search(start=start, end=end, event=True, expand=True)
        spans = []
        for event in events:
            component = event.icalendar_component
            if str(component.get("transp", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            begins = _instant(component.decoded("dtstart"), start)
            if "dtend" in component:
                ends = _instant(component.decoded("dtend"), start)
            else:
                ends = begins + (
                    component.decoded("duration") if "duration" in component else timedelta(days=1)
                )
            spans.append((begins.astimezone(UTC), ends.astimezone(UTC)))
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted(spans):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def event_put(account: Account, calendar_url: str, uid: str, ics: bytes) -> None:
    """Write (or overwrite) the event ``uid`` in the calendar."""
    try:
        calendar = _calendar(account, calendar_url)
        calendar.save_event(ics.decode(), no_create=False, no_overwrite=False)
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc


def event_read(account: Account, calendar_url: str, uid: str) -> icalendar.Event | None:
    """The event ``uid`` as it now stands in the calendar; None when it was deleted there."""
    try:
        calendar = _calendar(account, calendar_url)
        found = calendar.event_by_uid(uid)
    except caldav_error.NotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001
        raise CalendarUnreachable(_words(exc)) from exc
    component: icalendar.Event = found.icalendar_component
    return component
