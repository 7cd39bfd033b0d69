"""A mentor uploads a profile photo: it shows, cropped square, in their navigation, and a
mentee of the same program sees it on the mentor's card in the directory; a mentee without a
photo shows their initials."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _loaded_width(img) -> int:
    """The image's natural width once the browser has loaded it (it loads after the page
    does: reading it at once raced the download)."""
    handle = img.element_handle()
    img.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=handle)
    return handle.evaluate("(img) => img.naturalWidth")


def _photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 600), (20, 140, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_photo_uploaded_shows_to_the_person_and_to_their_program(page, new_page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    MentorProfileFactory(participant=mentor)
    GoalFactory(owner=mentee)
    console = watch_console(page)

    log_in(page, mentor.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/accounts/profile/")
    page.locator("#id_photo").set_input_files(
        files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Your photo is saved.")).to_be_visible()
    face = page.locator("header img.avatar")
    expect(face).to_have_count(1)
    assert _loaded_width(face) == 256  # stored as a 256 px square
    assert csp_violations(console) == []

    guest = new_page()
    log_in(guest, mentee.user.email, TEST_PASSWORD)
    expect(guest).to_have_url(re.compile(r"/home/$"))
    expect(guest.locator("header .avatar-initials")).to_have_text("MM")
    guest.goto("/programs/pathways/mentors/")
    card = guest.locator(f"article[data-mentor='{mentor.pk}']")
    expect(card.locator("img.avatar")).to_have_count(1)
    assert _loaded_width(card.locator("img.avatar")) == 256
