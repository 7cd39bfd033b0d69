"""The ledger: scheduled once, delivered once, with preferences, quiet hours and retries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from matching.services.start import mentorship_start
from meetings.models import Meeting
from meetings.reminders import follow_ups_scan, meeting_reminders_scan
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import (
    deliveries_send_due,
    delivery_send_one_due,
    preferences_of,
    preferences_save,
    quiet_until,
    reminder_schedule,
    unsubscribe_token,
)
from programs.models import Role
from tests.accounts.factories import UserFactory
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _schedule(user, **extra):
    values = {
        "recipient": user,
        "kind": Reminder.ACTION_DUE,
        "subject_key": "action:1",
        "period_key": "2026-11-24",
        "title": "Your action item is due tomorrow",
        "link": "/home/",
        "due_at": NOON_UTC - timedelta(minutes=1),
    }
    values.update(extra)
    return reminder_schedule(**values)


def test_a_reminder_is_scheduled_once_per_period():
    user = UserFactory(time_zone="UTC")
    assert _schedule(user) is True
    assert _schedule(user) is False
    assert _schedule(user, period_key="2026-11-25") is True
    assert Delivery.objects.count() == 2


def test_delivery_sends_in_app_and_email_with_an_unsubscribe_link():
    user = UserFactory(time_zone="UTC")
    _schedule(user)
    assert delivery_send_one_due(now=NOON_UTC)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.channels, delivery.attempts) == ("sent", "in_app,email", 1)
    assert Notification.objects.filter(recipient=user, kind="reminder").count() == 1
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.body
    assert message.alternatives[0][1] == "text/html"
    # Nothing is due any more: a second pass sends nothing.
    assert not delivery_send_one_due(now=NOON_UTC)
    assert len(mail.outbox) == 1


def test_a_kind_switched_off_is_suppressed_not_sent():
    user = UserFactory(time_zone="UTC")
    prefs = preferences_of(user)
    channels = {k: prefs.for_kind(k) for k in Reminder.values}
    channels[Reminder.ACTION_DUE] = {"in_app": False, "email": False, "digest": False}
    preferences_save(user=user, channels=channels, quiet_start=time(21), quiet_end=time(8))
    _schedule(user)
    delivery_send_one_due(now=NOON_UTC)
    assert Delivery.objects.get().state == "suppressed"
    assert not mail.outbox
    assert not Notification.objects.exists()


def test_quiet_hours_hold_a_reminder_until_they_end():
    user = UserFactory(time_zone="Europe/Berlin")
    late_evening = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    _schedule(user, due_at=late_evening - timedelta(minutes=1))
    assert delivery_send_one_due(now=late_evening)
    delivery = Delivery.objects.get()
    assert delivery.state == "pending"
    assert delivery.due_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert not mail.outbox


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (
            datetime(2026, 3, 28, 21, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 6, 0, tzinfo=UTC),
        ),  # DST starts that night
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), None),
        (
            datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),
        ),  # and ends
    ],
)
def test_quiet_hours_end_at_local_eight_across_daylight_saving(utc, expected):
    assert quiet_until(utc, "Europe/Berlin", time(21), time(8)) == expected


def test_a_failing_send_is_retried_with_backoff_and_ends_failed(monkeypatch):
    from notifications import reminders

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "email_send", broken)
    user = UserFactory(time_zone="UTC")
    _schedule(user)
    now = NOON_UTC
    for attempt in range(1, reminders.MAX_ATTEMPTS + 1):
        with pytest.raises(OSError):
            delivery_send_one_due(now=now)
        delivery = Delivery.objects.get()
        assert delivery.attempts == attempt
        assert "SMTP down" in delivery.last_error
        now = delivery.due_at
    assert delivery.state == "failed"
    assert not delivery_send_one_due(now=now + timedelta(days=1))


def test_a_claimed_row_is_not_sent_again_while_its_lease_runs(monkeypatch):
    """A worker that dies after claiming: the row waits out its lease, then goes out once."""
    from notifications import reminders

    user = UserFactory(time_zone="UTC")
    _schedule(user)

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(reminders, "_deliver", crash)
    with pytest.raises(SystemExit):
        delivery_send_one_due(now=NOON_UTC)
    monkeypatch.undo()
    assert not delivery_send_one_due(now=NOON_UTC + timedelta(minutes=5))  # still leased
    assert delivery_send_one_due(now=NOON_UTC + reminders.lease() + timedelta(seconds=1))
    assert Delivery.objects.get().state == "sent"
    assert len(mail.outbox) == 1


def test_one_bad_row_does_not_stop_the_others(monkeypatch):
    from notifications import reminders

    good, bad = UserFactory(time_zone="UTC"), UserFactory(time_zone="UTC", email="bad@example.org")
    _schedule(bad, due_at=NOON_UTC - timedelta(minutes=2))
    _schedule(good)
    real = reminders.email_send

    def picky(**kwargs):
        if kwargs["to"] == ["bad@example.org"]:
            raise OSError("mailbox unavailable")
        return real(**kwargs)

    monkeypatch.setattr(reminders, "email_send", picky)
    done, errors = deliveries_send_due(now=NOON_UTC)
    assert errors == 1
    assert Delivery.objects.get(recipient=good).state == "sent"
    assert Delivery.objects.get(recipient=bad).state == "pending"


def _mentorship():
    mentor = ParticipantFactory(role=Role.MENTOR, user__time_zone="UTC")
    MentorProfileFactory(participant=mentor, capacity=2)
    mentee = ParticipantFactory(program=mentor.program, role=Role.MENTEE, user__time_zone="UTC")
    return mentorship_start(mentor=mentor, mentee=mentee)


def test_meeting_reminder_scan_twice_delivers_once_to_each_person():
    mentorship = _mentorship()
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=NOON_UTC + timedelta(hours=20),
        ends_at=NOON_UTC + timedelta(hours=20, minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    assert meeting_reminders_scan(now=NOON_UTC) == 2
    meeting_reminders_scan(now=NOON_UTC)
    assert Delivery.objects.filter(kind=Reminder.MEETING).count() == 2
    deliveries_send_due(now=NOON_UTC)
    deliveries_send_due(now=NOON_UTC)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentorship.mentor.user.email, mentorship.mentee.user.email]
    )


def test_no_meeting_reminder_for_a_cancelled_meeting_or_a_paused_mentorship():
    mentorship = _mentorship()
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=NOON_UTC + timedelta(hours=5),
        ends_at=NOON_UTC + timedelta(hours=6),
        status=Meeting.Status.CANCELLED,
    )
    assert meeting_reminders_scan(now=NOON_UTC) == 0
    Meeting.objects.update(status=Meeting.Status.CONFIRMED)
    mentorship.status = "paused"
    mentorship.save()
    assert meeting_reminders_scan(now=NOON_UTC) == 0


def test_an_away_mentor_gets_no_meeting_reminder():
    mentorship = _mentorship()
    mentorship.mentor.mentor_profile.away_until = NOON_UTC.date() + timedelta(days=10)
    mentorship.mentor.mentor_profile.save()
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=NOON_UTC + timedelta(hours=5),
        ends_at=NOON_UTC + timedelta(hours=6),
        status=Meeting.Status.CONFIRMED,
    )
    meeting_reminders_scan(now=NOON_UTC)
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [mentorship.mentee.user_id]


def test_follow_up_goes_to_the_mentee_first_then_the_mentor():
    mentorship = _mentorship()
    end = NOON_UTC - timedelta(hours=3, minutes=30)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=end - timedelta(minutes=30),
        ends_at=end,
        status=Meeting.Status.HELD,
    )
    follow_ups_scan(now=NOON_UTC)
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [mentorship.mentee.user_id]
    follow_ups_scan(now=NOON_UTC + timedelta(hours=1))
    assert Delivery.objects.filter(kind=Reminder.FOLLOW_UP).count() == 2


def test_send_due_reminders_prints_what_it_sent_then_nothing():
    mentorship = _mentorship()
    end = NOON_UTC - timedelta(hours=5)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=end - timedelta(minutes=30),
        ends_at=end,
        status=Meeting.Status.HELD,
    )
    with time_machine.travel(NOON_UTC, tick=False):
        first, second = StringIO(), StringIO()
        call_command("send_due_reminders", stdout=first)
        call_command("send_due_reminders", stdout=second)
    assert first.getvalue().strip().splitlines()[-1] == "sent: 2"
    assert "follow_up" in first.getvalue()
    assert second.getvalue().strip().splitlines()[-1] == "sent: 0"


def test_the_unsubscribe_link_stops_one_kind_of_email(client):
    user = UserFactory(time_zone="UTC")
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user, Reminder.FOLLOW_UP)])
    assert "Stop" in client.get(url).content.decode()
    client.post(url)  # no login, no CSRF token: the one-click POST of a mail client
    user.refresh_from_db()
    prefs = preferences_of(user)
    assert prefs.for_kind(Reminder.FOLLOW_UP)["email"] is False
    assert prefs.for_kind(Reminder.FOLLOW_UP)["in_app"] is True
    assert prefs.for_kind(Reminder.MEETING)["email"] is True


def test_a_forged_unsubscribe_link_changes_nothing(client):
    assert client.post(reverse("notifications:unsubscribe", args=["forged"])).status_code == 404


def test_preferences_page_saves_channels_and_quiet_hours(client):
    user = UserFactory(time_zone="UTC")
    client.force_login(user)
    data = {"quiet_start": "22:00", "quiet_end": "07:30"}
    for kind in Reminder.values:
        data[f"{kind}__in_app"] = "on"
    data[f"{Reminder.CADENCE}__digest"] = "on"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    prefs = preferences_of(user.__class__.objects.get(pk=user.pk))
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22), time(7, 30))
    assert prefs.for_kind(Reminder.CADENCE) == {"in_app": True, "email": False, "digest": True}
    assert client.get("/settings/notifications/").status_code == 302


def test_a_retry_after_a_crash_between_channels_does_not_repeat_the_in_app_message(monkeypatch):
    from notifications import reminders

    user = UserFactory(time_zone="UTC")
    _schedule(user)

    def smtp_dies(**kwargs):
        raise OSError("connection reset")

    monkeypatch.setattr(reminders, "email_send", smtp_dies)
    with pytest.raises(OSError):
        delivery_send_one_due(now=NOON_UTC)
    assert Notification.objects.filter(recipient=user).count() == 1
    monkeypatch.undo()
    later = Delivery.objects.get().due_at
    assert delivery_send_one_due(now=later)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.channels) == ("sent", "in_app,email")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1
