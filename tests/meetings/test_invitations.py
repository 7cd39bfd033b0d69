"""Calendar invitations (iTIP, RFC 5546): what each person's email carries when a meeting is
proposed, confirmed, placed, moved or cancelled, parsed back with icalendar and held to the
properties RFC 5546 requires; and calendars' answers, as Outlook and Gmail send them (golden
MIME messages in ``mail/``), coming back through the inbound mail path."""

from __future__ import annotations

import base64
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone

from matching.models import Mentorship
from meetings.calendar import meeting_uid
from meetings.invitations import INVITE_HANDLER, invitation_token, itip
from meetings.models import Meeting, MeetingAnswer
from meetings.reminders import meeting_reminders_scan
from meetings.services.scheduling import (
    meeting_cancel,
    meeting_confirm,
    meeting_place_set,
    meeting_propose,
    meeting_reschedule,
)
from notifications.inbound import receive, reply_address
from notifications.models import InboundMail, Notification
from notifications.reminders import deliveries_send_due
from tests.meetings.helpers import NOW

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent / "mail"
MON_2_MAR = NOW + timedelta(days=1, hours=2)  # 09:00 New York: in the mentor's window
# RFC 5546, 3.2.2 (REQUEST) and 3.2.5 (CANCEL): the VEVENT properties each must carry.
REQUIRED = {
    "REQUEST": {"ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"},
    "CANCEL": {"ATTENDEE", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"},
}


@pytest.fixture
def pair(mentorship_with_windows: Mentorship, settings) -> Mentorship:
    settings.INBOUND_EMAIL_DOMAIN = "in.twoway.example"
    return mentorship_with_windows


def _propose(mentorship: Mentorship, captured) -> Meeting:
    with captured(execute=True):
        return meeting_propose(
            mentorship=mentorship, actor=mentorship.mentee.user, starts_at=MON_2_MAR, minutes=45
        )


def _invitations(mailoutbox) -> dict[str, icalendar.Calendar]:
    """Each recipient's invitation, from the calendar part of their email (and the same in the
    invite.ics attachment)."""
    found = {}
    for email in mailoutbox:
        message = message_from_bytes(email.message().as_bytes(), policy=policy.default)
        parts = {part.get_content_type(): part for part in message.walk()}
        calendar_part, attachment = parts["text/calendar"], parts["application/ics"]
        assert calendar_part.get_param("method") in ("REQUEST", "CANCEL")
        body = calendar_part.get_payload(decode=True)
        same = attachment.get_payload(decode=True).replace(b"\r\n", b"\n")
        assert same == body.replace(b"\r\n", b"\n")
        [to] = email.to
        found[to] = icalendar.Calendar.from_ical(body)
    return found


def _check_rfc5546(calendar: icalendar.Calendar) -> icalendar.Event:
    method = str(calendar["method"])
    assert str(calendar["version"]) == "2.0" and "prodid" in calendar
    [event] = calendar.events
    missing = {name for name in REQUIRED[method] if name not in event}
    assert not missing, (method, missing)
    return event


def test_a_proposal_invites_both_in_their_zones_with_one_uid(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentee, mentor = pair.mentee.user, pair.mentor.user
    calendars = _invitations(mailoutbox)
    assert set(calendars) == {mentee.email, mentor.email}
    for person in (mentee, mentor):
        calendar = calendars[person.email]
        assert str(calendar["method"]) == "REQUEST"
        event = _check_rfc5546(calendar)
        assert str(event["uid"]) == meeting_uid(meeting)
        assert int(event.get("sequence", 0)) == 0
        assert event.decoded("dtstart") == MON_2_MAR
        assert event["dtstart"].params["TZID"] == person.time_zone
        assert str(event["status"]) == "TENTATIVE"
        organizer = str(event["organizer"]).removeprefix("mailto:")
        assert organizer == reply_address(INVITE_HANDLER, invitation_token(meeting.pk, person.pk))
        attendees = {str(a).removeprefix("mailto:"): a.params for a in event["attendee"]}
        assert set(attendees) == {mentee.email, mentor.email}
        assert {p["PARTSTAT"] for p in attendees.values()} == {"NEEDS-ACTION"}
        assert all(p["RSVP"] == "TRUE" for p in attendees.values())


def test_each_change_raises_the_sequence_and_a_cancel_says_so(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentee, mentor = pair.mentee.user, pair.mentor.user
    steps = [
        lambda: meeting_confirm(meeting=meeting, actor=mentor),
        lambda: meeting_place_set(meeting=meeting, actor=mentee, format="video", jitsi=True),
        lambda: meeting_reschedule(
            meeting=meeting, actor=mentor, starts_at=MON_2_MAR + timedelta(hours=1), minutes=45
        ),
        lambda: meeting_cancel(meeting=meeting, actor=mentee),
    ]
    for expected, step in enumerate(steps, start=1):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step()
        calendar = _invitations(mailoutbox)[mentee.email]
        event = _check_rfc5546(calendar)
        assert int(event["sequence"]) == expected
        assert str(event["uid"]) == meeting_uid(meeting)
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert "Cancelled:" in mailoutbox[0].subject


def test_nothing_is_sent_when_the_change_is_refused(
    pair, mailoutbox, django_capture_on_commit_callbacks, outsider
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
        meeting_cancel(meeting=meeting, actor=outsider)
    assert mailoutbox == []


# Answers from calendars -------------------------------------------------------------------------


def _reply(name: str, meeting: Meeting, person, *, sequence: int | None = None) -> bytes:
    """A golden reply as the client sends it, addressed to the person's organizer address."""
    calendar = (
        (MAIL / f"{name}.ics")
        .read_text()
        .replace("{UID}", meeting_uid(meeting))
        .replace("{SEQUENCE}", str(meeting.sequence if sequence is None else sequence))
        .replace("{FROM}", person.email)
        .replace("{TO}", reply_address(INVITE_HANDLER, invitation_token(meeting.pk, person.pk)))
        .replace("\n", "\r\n")
    )
    raw = (
        (MAIL / f"{name}.eml")
        .read_text()
        .replace("{CALENDAR_BASE64}", base64.encodebytes(calendar.encode()).decode())
        .replace("{CALENDAR}", calendar)
        .replace("{FROM}", person.email)
        .replace("{TO}", reply_address(INVITE_HANDLER, invitation_token(meeting.pk, person.pk)))
    )
    return raw.encode()


def test_outlook_accepting_the_proposal_confirms_it(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentor = pair.mentor.user
    assert receive(_reply("outlook_accept", meeting, mentor)) == "posted"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED
    assert MeetingAnswer.objects.get(meeting=meeting, user=mentor).answer == "accepted"
    # The next invitation shows the answer.
    event = icalendar.Calendar.from_ical(itip(meeting, mentor, "REQUEST")).events[0]
    states = {str(a).removeprefix("mailto:"): a.params["PARTSTAT"] for a in event["attendee"]}
    assert states[mentor.email] == "ACCEPTED"


def test_gmail_declining_a_confirmed_meeting_tells_the_other(
    pair, django_capture_on_commit_callbacks
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentee, mentor = pair.mentee.user, pair.mentor.user
    meeting = meeting_confirm(meeting=meeting, actor=mentor)
    assert receive(_reply("gmail_decline", meeting, mentor)) == "posted"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED  # a confirmed meeting is theirs to move
    assert MeetingAnswer.objects.get(meeting=meeting, user=mentor).answer == "declined"
    assert Notification.objects.filter(
        recipient=mentee, title__contains="declined the meeting"
    ).exists()


def test_declining_a_proposed_time_declines_it(pair, django_capture_on_commit_callbacks):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    assert receive(_reply("gmail_decline", meeting, pair.mentor.user)) == "posted"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancelled_by == pair.mentor.user


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ("older", "That answers an older version of the invitation."),
        ("other sender", "sent from another address"),
        ("forged", "unknown address"),
        ("other meeting", "the answer names another meeting or person"),
    ],
)
def test_answers_that_do_not_fit_change_nothing(
    pair, django_capture_on_commit_callbacks, change, refused, outsider
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentor = pair.mentor.user
    meeting = meeting_confirm(meeting=meeting, actor=mentor)  # sequence 1
    raw = _reply("outlook_accept", meeting, mentor)
    if change == "older":
        raw = _reply("outlook_accept", meeting, mentor, sequence=0)
    elif change == "other sender":
        raw = raw.replace(f"From: Mia Mentee <{mentor.email}>".encode(), b"From: x@evil.example")
    elif change == "forged":
        token = invitation_token(meeting.pk, mentor.pk)
        raw = raw.replace(token.encode(), token[:-2].encode() + b"xx")
    else:  # an answer about another meeting, sent to this meeting's address
        other = Meeting.objects.create(
            mentorship=meeting.mentorship,
            starts_at=meeting.starts_at + timedelta(days=7),
            ends_at=meeting.ends_at + timedelta(days=7),
            proposed_by=mentor,
        )
        raw = _reply("outlook_accept", other, mentor).replace(
            invitation_token(other.pk, mentor.pk).encode(),
            invitation_token(meeting.pk, mentor.pk).encode(),
        )
    outcome = receive(raw)
    assert refused in outcome, outcome
    assert not MeetingAnswer.objects.exists()
    assert InboundMail.objects.get().outcome == outcome[:120]


def test_the_meeting_page_shows_the_answers(client, pair, django_capture_on_commit_callbacks):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    mentor = pair.mentor.user
    receive(_reply("outlook_accept", meeting, mentor))
    client.force_login(pair.mentee.user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Dana Mentor accepted" in " ".join(page.split())


def test_the_meeting_reminder_carries_the_same_uid(
    pair, mailoutbox, clock, django_capture_on_commit_callbacks
):
    meeting = _propose(pair, django_capture_on_commit_callbacks)
    meeting = meeting_confirm(meeting=meeting, actor=pair.mentor.user)
    mentee = pair.mentee.user
    mailoutbox.clear()
    clock.move_to(meeting.starts_at - timedelta(hours=20))
    meeting_reminders_scan()
    deliveries_send_due(now=timezone.now())
    [email] = [e for e in mailoutbox if e.to == [mentee.email]]
    [(name, body, kind)] = email.attachments
    assert (name, kind) == ("invite.ics", "application/ics")
    [event] = icalendar.Calendar.from_ical(body).events
    assert str(event["uid"]) == meeting_uid(meeting)
    assert int(event["sequence"]) == meeting.sequence == 1
