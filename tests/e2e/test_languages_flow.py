"""Twoway in German and in Spanish: a mentee picks their language in their profile, then walks
their main flow (home, a new goal, the directory, a mentor's page, a request) with no English
left on any page it passes; the mentor, who reads another language, gets the request's
notification and reminder email in theirs, not the sender's.

Every label the test clicks is looked up in the catalogue (``_t``), so a missing translation
fails here twice: the English text would not be found, and the page would hold English words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from goals.models import Goal
from matching.models import HelpKind, MentorshipRequest
from matching.reminders import request_pending_scan
from notifications.models import Notification
from notifications.reminders import deliveries_send_due
from programs.models import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.e2e.conftest import log_in
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of English that are no words of German or Spanish: one on a page means a string there
# is not translated. (Not "in", "an", "also", "will", "was", "die", "no": German or Spanish.)
ENGLISH_ONLY = frozenset(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "for",
        "of",
        "this",
        "that",
        "have",
        "has",
        "from",
        "what",
        "when",
        "which",
        "here",
        "there",
        "yet",
        "been",
        "their",
        "they",
        "would",
        "should",
        "could",
        "about",
        "our",
        "please",
        "save",
        "send",
        "add",
        "edit",
        "delete",
        "back",
        "next",
        "goals",
        "goal",
        "messages",
        "profile",
        "settings",
        "request",
        "requests",
        "mentors",
        "log",
        "out",
        "sign",
        "new",
        "more",
        "find",
        "show",
        "see",
        "none",
        "nothing",
        "ask",
        "asked",
        "waiting",
        "pending",
        "sent",
        "answer",
        "answers",
        "meeting",
        "meetings",
        "notifications",
        "help",
        "offered",
        "topic",
        "topics",
        "why",
        "how",
        "who",
        "mine",
        "my",
        "we",
        "us",
        "it",
        "its",
        "is",
        "are",
        "be",
    ]
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def _t(language: str, msgid: str, context: str = "") -> str:
    with translation.override(language):
        text = pgettext(context, msgid) if context else gettext(msgid)
    assert text != msgid, f"{msgid!r} has no {language} translation"
    return text


def _english_on(page, *known: str) -> set[str]:
    """English words on the page, apart from the data the test made (names, titles)."""
    text = page.locator("body").inner_text()
    for value in sorted(known, key=len, reverse=True):
        text = text.replace(value, " ")
    return {word for word in WORD.findall(text) if word.lower() in ENGLISH_ONLY}


@pytest.mark.parametrize(("language", "mentors_language"), [("de", "es"), ("es", "de")])
def test_a_mentee_walks_the_main_flow_in_their_language(page, language, mentors_language):
    program = ProgramFactory(name="Pathways", slug="pathways")
    design = TopicFactory(organization=program.organization, name="Systemdesign")
    mentee = ParticipantFactory(
        program=program, role=Role.MENTEE, user__full_name="Mia Müller", user__time_zone="UTC"
    )
    mentor = ParticipantFactory(
        program=program,
        role=Role.MENTOR,
        user__full_name="Dana Díaz",
        user__time_zone="UTC",
        user__language=mentors_language,
        user__languages=[language, mentors_language],
    )
    MentorProfileFactory(
        participant=mentor, headline="Arquitecta · Architektin", help_offered=[HelpKind.COACH]
    ).topics.set([design])
    data = (
        "Mia Müller",
        "Dana Díaz",
        "Pathways",
        program.organization.name,
        "Systemdesign",
        "Arquitecta · Architektin",
        "Twoway",
    )

    # She chooses her language on her profile (the browser's choice was English).
    log_in(page, mentee.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/accounts/profile/")
    page.get_by_label("Language", exact=True).select_option(language)
    page.get_by_label("Languages I speak").select_option([language])
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("button", name=_t(language, "Save"))).to_be_visible()

    # Home.
    page.goto("/home/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert _english_on(page, *data) == set()

    # A new goal.
    page.goto("/goals/new/")
    assert _english_on(page, *data) == set()
    title = (
        "Ein neues Abrechnungssystem entwerfen" if language == "de" else "Diseñar la facturación"
    )
    page.get_by_label(_t(language, "Title")).fill(title)
    page.get_by_label("Systemdesign").check()
    page.locator("#id_status").select_option(Goal.Status.ACTIVE)
    page.get_by_role("button", name=_t(language, "Add goal")).click()
    expect(page.get_by_text(title).first).to_be_visible()
    assert Goal.objects.get(owner=mentee).title == title
    assert _english_on(page, *data, title) == set()

    # The directory, filtered by a language the mentor speaks; the shared one is a reason.
    page.goto("/programs/pathways/mentors/")
    assert _english_on(page, *data, title) == set()
    page.get_by_label(_t(language, "Speaks")).select_option(mentors_language)
    page.get_by_role("button", name=_t(language, "Show mentors")).click()
    card = page.get_by_role("link", name="Dana Díaz", exact=True)
    expect(card).to_be_visible()
    with translation.override(language):
        speaks = gettext("speaks %(languages)s") % {
            "languages": translation.get_language_info(language)["name_translated"]
        }
    expect(page.get_by_text(speaks)).to_be_visible()
    assert _english_on(page, *data, title) == set()

    # The mentor's page, and the request.
    card.click()
    expect(page.get_by_role("heading", name="Dana Díaz")).to_be_visible()
    assert _english_on(page, *data, title) == set()
    page.get_by_role("link", name=_t(language, "Ask for mentoring")).click()
    assert _english_on(page, *data, title) == set()
    page.get_by_label(title).check()
    page.get_by_label(_t(language, "The specific topic")).select_option(label="Systemdesign")
    page.get_by_label(_t(language, "Why this mentor?")).fill("Porque sí · Weil ja")
    page.get_by_role("button", name=_t(language, "Send request")).click()
    request = MentorshipRequest.objects.get(mentee=mentee)
    expect(page).to_have_url(re.compile(rf"/requests/{request.pk}/$"))
    assert _english_on(page, *data, title, "Porque sí · Weil ja") == set()

    # The mentor hears of it in their language, in the app and by email.
    told = Notification.objects.get(recipient=mentor.user)
    with translation.override(mentors_language):
        assert told.title == gettext("{name} asks for your help with {topic}").format(
            name="Mia Müller", topic="Systemdesign"
        )
        subject = gettext("{name} is waiting for your answer").format(name="Mia Müller")
        body = gettext(
            "Accept, ask a question, suggest someone else or decline kindly: "
            "the request expires on {date}."
        ).split("{date}")[0]
    assert told.title != "Mia Müller asks for your help with Systemdesign"
    later = (request.created_at + timedelta(days=4)).replace(hour=12, minute=0)
    mail.outbox.clear()
    assert request_pending_scan(now=later) == 1
    deliveries_send_due(now=later)
    [email] = [m for m in mail.outbox if m.to == [mentor.user.email]]
    assert subject in email.subject and "waiting for your answer" not in email.subject
    assert body in email.body
    assert email.extra_headers["Content-Language"] == mentors_language
