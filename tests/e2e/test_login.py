from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_mentee_logs_in_and_sees_home(demo, page):
    log_in(page, "mentee1@example.com", "twoway-demo")
    page.wait_for_url("**/home/")
    assert page.get_by_role("heading", name="Welcome, Noah").is_visible()
    assert page.get_by_role("link", name="Demo Mentoring Program").first.is_visible()
    page.get_by_role("link", name="Demo Mentoring Program").first.click()
    page.wait_for_url("**/programs/demo/")
    assert page.get_by_role("heading", name="Demo Mentoring Program").is_visible()
