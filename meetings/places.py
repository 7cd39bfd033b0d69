"""Where a meeting happens (pure): a video link people paste or a Jitsi Meet room Twoway makes,
a phone number, or a place; what the pair's norms set by default; when the Join button shows."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from matching.models import MeetingFormat

# The video services whose links are taken (a host or any of its subdomains), besides the
# Jitsi server of JITSI_URL and the operator's MEETING_VIDEO_HOSTS.
VIDEO_HOSTS = (
    "zoom.us",
    "zoomgov.com",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "whereby.com",
    "meet.jit.si",
    "8x8.vc",
    "webex.com",
)
JOIN_BEFORE = timedelta(minutes=10)  # the Join button shows this long before the start
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")
WHERE_NEEDED = {MeetingFormat.PHONE, MeetingFormat.IN_PERSON, MeetingFormat.COFFEE}


def video_hosts() -> tuple[str, ...]:
    jitsi = urlsplit(settings.JITSI_URL).hostname or ""
    extra = tuple(h.strip().lower() for h in settings.MEETING_VIDEO_HOSTS if h.strip())
    return (*VIDEO_HOSTS, *((jitsi,) if jitsi else ()), *extra)


def video_link_check(url: str) -> str:
    """The link, if it is an https address of a video service Twoway knows; else refused."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(_("A video link starts with https://, like https://zoom.us/j/123."))
    host = parts.hostname.lower()
    if not any(host == known or host.endswith(f".{known}") for known in video_hosts()):
        raise ValidationError(
            _(
                "Twoway takes video links of Zoom, Teams, Google Meet, Whereby, Webex and Jitsi, "
                "not of %(host)s. Ask your site's operator to add it, or make a Jitsi room here."
            )
            % {"host": host}
        )
    return url.strip()


def jitsi_room() -> str:
    """A new room on the Jitsi server with a name nobody can guess (128 random bits)."""
    return f"{settings.JITSI_URL}/Twoway-{secrets.token_urlsafe(16)}"


def place_check(format: str, place: str) -> str:
    """The place, cleaned, as its format needs it: a video link checked, a phone number, an
    address or room for in person; a written exchange needs none."""
    place = " ".join(place.split())
    if format == MeetingFormat.VIDEO:
        return video_link_check(place) if place else ""
    if format == MeetingFormat.PHONE and place and not PHONE.match(place):
        raise ValidationError(_("Give a phone number, like +44 20 7946 0000."))
    if format in WHERE_NEEDED and not place:
        raise ValidationError(_("Say where: a phone number, an address or a room."))
    return place


def place_from_norms(format: str, channel: str) -> tuple[str, str]:
    """The pair's agreed format and channel, as a meeting's default place: a channel that is no
    valid place for its format (say "Zoom" for a video call) leaves the place to be set."""
    try:
        return format, place_check(format, channel)
    except ValidationError:
        return format, ""


def is_link(place: str) -> bool:
    return place.startswith("https://")


def can_join(
    *, format: str, place: str, status: str, starts_at: datetime, ends_at: datetime, now: datetime
) -> bool:
    """The Join button: a video meeting with its link, proposed or confirmed, from ten minutes
    before it starts until it ends."""
    return (
        format == MeetingFormat.VIDEO
        and is_link(place)
        and status in ("proposed", "confirmed")
        and starts_at - JOIN_BEFORE <= now < ends_at
    )
