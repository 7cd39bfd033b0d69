"""Who sees what: managing is for a program's admins, and the app is for people who log in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_cannot_manage_and_sees_no_manage_menu(demo, page, new_page):
    log_in(page, "mentee1@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Programs")).to_be_visible()
    expect(navigation.get_by_role("button", name="Manage")).to_have_count(0)

    response = page.goto("/programs/demo/manage/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_text("Only this program's admins can manage it.")).to_be_visible()
    expect(page.get_by_role("heading", name="Demo Mentoring Program")).to_have_count(0)

    admin = new_page()
    log_in(admin, "admin@example.com", DEMO_PASSWORD)
    expect(admin).to_have_url(re.compile(r"/home/$"))
    admin_navigation = admin.get_by_role("navigation", name="Main navigation")
    admin_navigation.get_by_role("button", name="Manage").click()
    menu = admin_navigation.locator(".dropdown-menu").first
    # The demo admin is also the demo organization's organization admin (seed_demo).
    expect(menu.get_by_role("link")).to_have_text(
        [
            "Demo Org",
            "Demo Mentoring Program",
            "Flash Mentoring",
            "Leadership Circle",
            "New Managers Circles",
            "Reverse Mentoring",
            "New program…",
        ]
    )
    response = admin.goto("/programs/demo/manage/")
    assert response.status == 200
    expect(admin.get_by_role("heading", name="Demo Mentoring Program", level=1)).to_be_visible()


def test_anonymous_visitor_is_sent_to_log_in(page):
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/home/$"))
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_have_count(0)
