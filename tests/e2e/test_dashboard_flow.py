"""The demo admin opens the dashboard, sees charts with data, filters the stalled
relationships, nudges one pair, and downloads a CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from notifications.models import Delivery, Reminder
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reads_the_dashboard_nudges_a_stalled_pair_and_exports(demo, page):
    log_in(page, "admin@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/demo/manage/")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programs/demo/dashboard/$"))
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()

    # The funnel and the charts carry the demo's half year of history.
    expect(page.locator("#funnel")).to_contain_text("Met at least once")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(5)  # meetings, requests, goals, messages (counts), check-ins
    expect(page.locator("#chart-0 polyline")).to_have_count(1)
    page.locator("#chart-0-figure summary").click()
    cells = page.locator("#chart-0-table tbody td")
    weekly = [float(cells.nth(i).inner_text()) for i in range(cells.count())]
    assert sum(weekly) > 20 and len(set(weekly)) > 3  # a shape, not a flat line

    # Only the stalled pairs, then a nudge to one of them.
    page.get_by_label("Show").select_option("stalled")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"health=stalled"))
    rows = page.locator("#attention tbody tr")
    expect(rows.first).to_contain_text("Stalled")
    assert all("Stalled" in rows.nth(i).inner_text() for i in range(rows.count()))
    # The demo admin nudged the quietest pair already this week; nudge the last one.
    before = Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count()
    last = rows.last
    names = last.locator("td").nth(0).inner_text(), last.locator("td").nth(1).inner_text()
    last.get_by_role("button", name=re.compile("^Nudge")).click()
    expect(page.get_by_text(f"Nudged {names[0]} and {names[1]}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"health=stalled"))
    assert Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count() == before + 2
    # A second nudge this week is refused kindly, and nothing more is sent.
    page.locator("#attention tbody tr").last.get_by_role(
        "button", name=re.compile("^Nudge")
    ).click()
    expect(page.get_by_text("nudged this week already")).to_be_visible()
    assert Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count() == before + 2

    # The mentorships export downloads as CSV with the pairs in it.
    page.get_by_role("link", name="Exports", exact=True).click()
    with page.expect_download() as download_info:
        page.locator("a[href$='/exports/mentorships.csv']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("demo-mentorships-")
    text = open(download.path(), encoding="utf-8").read()  # noqa: SIM115
    rows_csv = list(csv.reader(io.StringIO(text)))
    assert len(rows_csv) > 10
    assert any(names[1] in ",".join(row) for row in rows_csv)
