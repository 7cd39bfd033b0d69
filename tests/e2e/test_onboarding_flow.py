"""A new mentee, from the invitation email to their first request, led by Home's next step at
each turn: sign up (name filled in), write goals, make one active, find a mentor, ask."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from matching.models import MentorshipRequest
from programs.models import Role
from programs.services import invitation_create
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-Horse-battery-42"


def test_a_new_mentee_goes_from_the_invitation_to_a_first_request(new_page, live_server):
    program = ProgramFactory(name="Pathways", slug="pathways")
    admin = ParticipantFactory(program=program, role=Role.ADMIN).user
    mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    MentorProfileFactory(participant=mentor, capacity=2)
    TopicFactory(organization=program.organization, name="Giving feedback")
    invitation_create(
        program=program,
        invited_by=admin,
        email="nia@example.org",
        role=Role.MENTEE,
        full_name="Nia New",
    )
    [message] = [m for m in mail.outbox if m.to == ["nia@example.org"]]
    link = re.search(r"https?://\S+/programs/invitations/\S+/", message.body).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)

    page = new_page()
    page.goto(link)
    expect(page.get_by_label("Full name")).to_have_value("Nia New")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/home/$"))

    # Home: never "nothing waits" for a newcomer; the first step is a goal.
    steps = page.locator("#home-next-steps")
    expect(steps).to_contain_text("Set a goal")
    expect(page.get_by_text("Nothing waits for you")).to_have_count(0)
    steps.get_by_role("link", name="Set a goal").click()
    page.get_by_label("A skill to develop").fill("Give clear feedback to my team")
    page.get_by_role("button", name="Turn these into draft goals").click()
    expect(page.get_by_text("1 draft goal written.")).to_be_visible()

    page.get_by_role("link", name="Home", exact=True).click()
    expect(steps).to_contain_text("Make a goal active")
    steps.get_by_role("link", name="Your goals").click()
    page.get_by_role("link", name="Give clear feedback to my team").click()
    page.get_by_role("button", name="Make active").click()

    page.get_by_role("link", name="Home", exact=True).click()
    expect(steps).to_contain_text("Find a mentor")
    steps.get_by_role("link", name="Find a mentor").click()
    expect(page.get_by_role("heading", name="Find a mentor", level=1)).to_be_visible()
    page.get_by_role("link", name="Request Mo Mentor as your mentor").click()
    page.locator("input[name=goals]").first.check()
    page.get_by_label("The specific topic").select_option(label="Giving feedback")
    page.get_by_label("Why this mentor?").fill("You led the team whose feedback culture I admire.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Mo Mentor.")).to_be_visible()

    # And Home says what happens next.
    page.get_by_role("link", name="Home", exact=True).click()
    expect(steps).to_contain_text("Waiting for Mo Mentor")
    assert MentorshipRequest.objects.get().mentee.user.email == "nia@example.org"
