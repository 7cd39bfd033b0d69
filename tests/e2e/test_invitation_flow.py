"""An admin invites a new person by email; they follow the link, sign up and are in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from programs.models import Invitation, Participant, Role
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWBIE = "newbie@example.org"


def test_invited_person_signs_up_and_joins_as_mentor(demo, page, new_page, live_server):
    # The admin finds the program under Manage and opens its Invite tab.
    log_in(page, "admin@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.get_by_role("button", name="Manage").click()
    navigation.get_by_role("link", name="Demo Mentoring Program").click()
    expect(page).to_have_url(re.compile(r"/programs/demo/manage/$"))
    page.get_by_role("link", name="Invite", exact=True).click()
    expect(page.get_by_role("heading", name="Invite someone")).to_be_visible()

    page.get_by_label("Name (optional)").fill("Nina Newbie")
    page.get_by_label("Email address").fill(NEWBIE)
    page.get_by_label("Role").select_option(label="Mentor")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/programs/demo/manage/$"))
    expect(page.get_by_role("alert").filter(has_text="Invitation sent to")).to_have_text(
        f"Invitation sent to {NEWBIE} as mentor."
    )
    invitation = Invitation.objects.get(email=NEWBIE, program__slug="demo")
    assert (invitation.role, invitation.full_name) == (Role.MENTOR, "Nina Newbie")

    # The email holds the link (made with SITE_URL; point it at the live server).
    [message] = [m for m in mail.outbox if m.to == [NEWBIE]]
    assert message.subject.endswith("You are invited to Demo Mentoring Program")
    assert "Hello Nina Newbie," in message.body
    link = re.search(r"https?://\S+/programs/invitations/\S+/", message.body).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)

    # Logged out, in a browser of their own, the invitee follows it to the signup form.
    guest = new_page(timezone_id="Europe/Berlin")
    guest.goto(link)
    expect(guest).to_have_url(re.compile(r"/accounts/signup/\?email="))
    expect(guest.get_by_role("alert").filter(has_text="Create your account")).to_have_text(
        "Create your account to join Demo Mentoring Program."
    )
    expect(guest.get_by_label("Email")).to_have_value(NEWBIE)
    # The invited name is filled in, and the time zone proposed is the browser's own.
    expect(guest.get_by_label("Full name")).to_have_value("Nina Newbie")
    expect(guest.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    guest.get_by_label("Password", exact=True).fill("correct-Horse-battery-42")
    guest.get_by_label("Password (again)").fill("correct-Horse-battery-42")
    guest.get_by_role("button", name="Sign Up").click()

    # The address came through the link, so no confirmation step: straight home, in the program.
    expect(guest).to_have_url(re.compile(r"/home/$"))
    expect(guest.get_by_role("heading", name="Welcome, Nina")).to_be_visible()
    expect(guest.get_by_role("alert").filter(has_text="Welcome to")).to_have_text(
        "Welcome to Demo Mentoring Program: you are in as mentor."
    )
    card = guest.get_by_role("article").filter(
        has=guest.get_by_role("link", name="Demo Mentoring Program")
    )
    expect(card).to_be_visible()
    expect(card.locator(".badge")).to_have_text("Mentor")

    newbie = User.objects.get(email=NEWBIE)
    assert (newbie.full_name, newbie.time_zone) == ("Nina Newbie", "Europe/Berlin")
    participant = Participant.objects.get(user=newbie, program__slug="demo")
    assert (participant.role, participant.status) == (Role.MENTOR, Participant.Status.ACTIVE)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, newbie)
