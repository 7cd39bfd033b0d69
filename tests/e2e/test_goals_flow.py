"""A mentee with no goals: guided start, drafts, reorder, share one with their mentor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from goals.models import Goal, GoalShare
from matching.services.start import mentorship_start
from programs.models import Participant, Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.programs.factories import ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_guided_start_reorder_and_share(page):
    mentee = ParticipantFactory(
        role=Role.MENTEE, user__full_name="Gia Goalsetter", program__name="Pathways"
    )
    mentor = ParticipantFactory(
        role=Role.MENTOR, program=mentee.program, user__full_name="Max Mentor"
    )
    mentorship_start(mentor=mentor, mentee=mentee)

    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Goals").click()

    # No goals yet: the guided start asks what mentoring is for.
    expect(page).to_have_url(re.compile(r"/goals/start/$"))
    expect(
        page.get_by_role("heading", name="What do you want to get out of mentoring?")
    ).to_be_visible()
    page.get_by_label("A skill to develop").fill("Present with confidence to senior leaders")
    page.get_by_label("A project to deliver").fill("Ship the onboarding redesign by March")
    page.get_by_role("button", name="Turn these into draft goals").click()

    expect(page).to_have_url(re.compile(r"/goals/$"))
    expect(page.get_by_text("2 draft goals written.")).to_be_visible()
    items = page.locator(".goal-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Present with confidence")
    expect(items.nth(1)).to_contain_text("Ship the onboarding redesign")

    # Reorder: the project goes first (htmx swaps the list in place).
    page.get_by_role("button", name="Move “Ship the onboarding redesign by March” up").click()
    expect(items.nth(0)).to_contain_text("Ship the onboarding redesign")
    expect(items.nth(1)).to_contain_text("Present with confidence")
    owner = Participant.objects.get(pk=mentee.pk)
    assert list(
        Goal.objects.filter(owner=owner).order_by("position").values_list("title", flat=True)
    ) == [
        "Ship the onboarding redesign by March",
        "Present with confidence to senior leaders",
    ]
    page.reload()
    expect(page.locator(".goal-item").nth(0)).to_contain_text("Ship the onboarding redesign")

    # Share the first goal with the mentor.
    page.get_by_role("link", name="Ship the onboarding redesign by March").click()
    expect(page.get_by_text("nobody: private")).to_be_visible()
    page.get_by_role("link", name="Sharing").click()
    page.get_by_label("Max Mentor").check()
    page.get_by_role("button", name="Save sharing").click()
    expect(page.get_by_text("is shared with Max Mentor")).to_be_visible()
    goal = Goal.objects.get(owner=owner, title__startswith="Ship")
    assert list(
        GoalShare.objects.filter(goal=goal).values_list("mentor__full_name", flat=True)
    ) == ["Max Mentor"]
    assert not GoalShare.objects.filter(goal__title__startswith="Present").exists()
