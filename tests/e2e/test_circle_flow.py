"""A group program's circle, in the browser: its mentor is led from Home to set the circle's
norms (an invalid save first) and its first meeting; a member is told, finds the circle, reads
the norms and adds a question to the meeting's agenda, which the mentor then sees."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from matching.models import MentorshipGroup
from matching.services.start import mentorship_start
from meetings.models import Agreement, Meeting
from programs.models import Program, Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.helpers import nav_link
from tests.matching.factories import (
    AvailabilityFactory,
    ContactWindowFactory,
    MentorProfileFactory,
)
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_sets_up_the_circle_and_a_member_joins_in(page, new_page):
    program = ProgramFactory(name="Circles", slug="circles", kind=Program.Kind.GROUP)
    mentor = ParticipantFactory(
        program=program, role=Role.MENTOR, user__full_name="Dana Lead", user__time_zone="UTC"
    )
    MentorProfileFactory(participant=mentor, capacity=1)
    availability = AvailabilityFactory(participant=mentor, time_zone="UTC", minimum_notice_hours=24)
    for weekday in range(7):
        ContactWindowFactory(
            availability=availability, weekday=weekday, start_time=time(8), end_time=time(18)
        )
    members = [
        ParticipantFactory(program=program, role=Role.MENTEE, user__full_name=name)
        for name in ("Ana Member", "Bo Member")
    ]
    for member in members:
        mentorship_start(mentor=mentor, mentee=member)
    circle = MentorshipGroup.objects.get(mentor=mentor)

    # Home leads the mentor to the circle's norms; a save without a place is refused in place.
    log_in(page, mentor.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_text("Set your circle's norms")).to_be_visible()
    page.get_by_role("link", name="Set the norms").click()
    expect(page.get_by_role("heading", name="Your circle", level=1)).to_be_visible()
    expect(page.locator("#circle-people")).to_contain_text("Ana Member")
    expect(page.locator("#circle-people")).to_contain_text("2 of 6 places taken")
    form = page.locator("#circle-norms-form")
    form.get_by_label("Frequency").select_option(label="Every two weeks")
    form.get_by_label("Length of a meeting (minutes)").fill("60")
    form.get_by_role("button", name="Save the norms").click()
    expect(page.locator("#circle-norms-form .invalid-feedback")).to_contain_text("required")
    assert not Agreement.objects.exists()
    page.locator("#circle-norms-form").get_by_label("Channel").fill("https://meet.example.com/c")
    page.locator("#circle-norms-form").get_by_role("button", name="Save the norms").click()
    expect(page.get_by_text("these are the circle's norms now")).to_be_visible()
    expect(page.locator("#circle-norms")).to_contain_text("https://meet.example.com/c")

    # Then its first meeting: a free time in the mentor's own windows, on at once.
    page.goto("/home/")
    page.get_by_role("link", name="Set a meeting").click()
    expect(page.get_by_role("heading", name="Set a circle meeting")).to_be_visible()
    picker = page.get_by_role("group", name="Free times in the next two weeks")
    first_slot = picker.get_by_role("radio").first
    value = first_slot.get_attribute("value")
    assert value is not None
    picker.locator(f"label[for='{first_slot.get_attribute('id')}']").click()
    page.get_by_role("button", name="Set this time").click()
    expect(page.get_by_text("every member of the circle is told")).to_be_visible()
    expect(page.get_by_role("heading", name="Circle meeting")).to_be_visible()
    expect(page.locator("#meeting-status")).to_have_text("Confirmed")
    meeting = Meeting.objects.get(group=circle)
    assert meeting.starts_at == datetime.fromisoformat(value)
    assert (meeting.ends_at - meeting.starts_at).total_seconds() == 3600  # the norms' length

    # A member is told, finds the circle from her mentorships, and adds to the agenda.
    member_page = new_page()
    log_in(member_page, members[0].user.email, TEST_PASSWORD)
    expect(member_page).to_have_url(re.compile(r"/home/$"))
    nav_link(member_page, "Notifications").click()
    expect(
        member_page.get_by_role("link", name=re.compile(r"Dana Lead set a circle meeting for"))
    ).to_be_visible()
    nav_link(member_page, "Mentorships").click()
    member_page.get_by_role("link", name="the circle").click()
    expect(member_page.get_by_role("heading", name="Dana Lead's circle", level=1)).to_be_visible()
    expect(member_page.locator("#circle-norms")).to_contain_text("Every two weeks")
    expect(member_page.get_by_role("link", name="Set a circle meeting")).to_have_count(0)
    member_page.locator("#circle-meetings .list-group").get_by_role("link").first.click()
    expect(member_page.get_by_role("heading", name="Circle meeting")).to_be_visible()
    expect(member_page.get_by_role("button", name="Cancel")).to_have_count(0)
    member_page.get_by_label("Question or topic").fill("How do I say no to a senior colleague?")
    member_page.get_by_role("button", name="Add").click()
    expect(member_page.locator("#meeting-agenda")).to_contain_text("say no to a senior colleague")

    # The mentor sees the question on the meeting page.
    page.reload()
    expect(page.locator("#meeting-agenda")).to_contain_text("say no to a senior colleague")
    expect(page.locator("#meeting-agenda")).to_contain_text("Ana")
