"""The demo data: idempotent, and every page its accounts can reach works."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import Delivery, Notification, Reminder
from programs.models import AuditEntry, Invitation, Participant, Program

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ["mentee1@example.com", "mentor1@example.com", "admin@example.com"]
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/healthz",
    "/api/v1/docs/",  # the API's documentation: for anyone who builds against it
)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def demo(demo_module: None, db: None) -> None:
    pass


def _snapshot() -> dict[str, list]:
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "password", "full_name", "time_zone"
            )
        ),
        "programs": list(Program.objects.order_by("pk").values_list("pk", "slug", "updated_at")),
        "participants": list(
            Participant.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("pk", "nonce", "updated_at")
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "title")),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk")),
        "ledger": list(Delivery.objects.order_by("pk").values_list("pk", "kind", "subject_key")),
    }


def test_seed_demo_creates_the_documented_accounts(demo):
    assert User.objects.filter(email__in=DEMO_ACCOUNTS).count() == 3
    demo_program = Program.objects.get(slug="demo")
    assert demo_program.organization.name == "Demo Org"
    assert (
        Participant.objects.filter(program=demo_program, role="mentor", status="active").count()
        == 20
    )
    assert (
        Participant.objects.filter(program=demo_program, role="mentee", status="active").count()
        == 40
    )
    assert Participant.objects.filter(
        program=demo_program, role="admin", user__email="admin@example.com"
    ).exists()
    assert len(set(User.objects.values_list("time_zone", flat=True))) > 10
    assert len(set(User.objects.values_list("department", flat=True))) > 5
    assert Client().login(email="mentee20@example.com", password="twoway-demo")


def test_the_demo_shows_every_kind_of_program_with_people_in_it(demo):
    from matching.models import Mentorship, MentorshipGroup

    programs = {p.kind: p for p in Program.objects.all()}
    assert set(programs) == set(Program.Kind.values)
    for kind, program in programs.items():
        people = Participant.objects.filter(program=program, status="active")
        assert people.filter(role="mentor").exists() and people.filter(role="mentee").exists(), kind
        if kind != Program.Kind.PEER:  # the peer program is open for applications
            live = Mentorship.objects.filter(program=program, status__in=Mentorship.LIVE_STATUSES)
            assert live.exists(), kind
    circle = MentorshipGroup.objects.get(program=programs[Program.Kind.GROUP])
    assert Mentorship.objects.filter(group=circle).count() == 3
    assert Mentorship.objects.get(program=programs[Program.Kind.FLASH]).single_session


def test_the_demo_has_one_occurrence_of_every_kind_of_reminder(demo):
    kinds = set(Delivery.objects.values_list("kind", flat=True))
    assert kinds == set(Reminder.values)
    # The weekly digest gathers what mentee4 set to arrive that way last week.
    digest = Delivery.objects.get(kind=Reminder.WEEKLY_DIGEST)
    assert digest.recipient.email == "mentee4@example.com"
    assert "Ask Sam for an intro" in digest.body


def test_seed_demo_twice_changes_nothing(demo):
    before = _snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before


def _internal_links(base: str, html: str) -> list[str]:
    links = []
    for raw in HREF.findall(html):
        url = urldefrag(urljoin(base, unescape(raw)))[0]
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or not url.startswith("/") or url.startswith("/static/"):
            continue
        links.append(url)
    return links


def _crawl(client: Client, start: str, limit: int = 250) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith("/admin/"):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(
                link for link in _internal_links(url, response.content.decode()) if link not in seen
            )
    return seen


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_every_page_a_demo_account_reaches_answers(demo, email):
    client = Client()
    assert client.login(email=email, password="twoway-demo")
    pages = _crawl(client, reverse("home"))
    assert len(pages) > 8, pages
    errors = {url: status for url, status in pages.items() if status >= 500 or status == 404}
    assert not errors, errors
    assert "/programs/demo/" in pages

    # The same pages, logged out, send the visitor to the login page (or sign-up, for an invitation).
    anonymous = Client()
    for url in pages:
        if url == "/" or url.startswith(PUBLIC_PREFIXES):
            continue
        response = anonymous.get(url)
        assert response.status_code == 302, (url, response.status_code)
        target = response["Location"]
        assert target.startswith(("/accounts/login/", "/accounts/signup/")), (url, target)


def test_public_pages_are_public(demo):
    client = Client()
    for url in (
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/healthz",
    ):
        assert client.get(url).status_code == 200, url


def test_landing_sends_a_logged_in_person_home(demo):
    client = Client()
    client.login(email="mentee1@example.com", password="twoway-demo")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
