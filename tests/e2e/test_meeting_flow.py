"""A meeting from start to finish: the mentee proposes a free slot, the mentor confirms, the
mentee sets the agenda; after the meeting both take notes, the mentor logs advice, the mentee
reports back on it and says thank you, and the mentorship's timeline tells the story."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from matching.services.start import mentorship_start
from meetings.models import Advice, Appreciation, Meeting
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.helpers import nav_link, weekday_mentor
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = ZoneInfo("America/New_York")
ADVICE = "Write a one-page design doc before you write any code."


def test_mentee_proposes_mentor_confirms_and_they_follow_through(monday_morning, page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = weekday_mentor(program)
    mentee = ParticipantFactory(
        program=program,
        role=Role.MENTEE,
        user__full_name="Mia Mentee",
        user__time_zone="America/New_York",
    )
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)

    # The mentee opens the mentorship and proposes the first free time, shown in her zone.
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    nav_link(page, "Mentorships").click()
    page.locator("#as-mentee").get_by_role("link", name="Dana Designer").click()
    expect(page.get_by_role("heading", name="Dana Designer mentors Mia Mentee")).to_be_visible()
    page.get_by_role("link", name="Propose a meeting").click()
    expect(page.get_by_role("heading", name="Propose a meeting")).to_be_visible()
    expect(page.get_by_text("Times below are in your zone (New York time)")).to_be_visible()
    picker = page.get_by_role("group", name="Free times in the next two weeks")
    first_slot = picker.get_by_role("radio").first
    slot_value = first_slot.get_attribute("value")
    assert slot_value is not None
    starts_at = datetime.fromisoformat(slot_value)
    # London 09:00–17:00 reads 04:00–12:00 (or 05:00–13:00 across daylight-saving changes) in NY.
    slot_button = picker.locator(f"label[for='{first_slot.get_attribute('id')}']")
    local = starts_at.astimezone(NEW_YORK)
    # The label reads the time; screen readers also hear the day (visually hidden).
    expect(slot_button).to_have_text(f"{local:%A} {local.day} {local:%B}, {local:%H:%M}")
    # The radios are drawn as buttons (Bootstrap's btn-check): people click the label.
    slot_button.click()
    expect(first_slot).to_be_checked()
    page.get_by_role("button", name="Propose this time").click()
    expect(page.get_by_text("it is on once the other person confirms")).to_be_visible()
    expect(page.locator("#meeting-status")).to_have_text("Proposed")
    meeting = Meeting.objects.get(mentorship=mentorship)
    assert meeting.starts_at == starts_at
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=30)
    expect(page.locator("#meeting-time")).to_contain_text(
        f"{starts_at.astimezone(NEW_YORK):%H:%M}–"
    )

    # The mentor hears of it, opens the meeting and confirms.
    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    nav_link(mentor_page, "Notifications").click()
    mentor_page.get_by_role("link", name=re.compile(r"Mia Mentee proposed a meeting on")).click()
    expect(mentor_page.get_by_role("heading", name="Meeting with Mia Mentee")).to_be_visible()
    mentor_page.get_by_role("button", name="Confirm").click()
    expect(mentor_page.get_by_text("Confirmed: it is in both calendars.")).to_be_visible()
    expect(mentor_page.locator("#meeting-status")).to_have_text("Confirmed")

    # The mentee puts two questions on the agenda.
    page.reload()
    expect(page.locator("#meeting-status")).to_have_text("Confirmed")
    agenda = page.get_by_role("region", name="Agenda")
    for question in ("How do I scope the first version?", "Who should review the design?"):
        agenda.get_by_label("Question or topic").fill(question)
        agenda.get_by_role("button", name="Add").click()
        expect(agenda.get_by_role("listitem").filter(has_text=question)).to_be_visible()
    expect(agenda.get_by_role("listitem")).to_have_count(2)

    # An hour after the meeting ended.
    with time_machine.travel(meeting.ends_at + timedelta(hours=1), tick=True):
        # The mentor marks it held and writes the first notes.
        mentor_page.reload()
        expect(
            mentor_page.get_by_role("listitem").filter(has_text="Who should review")
        ).to_be_visible()
        mentor_page.get_by_role("button", name="Mark as held").click()
        expect(mentor_page.get_by_text("Marked held: add notes and action items.")).to_be_visible()
        expect(mentor_page.locator("#meeting-status")).to_have_text("Held")
        mentor_notes = mentor_page.get_by_role("region", name="Shared notes")
        mentor_notes.get_by_label("Shared notes").fill("Dana: start with the invoice flow only.")
        mentor_notes.get_by_role("button", name="Save notes").click()
        expect(mentor_page.get_by_text("Last edited by Dana Designer")).to_be_visible()

        # The mentee loads the page after that save and adds her part below it.
        page.reload()
        expect(page.locator("#meeting-status")).to_have_text("Held")
        notes = page.get_by_role("region", name="Shared notes")
        notes_box = notes.get_by_label("Shared notes")
        expect(notes_box).to_have_value("Dana: start with the invoice flow only.")
        notes_box.fill(notes_box.input_value() + "\nMia: ask Sam from billing to review.")
        notes.get_by_role("button", name="Save notes").click()
        expect(page.get_by_text("Last edited by Mia Mentee")).to_be_visible()

        # The mentor logs a piece of advice on the meeting.
        mentor_advice = mentor_page.get_by_role("region", name="Advice from this meeting")
        mentor_advice.get_by_label("The advice").fill(ADVICE)
        mentor_advice.get_by_role("button", name="Log advice").click()
        expect(mentor_advice.get_by_text("waiting for a report back")).to_be_visible()

        # The mentee reports back, then thanks the mentor for that advice.
        page.reload()
        advice = page.get_by_role("region", name="Advice from this meeting")
        expect(advice.get_by_text(ADVICE)).to_be_visible()
        advice.get_by_role("link", name="Report back").click()
        expect(page.get_by_role("heading", name="Report back on advice")).to_be_visible()
        page.get_by_label("Acted on it").check()
        page.get_by_label("What came of it").fill("The design review took one hour, not three.")
        page.get_by_role("button", name="Report back").click()
        expect(page.get_by_text("Thank you for reporting back")).to_be_visible()
        page.get_by_role("link", name="Say thanks or share a win").click()
        page.get_by_label("Thank you").check()
        page.get_by_label("About a piece of advice (optional)").select_option(label=ADVICE)
        page.get_by_label("Your words").fill("Your design-doc tip saved me a week.")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Sent. Small words, big difference.")).to_be_visible()

        # The mentorship page's timeline tells the whole story.
        nav_link(page, "Mentorships").click()
        page.locator("#as-mentee").get_by_role("link", name="Dana Designer").click()
        timeline = page.locator("#mentorship-timeline")
        expect(timeline.locator(".timeline-meeting")).to_contain_text("Meeting · Held")
        expect(timeline.locator(".timeline-meeting")).to_contain_text(
            "How do I scope the first version?"
        )
        expect(timeline.locator(".timeline-meeting")).to_contain_text("ask Sam from billing")
        expect(timeline.locator(".timeline-advice")).to_contain_text(ADVICE)
        expect(timeline.locator(".timeline-advice")).to_contain_text("Acted on it")
        expect(timeline.locator(".timeline-advice")).to_contain_text(
            "Result: The design review took one hour, not three."
        )
        expect(timeline.locator(".timeline-appreciation")).to_contain_text(
            "Thank you from Mia: Your design-doc tip saved me a week."
        )
        expect(timeline.locator(".timeline-appreciation")).to_contain_text("(about advice:")

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert "Dana: start with the invoice flow only." in meeting.shared_notes
    assert "Mia: ask Sam from billing to review." in meeting.shared_notes
    assert meeting.shared_notes_edited_by == mentee.user
    advice_row = Advice.objects.get(mentorship=mentorship)
    assert (advice_row.meeting_id, advice_row.recorded_by_id) == (meeting.pk, mentor.user_id)
    assert advice_row.outcome == Advice.Outcome.ACTED
    assert advice_row.result == "The design review took one hour, not three."
    thanks = Appreciation.objects.get(mentorship=mentorship)
    assert (thanks.kind, thanks.author_id, thanks.advice_id) == (
        Appreciation.Kind.THANKS,
        mentee.user_id,
        advice_row.pk,
    )
