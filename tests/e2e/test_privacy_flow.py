"""A person's data rights in the browser: Mia downloads her data (a zip with her account and
the messages she and Dana wrote), then deletes her account (signing in again first, and
refused until she ticks that she understands); Dana then finds their mentorship ended ("left
the program"), was told, and still has Mia's message, signed "a former participant"."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from conversations.access import get_thread_for_user
from conversations.services import message_send
from matching.services.start import mentorship_start
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_my_data_then_delete_my_account(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Dana Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    mentorship = mentorship_start(mentor=mentor, mentee=mentee)
    message_send(
        thread=get_thread_for_user(mentee.user, mentorship.pk),
        author=mentee.user,
        text="Thank you for the reading list!",
    )
    message_send(
        thread=get_thread_for_user(mentor.user, mentorship.pk),
        author=mentor.user,
        text="You are welcome, Mia.",
    )

    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("button", name=re.compile("Mia")).click()  # the menu under her name
    page.get_by_role("link", name="Privacy and your data").click()
    expect(page.get_by_role("heading", name="Privacy and your data")).to_be_visible()

    # Download my data: built by the task, then a link that downloads the zip.
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("Your export is being built.")).to_be_visible()
    page.reload()
    with page.expect_download() as waiting:
        page.locator("#exports").get_by_role("link", name="Download").click()
    download = waiting.value
    assert re.fullmatch(r"twoway-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(download.path())
    [account] = json.loads(archive.read("accounts/user.json"))
    assert account["email"] == mentee.user.email and account["full_name"] == "Mia Mentee"
    texts = {m["text"] for m in json.loads(archive.read("conversations/message.json"))}
    assert texts == {"Thank you for the reading list!", "You are welcome, Mia."}
    assert "matching/mentorship.csv" in archive.namelist()
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_role("alert")).to_contain_text("You can ask for one export a day")

    # Delete my account: sign in again, then a tick, then it is done.
    page.get_by_role("link", name="Delete my account…").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Delete my account")).to_be_visible()
    expect(page.get_by_text("signed “a former participant”")).to_be_visible()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#error_1_id_confirm")).to_contain_text("Tick this to confirm")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account and your personal data are deleted.")).to_be_visible()

    # She can no longer sign in.
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/(login|inactive)/"))

    # Dana's view: told, the mentorship ended, the message kept and signed anonymously.
    dana = new_page()
    log_in(dana, mentor.user.email, TEST_PASSWORD)
    expect(dana).to_have_url(re.compile(r"/home/$"))
    dana.goto("/notifications/")
    expect(
        dana.get_by_text("Mia Mentee has left the program: your mentorship has ended")
    ).to_be_visible()
    dana.goto(f"/mentorships/{mentorship.pk}/")
    expect(dana.get_by_text("Left the program").first).to_be_visible()
    dana.goto(f"/mentorships/{mentorship.pk}/messages/")
    expect(dana.locator("#messages")).to_contain_text("Thank you for the reading list!")
    expect(dana.locator("#messages")).to_contain_text("a former participant")
    expect(dana.locator("#messages")).not_to_contain_text("Mia Mentee")
