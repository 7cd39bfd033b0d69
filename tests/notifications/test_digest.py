"""Per-kind reminder emails, and the personal weekly digest sent once a week."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.digest import MAX_LINES, digest_body, last_week, personal_digests_scan
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import (
    CHOOSABLE,
    deliveries_send_due,
    preferences_of,
    preferences_save,
    reminder_schedule,
    unsubscribe_from_token,
    unsubscribe_token,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)  # ISO week 2026-W47
NEXT_MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 2026-W48


def _schedule(
    user, kind=Reminder.CADENCE, subject="mentorship:1", when=TUESDAY, title="Meet again"
):
    reminder_schedule(
        recipient=user,
        kind=kind,
        subject_key=subject,
        period_key="p",
        title=title,
        link="/home/",
        due_at=when - timedelta(minutes=1),
    )


def _digest_only(user, *kinds: str) -> None:
    prefs = preferences_of(user)
    channels = {k: prefs.for_kind(k) for k in CHOOSABLE}
    for kind in kinds:
        channels[kind] = {"in_app": False, "email": False, "digest": True}
    preferences_save(user=user, channels=channels, quiet_start=time(21), quiet_end=time(8))


# ---------------------------------------------------------------------------
# One email template per kind
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", Reminder.values)
def test_every_kind_has_its_own_text_and_html_template(kind):
    for suffix in ("txt", "html"):
        template = get_template(f"emails/reminders/{kind}.{suffix}")
        assert template.origin.name.endswith(f"emails/reminders/{kind}.{suffix}")


def test_each_kind_is_sent_with_its_own_words_and_unsubscribe_link():
    user = UserFactory(time_zone="UTC")
    for kind in Reminder.values:
        _schedule(user, kind=kind, subject=f"x:{kind}", title=f"About {kind}")
    deliveries_send_due(now=TUESDAY)
    assert len(mail.outbox) == len(Reminder.values)
    texts = {}
    for message in mail.outbox:
        kind = next(k for k in Reminder.values if message.subject.endswith(f"About {k}"))
        texts[kind] = message.body
        html = message.alternatives[0][0]
        # The link's token is signed with the second it was made in: read it back, never
        # compare it with one made again here (that failed when the clock crossed a second).
        prefix = reverse("notifications:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
        token = message.body.split(prefix, 1)[1].split("/", 1)[0]
        assert unsubscribe_from_token(token) == (user, kind)
        assert f"{prefix}{token}/" in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # No two kinds read the same: each template says what to do about its own kind.
    assert len(set(texts.values())) == len(Reminder.values)
    assert "Answer the check-in" in texts[Reminder.CHECK_IN]
    assert "Add" not in texts[Reminder.CHECK_IN] and "agenda" in texts[Reminder.MEETING]
    assert "Find another mentor" in texts[Reminder.REQUEST_EXPIRED]


def test_text_emails_are_not_html_escaped_and_html_ones_are():
    user = UserFactory(time_zone="UTC")
    _schedule(user, title="Q&A with <Sam>")
    deliveries_send_due(now=TUESDAY)
    message = mail.outbox[0]
    assert "Q&A with <Sam>" in message.body
    assert "Q&amp;A with &lt;Sam&gt;" in message.alternatives[0][0]


# ---------------------------------------------------------------------------
# The weekly digest
# ---------------------------------------------------------------------------
def test_last_week_is_the_iso_week_before():
    assert last_week(NEXT_MONDAY) == (
        "2026-W47",
        datetime(2026, 11, 16, tzinfo=UTC),
        datetime(2026, 11, 23, tzinfo=UTC),
    )
    # A Sunday belongs to the week that started six days before.
    assert last_week(datetime(2026, 11, 29, 23, 0, tzinfo=UTC))[0] == "2026-W47"
    assert last_week(datetime(2027, 1, 4, 1, 0, tzinfo=UTC))[0] == "2026-W53"


def test_a_kind_set_to_digest_waits_for_the_weekly_email():
    user = UserFactory(time_zone="UTC")
    _digest_only(user, Reminder.CADENCE)
    _schedule(user, title="Time to meet Sam again")
    deliveries_send_due(now=TUESDAY)
    assert Delivery.objects.get().channels == "digest"
    assert not mail.outbox and not Notification.objects.exists()
    # Still the same week: nothing to send yet.
    assert personal_digests_scan(now=TUESDAY + timedelta(days=2)) == 0

    assert personal_digests_scan(now=NEXT_MONDAY) == 1
    deliveries_send_due(now=NEXT_MONDAY)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "Your week in mentoring: 1 update" in message.subject
    assert "- Time to meet Sam again" in message.body
    assert "Open your notifications" in message.body
    # The digest is an email only: no in-app copy of it.
    assert not Notification.objects.exists()


def test_the_digest_is_sent_once_however_often_the_scan_runs():
    user = UserFactory(time_zone="UTC")
    _digest_only(user, Reminder.CADENCE)
    _schedule(user)
    deliveries_send_due(now=TUESDAY)
    for hour in range(5):
        personal_digests_scan(now=NEXT_MONDAY + timedelta(hours=hour))
        deliveries_send_due(now=NEXT_MONDAY + timedelta(hours=hour))
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(kind=Reminder.WEEKLY_DIGEST).count() == 1
    # The week after has nothing new: no digest.
    assert personal_digests_scan(now=NEXT_MONDAY + timedelta(days=7)) == 0


def test_items_sent_in_the_app_or_by_email_are_not_in_the_digest():
    digest_person, other = UserFactory(time_zone="UTC"), UserFactory(time_zone="UTC")
    _digest_only(digest_person, Reminder.CADENCE)
    _schedule(digest_person, kind=Reminder.ACTION_DUE, title="Due tomorrow: the plan")
    _schedule(digest_person, title="Meet again soon")
    _schedule(other, title="Meet again")
    deliveries_send_due(now=TUESDAY)
    mail.outbox.clear()
    assert personal_digests_scan(now=NEXT_MONDAY) == 1
    digest = Delivery.objects.get(kind=Reminder.WEEKLY_DIGEST)
    assert digest.recipient == digest_person
    assert digest.body == "- Meet again soon"


def test_an_inactive_person_gets_no_digest():
    user = UserFactory(time_zone="UTC")
    _digest_only(user, Reminder.CADENCE)
    _schedule(user)
    deliveries_send_due(now=TUESDAY)
    user.is_active = False
    user.save()
    assert personal_digests_scan(now=NEXT_MONDAY) == 0


def test_a_digest_in_quiet_hours_goes_out_when_they_end():
    user = UserFactory(time_zone="Europe/Berlin")
    _digest_only(user, Reminder.CADENCE)
    _schedule(user)
    deliveries_send_due(now=TUESDAY)
    early = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
    personal_digests_scan(now=early)
    deliveries_send_due(now=early)
    assert not mail.outbox
    assert Delivery.objects.get(kind=Reminder.WEEKLY_DIGEST).due_at == datetime(
        2026, 11, 23, 7, 0, tzinfo=UTC
    )


def test_a_long_week_is_cut_to_the_first_lines_and_a_count():
    body = digest_body([f"Item {i}" for i in range(MAX_LINES + 3)])
    assert body.count("\n- ") == MAX_LINES - 1
    assert body.endswith("… and 3 more in the app.")


def test_unsubscribing_from_the_digest_switches_the_digest_off_for_every_kind(client):
    user = UserFactory(time_zone="UTC")
    _digest_only(user, Reminder.CADENCE, Reminder.ACTION_DUE)
    token = unsubscribe_token(user, Reminder.WEEKLY_DIGEST)
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert "You will get no more weekly digests" in response.content.decode()
    prefs = preferences_of(user.__class__.objects.get(pk=user.pk))
    assert not any(prefs.for_kind(kind)["digest"] for kind in CHOOSABLE)


def test_the_settings_page_offers_no_channels_for_the_digest_itself(client):
    user = UserFactory(time_zone="UTC")
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert f"{Reminder.CADENCE}__digest" in page
    assert Reminder.WEEKLY_DIGEST not in page


def test_the_scan_runs_a_fixed_number_of_queries_per_batch(monkeypatch):
    from notifications import digest

    monkeypatch.setattr(digest, "BATCH", 3)

    def queries(people: int) -> int:
        Delivery.objects.all().delete()
        for _ in range(people):
            user = UserFactory(time_zone="UTC")
            _digest_only(user, Reminder.CADENCE)
            _schedule(user)
        deliveries_send_due(now=TUESDAY)
        with CaptureQueriesContext(connection) as ctx:
            personal_digests_scan(now=NEXT_MONDAY)
        return len(ctx.captured_queries)

    # Per batch: its people, their items, one insert; and one more query that finds no one.
    assert queries(3) == 3 + 1
    assert queries(9) == 3 * 3 + 1
    assert Delivery.objects.filter(kind=Reminder.WEEKLY_DIGEST).count() == 9
