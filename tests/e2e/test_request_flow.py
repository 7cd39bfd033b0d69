"""Finding a mentor: filter the directory, open a mentor, ask; the mentor accepts; both see it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from goals.models import Goal
from matching.models import HelpKind, Mentorship, MentorshipRequest
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_finds_and_asks_a_mentor_who_accepts(page, browser, live_server):
    program = ProgramFactory(name="Pathways", slug="pathways")
    design = TopicFactory(organization=program.organization, name="System design")
    speaking = TopicFactory(organization=program.organization, name="Public speaking")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")
    goal = GoalFactory(
        owner=mentee, title="Design our new billing service", status=Goal.Status.ACTIVE
    )
    goal.topics.set([design])
    wanted = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Dana Designer")
    profile = MentorProfileFactory(
        participant=wanted, headline="Architect of large systems", help_offered=[HelpKind.COACH]
    )
    profile.topics.set([design])
    other = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Sam Speaker")
    MentorProfileFactory(participant=other, headline="Talks for a living").topics.set([speaking])

    # The mentee narrows the directory to the topic of their goal.
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/pathways/mentors/")
    expect(page.get_by_role("link", name="Sam Speaker", exact=True)).to_be_visible()
    page.get_by_label("Topic").select_option(label="System design")
    page.get_by_role("button", name="Show mentors").click()
    expect(page.get_by_role("link", name="Sam Speaker", exact=True)).to_have_count(0)
    expect(page.get_by_text("1 of your goal topics")).to_be_visible()

    # Opens the mentor and asks for a small first step.
    page.get_by_role("link", name="Dana Designer", exact=True).click()
    expect(page.get_by_role("heading", name="Dana Designer")).to_be_visible()
    page.get_by_role("link", name="Ask for mentoring").click()
    page.get_by_label("Design our new billing service").check()
    page.get_by_label("The specific topic").select_option(label="System design")
    page.get_by_label("Why this mentor?").fill("You designed the payments platform I now maintain.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Dana Designer.")).to_be_visible()
    expect(page.locator("#request-status")).to_have_text("Pending")
    request = MentorshipRequest.objects.get(mentee=mentee)
    assert (request.mentor_id, request.topic_id) == (wanted.pk, design.pk)

    # The mentor logs in elsewhere, finds it in the inbox and accepts.
    mentor_context = browser.new_context(base_url=live_server.url)
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, wanted.user.email, TEST_PASSWORD)
    expect(mentor_page).to_have_url(re.compile(r"/home/$"))
    mentor_page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Requests"
    ).click()
    mentor_page.get_by_role("link", name=re.compile("Mia Mentee: System design")).click()
    expect(
        mentor_page.get_by_text("You designed the payments platform I now maintain.")
    ).to_be_visible()
    mentor_page.get_by_role("button", name="Accept").click()
    expect(mentor_page.get_by_text("You said yes.")).to_be_visible()
    expect(
        mentor_page.get_by_role("heading", name="Dana Designer mentors Mia Mentee")
    ).to_be_visible()
    mentor_context.close()

    # Both see the mentorship.
    mentorship = Mentorship.objects.get(mentor=wanted, mentee=mentee)
    assert mentorship.status == Mentorship.Status.ACTIVE
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Mentorships"
    ).click()
    expect(page.locator("#as-mentee").get_by_role("link", name="Dana Designer")).to_be_visible()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Notifications"
    ).click()
    expect(page.get_by_text("Dana Designer said yes")).to_be_visible()
