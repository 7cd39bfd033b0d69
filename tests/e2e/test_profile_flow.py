"""A person edits their profile from the user menu."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_change_of_department_and_time_zone(demo, page):
    log_in(page, "mentee1@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.get_by_role("button", name="Noah").click()
    navigation.get_by_role("link", name="Profile").click()

    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Noah Schmidt")
    expect(page.get_by_label("Department")).to_have_value("Engineering")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")

    page.get_by_label("Department").fill("Platform")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert").filter(has_text="saved")).to_have_text(
        "Your profile is saved."
    )
    expect(page.get_by_label("Department")).to_have_value("Platform")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    user = User.objects.get(email="mentee1@example.com")
    assert (user.department, user.time_zone) == ("Platform", "America/New_York")
