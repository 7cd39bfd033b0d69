"""When the other people of a conversation are told of a new message, and what the sender reads
about it before sending. A mentor's boundaries hold in writing: "only at meetings" holds the
notice until the day before the next meeting (or a weekly summary when none is planned);
"within my contact windows" holds it until a window opens. Everyone else is told once a message
is still unread after ten minutes. The notice goes through the reminder ledger, once per
stretch of unread, and is dropped at delivery if the person has read it meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from matching.models import MentorProfile
from matching.windows import (
    Window,
    monday_of,
    wall_clock_instant,
    window_intervals,
    windows_label,
    zone_label,
)
from notifications.models import Delivery, Reminder

STILL_UNREAD_AFTER = timedelta(minutes=10)
SUMMARY_AT = time(8)  # a weekly summary goes out on Monday morning, the mentor's time
Communication = MentorProfile.Communication


@dataclass(frozen=True)
class Telling:
    """When a recipient is told of a message, and the words the sender reads beforehand."""

    at: datetime
    words: str = ""


def telling(
    *,
    now: datetime,
    name: str,
    communication: str,
    windows: tuple[Window, ...],
    zone: str,
    next_meeting_at: datetime | None,
    viewer_zone: str,
) -> Telling:
    """When ``name`` (a mentor with that communication preference, windows in ``zone``) hears of
    a message sent ``now``, said in the sender's zone. Pure."""
    soon = now + STILL_UNREAD_AFTER
    if communication == Communication.WITHIN_WINDOWS and windows:
        local = soon.astimezone(ZoneInfo(zone)).date()
        opening = next(
            (
                max(start, soon)
                for start, end in window_intervals(
                    windows, ZoneInfo(zone), local - timedelta(days=1), local + timedelta(days=8)
                )
                if end > soon
            ),
            soon,
        )
        return Telling(
            opening,
            _("%(name)s reads messages %(windows)s; %(name)s will be told %(when)s.")
            % {
                "name": name,
                "windows": windows_label(windows, zone),
                "when": _when(opening, soon, viewer_zone),
            },
        )
    if communication == Communication.MEETINGS_ONLY:
        if next_meeting_at is not None:
            day_before = next_meeting_at - timedelta(days=1)
            if day_before > soon:
                return Telling(
                    day_before,
                    _(
                        "%(name)s prefers to talk at meetings: %(name)s will be told the day "
                        "before your next one, %(when)s."
                    )
                    % {"name": name, "when": _when(day_before, soon, viewer_zone)},
                )
            return Telling(
                soon,
                _("%(name)s prefers to talk at meetings; your next one is very soon.")
                % {"name": name},
            )
        monday = monday_of(soon.astimezone(ZoneInfo(zone)).date()) + timedelta(days=7)
        summary = wall_clock_instant(monday, SUMMARY_AT, zone)
        return Telling(
            summary,
            _(
                "%(name)s prefers to talk at meetings, and none is planned: %(name)s will be "
                "told in a weekly summary, %(when)s."
            )
            % {"name": name, "when": _when(summary, soon, viewer_zone)},
        )
    return Telling(soon)


def _when(at: datetime, soon: datetime, zone: str) -> str:
    if at <= soon:
        return _("in a few minutes if it is still unread")
    local = at.astimezone(ZoneInfo(zone))
    # Translators: a date format (Django's "date" filter letters): "Monday 9 March at 08:00".
    moment = dateformat.format(local, pgettext("date format", r"l j F \a\t H:i"))
    return f"{moment} ({zone_label(zone)})"


def _conversation_of(delivery: Delivery) -> int | None:
    """The conversation a notice is about ("conversation:12"); None for a key of another shape."""
    kind, _, number = delivery.subject_key.partition(":")
    return int(number) if kind == "conversation" and number.isdigit() else None


def still_unread(delivery: Delivery) -> bool:
    """At delivery: has the recipient still not read a message of that stretch? (A notice this
    cannot tell about goes out.)"""
    from conversations.selectors import unread_in

    conversation_id = _conversation_of(delivery)
    if conversation_id is None or not delivery.period_key.isdigit():
        return True
    assert delivery.recipient_id is not None  # a person's notice, not a webhook's event
    return unread_in(
        conversation_id=conversation_id,
        user_id=delivery.recipient_id,
        after=int(delivery.period_key),
    )


def reply_to(delivery: Delivery) -> str:
    """Where a reply to this notice goes: the recipient's own address for that conversation."""
    from conversations.replies import reply_token
    from notifications.inbound import reply_address

    conversation_id = _conversation_of(delivery)
    if conversation_id is None or delivery.recipient_id is None:
        return ""
    return reply_address(REPLY_HANDLER, reply_token(delivery.recipient_id, conversation_id))


REPLY_HANDLER = "reply"


def register() -> None:
    """At start: notices of messages are dropped once read, can be answered by email, and
    messages count as activity."""
    from conversations.replies import reply_received
    from conversations.selectors import last_messages_of
    from meetings.inactivity import activity_source
    from notifications.inbound import inbound_handler
    from notifications.reminders import reminder_reply_to, reminder_still_due

    reminder_still_due(Reminder.MESSAGE, still_unread)
    reminder_reply_to(Reminder.MESSAGE, reply_to)
    inbound_handler(REPLY_HANDLER, reply_received)
    activity_source(last_messages_of)
