"""The landing page greets visitors, and no page breaks the Content Security Policy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, csp_violations, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landing_login_home_and_manage_keep_to_the_csp(demo, page):
    console = watch_console(page)

    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Mentorship is a two-way street.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_have_count(2)
    expect(page.get_by_role("link", name="Create an account")).to_be_visible()
    page.wait_for_load_state("load")
    assert csp_violations(console) == [], "landing page"

    page.get_by_role("link", name="Log in").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    page.wait_for_load_state("load")
    assert csp_violations(console) == [], "login page"

    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name="Welcome, Alex")).to_be_visible()
    page.wait_for_load_state("load")
    assert csp_violations(console) == [], "home page"

    page.goto("/programs/demo/manage/")
    expect(page.get_by_role("heading", name="Demo Mentoring Program", level=1)).to_be_visible()
    page.wait_for_load_state("load")
    assert csp_violations(console) == [], "manage page"
