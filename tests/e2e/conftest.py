"""Browser tests: Playwright for Python driving Debian's Chromium against live_server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.helpers import demo_seed

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told that this (single-threaded test) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser(chromium_path_session: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path_session, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session() -> str:
    from tests.conftest import CHROMIUM, require

    require(os.path.exists(CHROMIUM), f"{CHROMIUM} is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


# ---------------------------------------------------------------------------
# Helpers shared by the flow tests
# ---------------------------------------------------------------------------
DEMO_PASSWORD = "twoway-demo"  # noqa: S105 (seed_demo's documented password)


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The seed_demo organization: admin@example.com, mentor1..20, mentee1..40. A browser test's
    data is committed (the live server reads it on its own connection) and emptied after it."""
    demo_seed()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: another person, or logged out)."""
    contexts = []

    def make(**options: object):
        """``options``: Playwright's context options (a ``timezone_id``, say)."""
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def watch_console(page) -> list[str]:
    """Collect the page's console messages ("type: text") from now on."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    return messages


def csp_violations(messages: list[str]) -> list[str]:
    return [message for message in messages if "Content Security Policy" in message]


@pytest.fixture
def monday_morning() -> Iterator[None]:
    """The clock runs from next Monday, 06:00 UTC. The first free time, Tuesday 09:00 in London,
    is then hours past the 24 hours' notice; at a random time a half-hour mark could pass
    between offering the first time and proposing or confirming it, and it was refused. Days
    ahead rather than a fixed date: the browser keeps the real clock and drops a cookie that
    expired by it."""
    now = timezone.now()
    monday = now + timedelta(days=7 - now.weekday())
    with time_machine.travel(monday.replace(hour=6, minute=0, second=0, microsecond=0), tick=True):
        yield
