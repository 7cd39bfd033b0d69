"""Two people in two browsers: one writes, the other sees it arrive without reloading and
replies, and the first sees the reply; the navigation counts what is unread."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Message, Seen
from matching.models import MentorProfile
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.helpers import nav_link
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_two_people_write_to_each_other_without_reloading(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role="mentor", user__full_name="Amara Okafor")
    MentorProfileFactory(participant=mentor, communication=MentorProfile.Communication.ANY_TIME)
    mentee = ParticipantFactory(program=program, role="mentee", user__full_name="Mia Mentee")
    mentorship = MentorshipFactory(mentor=mentor, mentee=mentee)

    # The mentor has the conversation open before anything is written.
    mentor_page = new_page()
    log_in(mentor_page, mentor.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    mentor_page.goto(f"/mentorships/{mentorship.pk}/messages/")
    expect(mentor_page.get_by_role("heading", name="Messages with Mia Mentee")).to_be_visible()
    expect(mentor_page.locator("#no-messages")).to_be_visible()

    # The mentee opens it from the mentorship and writes.
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    nav_link(page, "Mentorships").click()
    page.locator("#as-mentee").get_by_role("link", name="Amara Okafor").click()
    page.get_by_role("link", name="Write to Amara").click()
    expect(page.get_by_role("heading", name="Messages with Amara Okafor")).to_be_visible()
    page.get_by_role("textbox", name="Message").fill(
        "Hello Amara!\nCould we move Tuesday to 11:00?"
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Could we move Tuesday to 11:00?")
    expect(page.get_by_role("textbox", name="Message")).to_have_value("")  # ready for the next one

    # It reaches the mentor's open page by itself, and is marked read there.
    expect(mentor_page.locator("#messages")).to_contain_text(
        "Could we move Tuesday to 11:00?", timeout=12_000
    )
    first = Message.objects.get()
    for _ in range(20):  # the read mark is posted once the rows are in
        if Seen.objects.filter(user=mentor.user, last_seen=first.pk).exists():
            break
        mentor_page.wait_for_timeout(250)
    assert Seen.objects.filter(user=mentor.user, last_seen=first.pk).exists()

    # The mentor replies; the mentee sees it without reloading.
    mentor_page.get_by_role("textbox", name="Message").fill("Yes, 11:00 works.")
    mentor_page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Yes, 11:00 works.", timeout=12_000)

    # A file goes with a message; the other person downloads it, a third person gets 404.
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("agenda.pdf")
    link = mentor_page.locator("#messages").get_by_role("link", name="agenda.pdf")
    expect(link).to_be_visible(timeout=12_000)
    with mentor_page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF
    stranger = ParticipantFactory(program=program, role="mentee")
    third = new_page()
    log_in(third, stranger.user.email, TEST_PASSWORD)
    response = third.goto(link.get_attribute("href") or "")
    assert response is not None and response.status == 404

    # Elsewhere, the navigation counts what the mentee has not read yet.
    page.goto("/home/")  # away from the conversation, which would read it at once
    Message.objects.create(
        conversation=first.conversation, author=mentor.user, text="And bring the draft."
    )
    page.reload()
    expect(page.locator("#nav-messages")).to_contain_text("1")
    nav_link(page, "Messages").click()
    expect(page.locator("#conversations")).to_contain_text("Amara Okafor")
    expect(page.locator("#conversations")).to_contain_text("1 unread")
