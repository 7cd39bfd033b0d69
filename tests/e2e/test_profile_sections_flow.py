"""A mentor's profile page in sections: an invalid save says so at the top, links to the field
and changes nothing; each section then saves on its own; a contact window is added without a
save (htmx) and kept by the windows' own save."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from matching.models import Availability, MentorProfile
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_fixes_an_invalid_limit_and_adds_a_contact_window(page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    MentorProfileFactory(participant=mentor, headline="Platform engineering", capacity=2)
    console = watch_console(page)
    log_in(page, mentor.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/pathways/profile/")

    # An invalid limit: the summary at the top names it and links to the field.
    limits = page.locator("#section-boundaries")
    limits.get_by_label("Capacity").fill("25")
    limits.get_by_role("button", name="Save your limits").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Not saved: 1 thing to fix in “Your limits”")
    assert page.evaluate("window.scrollY") == 0  # the summary is what one sees first
    summary.get_by_role("link", name=re.compile("^Capacity:")).click()
    expect(page.locator("#id_mentor-capacity")).to_be_focused()
    assert MentorProfile.objects.get(participant=mentor).capacity == 2

    # Fixed, it saves, and the page comes back at that section.
    limits.get_by_label("Capacity").fill("3")
    limits.get_by_role("button", name="Save your limits").click()
    expect(page.get_by_text("Saved: your limits.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/profile/#section-boundaries$"))
    expect(page.locator("#error-summary")).to_have_count(0)
    assert MentorProfile.objects.get(participant=mentor).capacity == 3

    # Rows are added without a save; the windows' own save keeps them.
    windows = page.locator("#section-windows")
    rows = windows.locator("#contact-windows tbody tr")
    before = rows.count()
    windows.get_by_role("button", name="Add a window").click()
    expect(rows).to_have_count(before + 1)
    assert not Availability.objects.exists()
    last = rows.nth(before)
    last.get_by_label("Day").select_option(label="Friday")
    last.get_by_label("From").fill("14:00")
    last.get_by_label("Until").fill("15:30")
    windows.get_by_role("button", name="Save your contact windows").click()
    expect(page.get_by_text("Saved: when you can be reached.")).to_be_visible()
    stored = Availability.objects.get(participant=mentor).windows.values_list(
        "weekday", "start_time", "end_time"
    )
    assert list(stored) == [(4, time(14), time(15, 30))]
    assert MentorProfile.objects.get(participant=mentor).headline == "Platform engineering"
    assert csp_violations(console) == []
