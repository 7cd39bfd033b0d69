"""A person sends one kind of reminder to the weekly digest, gets the digest email on the
Monday after instead of the reminder, and stops the digest from the link in that email."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.digest import personal_digests_scan
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import deliveries_send_due, preferences_of, reminder_schedule
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import log_in
from tests.e2e.helpers import daytime_zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kind_goes_to_the_weekly_digest_and_the_digest_can_be_stopped(page):
    now = timezone.now()
    user = UserFactory(full_name="Mia Mentee", time_zone=daytime_zone(now))
    log_in(page, user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))

    page.goto("/settings/notifications/")
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    page.get_by_label("Time to meet again: In the app").uncheck()
    page.get_by_label("Time to meet again: Email").uncheck()
    page.get_by_label("Time to meet again: Weekly digest").check()

    # A missing quiet-hours time is refused next to its field, and nothing is saved.
    page.get_by_label("Quiet from").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert preferences_of(user.__class__.objects.get(pk=user.pk)).for_kind(Reminder.CADENCE) == {
        "in_app": True,
        "email": True,
        "digest": False,
    }

    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Time to meet again: In the app").uncheck()
    page.get_by_label("Time to meet again: Email").uncheck()
    page.get_by_label("Time to meet again: Weekly digest").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Time to meet again: Weekly digest")).to_be_checked()
    expect(page.get_by_label("Time to meet again: Email")).not_to_be_checked()

    # Last week a cadence nudge fell due: it went to the digest, not to the app or the inbox.
    last_week = now - timedelta(days=7)
    reminder_schedule(
        recipient=user,
        kind=Reminder.CADENCE,
        subject_key="mentorship:1",
        period_key="demo",
        title="Time to meet Dana Designer again",
        link="/mentorships/",
        due_at=last_week - timedelta(minutes=1),
    )
    deliveries_send_due(now=last_week)
    assert not mail.outbox
    assert not Notification.objects.filter(recipient=user).exists()

    # This week the digest task gathers it into one email.
    assert personal_digests_scan(now=now) == 1
    deliveries_send_due(now=now)
    [message] = mail.outbox
    assert "- Time to meet Dana Designer again" in message.body
    stop_link = re.search(r"https?://\S+/notifications/unsubscribe/\S+", message.body)
    assert stop_link is not None

    page.goto(urlparse(stop_link.group(0)).path)
    expect(page.get_by_role("heading", name="Stop “Your weekly digest” emails?")).to_be_visible()
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_text("You will get no more weekly digests")).to_be_visible()

    page.goto("/settings/notifications/")
    expect(page.get_by_label("Time to meet again: Weekly digest")).not_to_be_checked()
    assert Delivery.objects.filter(recipient=user, kind=Reminder.WEEKLY_DIGEST).count() == 1
