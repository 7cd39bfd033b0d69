"""An admin invites people from a CSV file: a bad line blocks everything, a good file invites all."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from programs.models import Invitation
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAILS = ["ada.one@example.org", "bo.two@example.org", "cy.three@example.org"]


def test_csv_import_rejects_bad_file_then_invites_everyone(demo, page, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,email,role\n"
        "Ada One,ada.one@example.org,mentee\n"
        "Bo Two,bo.two@example.org,mentor\n"
        "Cy Three,not-an-email,mentee\n"
    )
    good = tmp_path / "people.csv"
    good.write_text(
        "name,email,role\n"
        "Ada One,ada.one@example.org,mentee\n"
        "Bo Two,bo.two@example.org,mentor\n"
        "Cy Three,cy.three@example.org,mentee\n"
    )

    log_in(page, "admin@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/demo/manage/")
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Invite people from a CSV file")).to_be_visible()

    # One wrong line: it is named with its number, and nothing is imported.
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Import and invite").click()
    errors = page.locator("#csv-errors")
    expect(errors.get_by_role("heading", name="1 line to fix")).to_be_visible()
    expect(errors.get_by_role("listitem")).to_have_text(
        ["Line 4: not-an-email is not an email address."]
    )
    expect(page.get_by_text("Nothing was imported: fix the lines listed above")).to_be_visible()
    assert not Invitation.objects.filter(email__in=EMAILS).exists()

    # The fixed file goes through: back on the manage page with every address pending.
    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Import and invite").click()
    expect(page).to_have_url(re.compile(r"/programs/demo/manage/$"))
    expect(page.get_by_role("alert").filter(has_text="invitations sent")).to_have_text(
        "3 invitations sent."
    )
    pending = page.get_by_role("region", name="Pending invitations")
    for email, name, role in zip(
        EMAILS, ["Ada One", "Bo Two", "Cy Three"], ["Mentee", "Mentor", "Mentee"], strict=True
    ):
        row = pending.get_by_role("row").filter(has_text=email)
        expect(row.get_by_role("cell").nth(0)).to_have_text(f"{email} ({name})")
        expect(row.get_by_role("cell").nth(1)).to_have_text(role)
    assert set(
        Invitation.objects.filter(program__slug="demo", status="pending").values_list(
            "email", flat=True
        )
    ) >= set(EMAILS)
