"""A pasted link on a meeting's agenda, on a 390 px phone: it wraps, it is a safe link, and the
Remove button next to it stays on the screen; the action item's date field is wide enough."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An agenda item holds 300 characters: a link of 240 without a break.
LINK = "https://docs.example.org/" + "very-long-unbroken-path-segment-" * 6 + "?q=" + "x" * 20


def test_a_long_pasted_link_wraps_on_a_phone_and_is_a_safe_link(new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    mentee = ParticipantFactory(program=program, role=Role.MENTEE)
    MentorProfileFactory(participant=mentor)
    mentorship = MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    AgendaItem.objects.create(meeting=meeting, author=mentee.user, text=f"Read this: {LINK}")
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))

    page.goto(f"/meetings/{meeting.pk}/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    link = page.locator("#meeting-agenda a", has_text="docs.example.org")
    expect(link).to_have_attribute("href", LINK)
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
    remove = page.locator("#meeting-agenda").get_by_role("button", name=re.compile("^Remove"))
    box = remove.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    # An action item's due date is wide enough to read, on the phone and on a wide screen.
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        due = page.locator("#action-due input[type=date]").bounding_box()
        assert due is not None and due["width"] >= 160, (width, due)
