"""No text a person typed can break an email's subject line.

A name with a line break went into reminder titles ("Meeting with Ann\\r\\n…"), Django refused
the subject (``BadHeaderError``), and every reminder to that person's partner failed until the
ledger gave up. Names are refused with line breaks now, but rows stored before, and titles
built from multi-line text, must still be delivered, on one line and with no header smuggled in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from accounts.models import User
from matching.services.start import mentorship_start
from meetings.models import Meeting
from meetings.reminders import meeting_reminders_scan
from notifications.models import Delivery, Reminder
from notifications.reminders import deliveries_send_due, delivery_send_one_due, reminder_schedule
from programs.models import Role
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _one_line(subject: str) -> bool:
    return subject == subject.strip() and not any(c in subject for c in "\r\n\t\x0b\x0c\x85")


def test_a_reminder_whose_title_smuggles_a_header_is_delivered_on_one_line():
    user = UserFactory(time_zone="UTC")
    reminder_schedule(
        recipient=user,
        kind=Reminder.ACTION_DUE,
        subject_key="action:1",
        period_key="2026-11-24",
        title="Due tomorrow: call Ann\nBcc: x@example.com",
        due_at=NOON_UTC - timedelta(minutes=1),
    )
    assert delivery_send_one_due(now=NOON_UTC)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.channels, delivery.last_error) == ("sent", "in_app,email", "")
    (message,) = mail.outbox
    assert message.subject == "[Twoway] Due tomorrow: call Ann Bcc: x@example.com"
    assert message.recipients() == [user.email]
    rendered = message.message()
    assert rendered["Bcc"] is None
    assert _one_line(rendered["Subject"])


def test_a_reminder_to_the_partner_of_a_person_whose_stored_name_has_a_line_break_is_delivered():
    mentor = ParticipantFactory(role=Role.MENTOR, user__time_zone="UTC")
    MentorProfileFactory(participant=mentor, capacity=2)
    mentee = ParticipantFactory(program=mentor.program, role=Role.MENTEE, user__time_zone="UTC")
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)
    # Stored before names were refused with control characters: old data, written around the forms.
    User.objects.filter(pk=mentor.user.pk).update(full_name="Ann\r\nLee")
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=NOON_UTC + timedelta(hours=20),
        ends_at=NOON_UTC + timedelta(hours=20, minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    assert meeting_reminders_scan(now=NOON_UTC) == 2
    assert deliveries_send_due(now=NOON_UTC) == (2, 0)
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    to_mentee = next(m for m in mail.outbox if m.to == [mentee.user.email])
    assert to_mentee.subject.startswith("[Twoway] Meeting with Ann Lee on ")
    assert _one_line(to_mentee.message()["Subject"])
