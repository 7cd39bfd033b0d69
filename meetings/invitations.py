"""Calendar invitations (iTIP, RFC 5546) by email: when a meeting is proposed, confirmed, moved,
placed or cancelled, each person gets a ``METHOD:REQUEST`` (or ``CANCEL``) with the meeting's one
``UID`` and its rising ``SEQUENCE``, so Outlook, Gmail and Apple Calendar show Accept / Decline
and keep one entry. The ORGANIZER is an address of Twoway's inbound mail, signed for that person
and meeting: their calendar's answer (``METHOD:REPLY``) comes back there and sets their answer
(``invitation_received``)."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import User
from meetings.access import meeting_with_people, people_of
from meetings.calendar import calendar_of, meeting_uid
from meetings.models import Meeting, MeetingAnswer
from mentorship.errors import DomainError
from notifications.inbound import Inbound, Refused, SignedAddress, reply_address
from notifications.services import email_send

log = logging.getLogger(__name__)

INVITE_HANDLER = "invite"
VALID_FOR = timedelta(days=400)  # a reply to an invitation for a meeting a year ahead
_ADDRESS = SignedAddress("meetings.invitation", VALID_FOR)
REQUEST, CANCEL, REPLY = "REQUEST", "CANCEL", "REPLY"
PARTSTAT = {
    MeetingAnswer.Answer.ACCEPTED: "ACCEPTED",
    MeetingAnswer.Answer.TENTATIVE: "TENTATIVE",
    MeetingAnswer.Answer.DECLINED: "DECLINED",
}
ANSWER_OF = {value: key for key, value in PARTSTAT.items()}


def invitation_token(meeting_id: int, user_id: int) -> str:
    return _ADDRESS.token(user_id, meeting_id)


def organizer_address(meeting: Meeting, person: User) -> str:
    """Where ``person``'s calendar sends its answer: their own signed inbound address, or the
    site's sender when inbound mail is off (the answer is then not read)."""
    inbound = reply_address(INVITE_HANDLER, invitation_token(meeting.pk, person.pk))
    return inbound or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def itip(meeting: Meeting, person: User, method: str) -> bytes:
    """The invitation (or its cancellation) as ``person``'s calendar gets it, in their zone."""
    answers = dict(meeting.answers.values_list("user_id", "answer"))
    calendar = calendar_of([meeting], person, "Twoway meeting")
    calendar.add("method", method)
    [event] = calendar.events
    event.add("sequence", meeting.sequence)
    if method == CANCEL:
        event["status"] = icalendar.vText("CANCELLED")
    organizer = icalendar.vCalAddress(f"mailto:{organizer_address(meeting, person)}")
    organizer.params["cn"] = icalendar.vText(settings.SITE_NAME)
    event.add("organizer", organizer)
    for someone in people_of(meeting):
        attendee = icalendar.vCalAddress(f"mailto:{someone.email}")
        attendee.params["cn"] = icalendar.vText(someone.get_full_name())
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        answer = answers.get(someone.pk)
        attendee.params["partstat"] = icalendar.vText(
            PARTSTAT[MeetingAnswer.Answer(answer)] if answer else "NEEDS-ACTION"
        )
        attendee.params["rsvp"] = icalendar.vText("TRUE")
        event.add("attendee", attendee)
    return calendar.to_ical()


def invitation_send(meeting: Meeting, person: User, method: str) -> None:
    """One person's email: a short text, and the invitation both as the calendar part of the
    message (what Outlook and Gmail act on) and as an ``invite.ics`` attachment."""
    # Who it is with and the calendar file, in the person's language (as the email is).
    with translation.override(person.language_code):
        with_whom = meeting.with_whom(person.pk)
        calendar = itip(meeting, person, method)
    subject = (
        gettext_lazy("Cancelled: mentoring with {name}")
        if method == CANCEL
        else gettext_lazy("Invitation: mentoring with {name}")
    )
    email_send(
        to=[person.email],
        language=person.language_code,
        subject=format_lazy(subject, name=with_whom),
        template="emails/meeting_invitation",
        context={
            "user": person,
            "meeting": meeting,
            "method": method,
            "with_whom": with_whom,
            "link": f"{settings.SITE_URL}{meeting.get_absolute_url()}",
        },
        calendar=calendar,
        calendar_method=method,
    )


def invitations_send(meeting_id: int, method: str) -> int:
    """Each person's invitation (the Celery task's work): the meeting as it is now."""
    meeting = meeting_with_people(meeting_id)
    if meeting is None:
        return 0
    people = [person for person in people_of(meeting) if person.is_active]
    for person in people:
        invitation_send(meeting, person, method)
    return len(people)


def calendars_after_commit(meeting: Meeting, method: str = REQUEST) -> None:
    """Once the change is saved (and only if it is), send everyone the meeting's invitation, and
    write it into the calendars they connected (meetings.services.calendars)."""
    from meetings.tasks import send_invitations, write_calendars

    meeting_id = meeting.pk
    transaction.on_commit(lambda: send_invitations.delay(meeting_id, method))
    transaction.on_commit(lambda: write_calendars.delay(meeting_id))


# ---------------------------------------------------------------------------
# Answers from people's calendars
# ---------------------------------------------------------------------------
def reply_answer(calendar_text: bytes, *, uid: str, email: str) -> tuple[str, int]:
    """The answer and the SEQUENCE that a ``METHOD:REPLY`` gives for ``email``'s attendance of
    the event ``uid``; refused when it is no such reply."""
    try:
        calendar = icalendar.Calendar.from_ical(calendar_text)
    except ValueError as exc:
        raise Refused("not a calendar answer") from exc
    if str(calendar.get("method", "")).upper() != REPLY:
        raise Refused("not a calendar answer")
    for event in calendar.walk("VEVENT"):
        if str(event.get("uid", "")) != uid:
            continue
        attendees = event.get("attendee", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            address = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").lower()
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            if address == email.lower() and partstat in ANSWER_OF:
                return ANSWER_OF[partstat], int(event.get("sequence", 0))
    raise Refused("the answer names another meeting or person")


def invitation_received(mail: Inbound, token: str) -> None:
    """A calendar's answer to the invitation whose ORGANIZER address carries ``token``."""
    from meetings.services.scheduling import meeting_answer_record

    user, meeting_id = _ADDRESS.read(mail, token)
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise Refused("unknown address")
    if mail.calendar is None:
        raise Refused("no calendar answer")
    answer, sequence = reply_answer(mail.calendar, uid=meeting_uid(meeting), email=user.email)
    try:
        meeting_answer_record(meeting=meeting, user=user, answer=answer, sequence=sequence)
    except DomainError as exc:
        raise Refused(exc.message) from exc


def reminder_invitation(delivery: Any, user: User) -> bytes | None:
    """A meeting reminder's calendar file: the meeting's invitation as it stands, with its UID
    and SEQUENCE, so the calendar keeps its one entry (``meeting:<id>`` names the meeting)."""
    kind, _sep, pk = delivery.subject_key.partition(":")
    meeting = Meeting.objects.filter(pk=int(pk)).first() if kind == "meeting" and pk else None
    if meeting is None or meeting.status not in (Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED):
        return None
    with translation.override(user.language_code):
        return itip(meeting, user, REQUEST)


def register() -> None:
    from notifications.inbound import inbound_handler
    from notifications.models import Reminder
    from notifications.reminders import reminder_calendar

    inbound_handler(INVITE_HANDLER, invitation_received)
    reminder_calendar(Reminder.MEETING, reminder_invitation)
