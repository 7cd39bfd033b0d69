"""A peer program: everyone who joins is a peer, in the directory at once ("Find a peer", never
oneself), and either of two peers can ask the other; the asked peer's own boundaries hold."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import MentorProfile, MentorshipRequest
from programs.models import Participant, Program, Role
from programs.services import participant_add
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import log_in
from tests.goals.factories import GoalFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_peers_find_and_ask_each_other(page, new_page):
    program = ProgramFactory(name="Peer Circle", slug="peer-circle", kind=Program.Kind.PEER)
    admin = ParticipantFactory(program=program, role=Role.ADMIN).user
    topic = TopicFactory(organization=program.organization, name="Giving feedback")
    pia = UserFactory(full_name="Pia Peer")
    pat = UserFactory(full_name="Pat Peer")
    # They joined in different roles; in a peer program each is both.
    participant_add(program=program, user=pia, role=Role.MENTEE, actor=admin)
    participant_add(program=program, user=pat, role=Role.MENTOR, actor=admin)
    for user in (pia, pat):
        roles = set(
            Participant.objects.filter(program=program, user=user).values_list("role", flat=True)
        )
        assert roles == {Role.MENTOR, Role.MENTEE}
        assert MentorProfile.objects.filter(
            participant__user=user, participant__program=program
        ).exists()
    GoalFactory(
        owner=Participant.objects.get(program=program, user=pia, role=Role.MENTEE), topics=[topic]
    )

    log_in(page, pia.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("link", name="Find a peer").first.click()
    expect(page.get_by_role("heading", name="Find a peer", level=1)).to_be_visible()
    cards = page.locator("article[data-mentor]")
    expect(cards).to_have_count(1)  # Pat; never Pia herself
    expect(cards.first).to_contain_text("Pat Peer")
    cards.first.get_by_role("link", name="Request Pat Peer as your peer").click()
    page.locator("input[name=goals]").first.check()
    page.get_by_label("The specific topic").select_option(label="Giving feedback")
    page.get_by_label("Why this mentor?").fill("You gave the best feedback in our last retro.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Pat Peer.")).to_be_visible()
    sent = MentorshipRequest.objects.get()
    assert (sent.mentee.user, sent.mentor.user) == (pia, pat)

    # Pat finds it in his requests, and could as well ask Pia.
    other = new_page()
    log_in(other, pat.email, TEST_PASSWORD)
    expect(other).to_have_url(re.compile(r"/home/$"))
    other.goto("/requests/")
    expect(other.locator("#received")).to_contain_text("Pia Peer")
    other.goto("/programs/peer-circle/mentors/")
    expect(other.locator("article[data-mentor]")).to_have_count(1)
    expect(other.locator("article[data-mentor]").first).to_contain_text("Pia Peer")
