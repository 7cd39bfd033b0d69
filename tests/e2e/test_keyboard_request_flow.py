"""Keyboard only: a mentee logs in, finds a mentor and sends a request without touching a mouse.

Everything after the first page load goes through page.keyboard (Tab, Shift+Tab, Enter,
Space, arrow keys, typing); the page is only read, never clicked. At every element the walk
stops on, the focus must be visible: an outline or a box-shadow in its computed style.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import MentorProfile, MentorshipRequest
from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTEE = "mentee30@example.com"  # a demo mentee with no mentor and no open request

# What the focused element is, for matching and for failure messages.
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "",
    text: (el.innerText || el.value || "").trim(),
    href: el.getAttribute("href") || "",
  };
}"""

# A focus ring: Bootstrap draws a box-shadow on form fields and buttons, Chromium an outline
# on links. Polled, because Bootstrap animates the box-shadow in.
FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  return outline || shadow;
}"""


def tab_to(page, wanted, what: str, limit: int = 200) -> dict:
    """Press Tab until `wanted(focused)` holds; check that the focus can be seen there."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(DESCRIBE_FOCUS)
        if wanted(focused):
            assert_focus_visible(page, what)
            return focused
        seen.append(f"{focused['tag']} {focused['name'] or focused['text'][:30]}")
    raise AssertionError(f"Tab never reached {what}; passed: {seen}")


def assert_focus_visible(page, what: str) -> None:
    try:
        page.wait_for_function(FOCUS_IS_VISIBLE, timeout=2_000)
    except Exception as exc:
        raise AssertionError(f"the keyboard focus on {what} cannot be seen") from exc


def test_mentee_sends_a_request_with_the_keyboard_alone(demo, page):
    page.goto("/accounts/login/")

    # 1. Log in: Tab to the email field, type, Tab to the password, type, Enter.
    tab_to(page, lambda f: f["name"] == "login", "the email field")
    page.keyboard.type(MENTEE)
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE_FOCUS)["name"] == "password"
    assert_focus_visible(page, "the password field")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/home/$"))

    # 2. Home → the program → "Find a mentor" → the directory.
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Demo Mentoring Program", "the program")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programs/demo/$"))
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Find a mentor", "Find a mentor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programs/demo/mentors/$"))

    # 3. The first mentor who can take a request (read from the page, reached by Tab).
    mentor_name = page.evaluate(
        """() => {
          const card = [...document.querySelectorAll("article[data-mentor]")]
            .find((c) => c.querySelector('a[href*="/request/"]'));
          return card.querySelector("h3 a").innerText.trim();
        }"""
    )
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == mentor_name, f"{mentor_name}'s name")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=mentor_name, level=1)).to_be_visible()

    # 4. The mentor's page → "Ask for mentoring" → the request form.
    tab_to(page, lambda f: f["text"] == "Ask for mentoring", "Ask for mentoring")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Ask {mentor_name}")).to_be_visible()

    # 5. Fill it: a goal (Space ticks it), a topic (arrow key), why, then send with Enter.
    goal = tab_to(page, lambda f: f["name"] == "goals", "the first goal")
    assert goal["type"] == "checkbox"
    page.keyboard.press("Space")
    expect(page.locator("input[name=goals]").first).to_be_checked()
    tab_to(page, lambda f: f["name"] == "topic", "the topic")
    # Arrow down to the first topic the mentor has not put under "cannot help with".
    cannot = {
        str(pk)
        for pk in MentorProfile.cannot_help_topics.through.objects.filter(
            mentorprofile__participant__user__full_name=mentor_name,
            mentorprofile__participant__program__slug="demo",
        ).values_list("topic_id", flat=True)
    }
    page.keyboard.press("ArrowDown")
    while page.locator("select[name=topic]").input_value() in cannot:
        page.keyboard.press("ArrowDown")
    topic = page.locator("select[name=topic]").input_value()
    assert topic, "the arrow key did not pick a topic"
    tab_to(page, lambda f: f["name"] == "why_this_mentor", "Why this mentor?")
    page.keyboard.type("You moved from engineering into product, which is where I want to go.")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send request", "Send request")
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"Your request is on its way to {mentor_name}.")).to_be_visible()
    request = MentorshipRequest.objects.get(
        mentee__user__email=MENTEE, status=MentorshipRequest.Status.PENDING
    )
    assert request.mentor.user.get_full_name() == mentor_name
    assert str(request.topic_id) == topic
    assert request.why_this_mentor.startswith("You moved from engineering")
    assert request.goals.count() == 1
