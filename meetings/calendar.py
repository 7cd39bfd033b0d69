"""Meetings as iCalendar: one meeting's .ics, and each person's private feed of all of theirs.

Times are written in the viewer's own zone with a TZID and a VTIMEZONE, so a calendar shows
them right even when the two people live on different sides of a daylight-saving change.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from meetings.access import WITH_PEOPLE, meetings_visible_to
from meetings.models import CalendarFeed, Meeting
from meetings.places import is_link

ICS_STATUS = {
    Meeting.Status.PROPOSED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.MISSED: "CANCELLED",
}


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "twoway"


def meeting_uid(meeting: Meeting) -> str:
    """Stable per meeting, so a rescheduled meeting moves in the calendar instead of doubling."""
    return f"meeting-{meeting.pk}@{_uid_host()}"


def is_meeting_uid(uid: str) -> bool:
    """Whether an event's UID is one of this site's meetings."""
    number, _at, host = uid.removeprefix("meeting-").partition("@")
    return uid.startswith("meeting-") and number.isdigit() and host == _uid_host()


def _event(meeting: Meeting, viewer: User) -> icalendar.Event:
    zone = ZoneInfo(viewer.time_zone)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("last-modified", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", _("Mentoring: %(name)s") % {"name": meeting.with_whom(viewer.pk)})
    event.add("status", ICS_STATUS[Meeting.Status(meeting.status)])
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    where = ""
    if meeting.format:
        where = f"{meeting.get_format_display()}: {meeting.place}" if meeting.place else ""
        event.add("location", meeting.place or meeting.get_format_display())
    if is_link(meeting.place):
        where = _("Join: %(link)s") % {"link": meeting.place}
        event.add("conference", meeting.place, parameters={"value": "URI", "feature": "VIDEO"})
    event.add(
        "description",
        "\n".join(
            line
            for line in (
                _("%(status)s meeting.") % {"status": meeting.get_status_display()},
                where,
                _("Agenda, notes: %(link)s") % {"link": url},
            )
            if line
        ),
    )
    return event


def _calendar(meetings: Iterable[Meeting], viewer: User, name: str) -> bytes:
    return calendar_of(meetings, viewer, name).to_ical()


def calendar_of(meetings: Iterable[Meeting], viewer: User, name: str) -> icalendar.Calendar:
    """The meetings as one calendar in ``viewer``'s zone, with the time zones they need."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Twoway//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", viewer.time_zone)
    first: date | None = None
    last: date | None = None
    for meeting in meetings:
        calendar.add_component(_event(meeting, viewer))
        day = meeting.starts_at.date()
        first = day if first is None else min(first, day)
        last = day if last is None else max(last, day)
    if first is not None and last is not None:
        # Only the transitions the events need: a full 1970–2038 VTIMEZONE is mostly noise.
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    return calendar


def meeting_ics(meeting: Meeting, viewer: User) -> bytes:
    """One meeting as an .ics file, in the viewer's zone."""
    return _calendar([meeting], viewer, _("Twoway meeting"))


def feed_ics(user: User) -> bytes:
    """Every meeting of the person, as a calendar they can subscribe to."""
    meetings = meetings_visible_to(user).select_related(*WITH_PEOPLE).order_by("starts_at", "id")
    return _calendar(meetings, user, _("Twoway meetings"))


# ---------------------------------------------------------------------------
# The private feed address
# ---------------------------------------------------------------------------
def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """Give the person a new feed secret (their first, or a replacement that revokes the old)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"secret": _new_secret()}
    )
    if not created:
        feed.secret = _new_secret()
        feed.save(update_fields=["secret", "updated_at"])
    return feed


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_user_for_secret(secret: str) -> User | None:
    """Whose feed a secret opens; None for an unknown or revoked one."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    return feed.user if feed is not None else None
