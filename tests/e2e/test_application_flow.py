"""A person applies to an open program, an admin approves, the person reads the welcome."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from programs.models import Participant, Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import DEMO_PASSWORD, csp_violations, log_in, watch_console
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WELCOME = "Welcome to Leadership Circle: you are in as mentee"


def test_application_approved_and_welcome_marked_read(demo, page, new_page):
    # mentee30 (Julia Hoffmann) is in the demo organization, not in Leadership Circle, with nothing unread.
    log_in(page, "mentee30@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/leadership-circle/")
    expect(page.get_by_role("heading", name="Leadership Circle", level=1)).to_be_visible()
    expect(page.get_by_text("You are not part of this program yet.")).to_be_visible()
    page.get_by_label("Mentee: I want a mentor").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert").filter(has_text="You applied")).to_have_text(
        "You applied as mentee; the program's admins will answer."
    )
    participant = Participant.objects.get(
        user__email="mentee30@example.com", program__slug="leadership-circle"
    )
    assert (participant.role, participant.status) == (Role.MENTEE, Participant.Status.APPLIED)

    # The admin, in a browser of their own, approves the application.
    admin = new_page()
    log_in(admin, "admin@example.com", DEMO_PASSWORD)
    expect(admin).to_have_url(re.compile(r"/home/$"))
    admin.goto("/programs/leadership-circle/manage/")
    applications = admin.get_by_role("region", name="Applications")
    application = applications.get_by_role("listitem").filter(has_text="mentee30@example.com")
    expect(application).to_contain_text(
        "Julia Hoffmann (mentee30@example.com, Legal) applies as mentee"
    )
    application.get_by_role("button", name="Approve").click()
    expect(admin.get_by_role("alert").filter(has_text="Julia Hoffmann")).to_have_text(
        "Julia Hoffmann is now an active mentee."
    )
    expect(applications.get_by_text("mentee30@example.com")).to_have_count(0)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE

    # mentee30 has the welcome waiting, and marks it read in place (htmx, no reload).
    console = watch_console(page)
    page.goto("/notifications/")
    unread = page.locator("#unread-count")
    expect(unread).to_have_text("1 unread")
    item = page.get_by_role("listitem").filter(has_text=WELCOME)
    expect(item.get_by_role("link", name=WELCOME)).to_have_attribute(
        "href", "/programs/leadership-circle/"
    )
    expect(item.get_by_text("new", exact=True)).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    item.get_by_role("button", name="Mark as read").click()
    expect(item.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(item.get_by_text("new", exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    assert page.evaluate("window.__sameDocument") is True
    assert csp_violations(console) == []
    assert not participant.user.notifications.filter(read_at__isnull=True).exists()

    # The navigation's unread count is gone, on this page and the next.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Home").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)


def test_mark_as_read_updates_navigation_count_in_place(page):
    user = UserFactory(full_name="Rita Reader")
    NotificationFactory(recipient=user, title="First news")
    NotificationFactory(recipient=user, title="Second news")
    log_in(page, user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/notifications/")
    unread = page.locator("#unread-count")
    expect(unread).to_have_text("2 unread")
    item = page.get_by_role("listitem").filter(has_text="First news")
    item.get_by_role("button", name="Mark as read").click()
    expect(item.get_by_text("new", exact=True)).to_have_count(0)
    expect(unread).to_have_text("1 unread", timeout=2_000)
