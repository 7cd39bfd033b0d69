"""Every page the navigation reaches, as each role of the demo, on a 1280 px screen and on a
390 px phone: no horizontal overflow, no console error, and no link on it that answers 404.

The pages are read from the navigation itself (its links and its menus' items), so a new page
is covered without a change here; each page's own links are then fetched once each (without a
browser) to find the ones that lead nowhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.db.models import Q

from matching.models import Mentorship
from programs.models import Participant, Role
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)

# Links that are not pages to open: signing out ends the session the crawl runs in.
SKIP = ("/accounts/logout/",)

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && e.offsetParent !== null)
    .filter((e) => !e.closest(".table-responsive, .overflow-auto, pre, .visually-hidden, .dropdown-menu"))
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""

LINKS = """() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"))"""

DETAIL = re.compile(r"^/(meetings|mentorships|requests|goals|checkins)/\d+/$")

NAVIGATION = """() => [...document.querySelectorAll("header nav a[href]")]
  .map((a) => a.getAttribute("href")).filter((h) => h.startsWith("/"))"""


def _people() -> dict[str, str]:
    """One person of each role the demo has, by email."""
    paired = Mentorship.objects.filter(status__in=Mentorship.LIVE_STATUSES)
    unpaired = (
        Participant.objects.filter(
            role=Role.MENTEE, status=Participant.Status.ACTIVE, program__slug="demo"
        )
        .exclude(Q(pk__in=paired.values("mentee_id")))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert unpaired is not None, "the demo has no mentee without a mentor"
    return {
        "mentee": "mentee1@example.com",
        "mentee without a mentor": unpaired.user.email,
        "mentor": "mentor1@example.com",
        "admin": "admin@example.com",
    }


def _same_site(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("role", ["mentee", "mentee without a mentor", "mentor", "admin"])
def test_every_page_of_the_navigation_fits_works_and_links_somewhere(demo, new_page, role):
    email = _people()[role]
    page = new_page(viewport={"width": WIDTHS[0], "height": 900})
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on(
        "response",
        lambda answer: (
            errors.append(f"{page.url}: {answer.url} answered {answer.status}")
            if answer.status >= 400
            else None
        ),
    )
    log_in(page, email, DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    pages = list(dict.fromkeys(["/home/", *page.evaluate(NAVIGATION)]))
    pages = [p for p in pages if p not in SKIP]
    assert len(pages) >= 8, f"the navigation of {role} reaches only {pages}"

    problems: list[str] = []
    links: dict[str, str] = {}
    queue = list(pages)
    seen_kinds: set[str] = set()
    for path in queue:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(path)
        assert response is not None
        if response.status != 200:
            problems.append(f"{path}: answered {response.status}")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            fit = page.evaluate(OVERFLOW)
            if fit["scroll"] > fit["width"] + 1:
                problems.append(
                    f"{path} at {width} px: {fit['scroll']} px wide; widest: {fit['wide']}"
                )
        for href in page.evaluate(LINKS):
            target = _same_site(href)
            if target and target not in SKIP:
                links.setdefault(target, path)
                # One page of each kind a list leads to (a meeting, a mentorship, a request…),
                # checked as closely as the navigation's own.
                kind = DETAIL.match(target)
                if kind and kind.group(1) not in seen_kinds:
                    seen_kinds.add(kind.group(1))
                    queue.append(target)

    for target, found_on in links.items():
        answer = page.request.get(target, max_redirects=5)
        if answer.status == 404:
            problems.append(f"{found_on} links to {target}, which answers 404")
    problems += errors
    assert problems == [], f"as {role}:\n" + "\n".join(problems)
