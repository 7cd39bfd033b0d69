"""Browser tests: Playwright for Python driving Debian's Chromium against live_server."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

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


# The rows seed_demo wrote, per table, as PostgreSQL's COPY text: taken by the first browser test
# of the process that asks for the demo, written back by the others (a tenth of seeding's time).
_DEMO_ROWS: dict[str, bytes] = {}


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The seed_demo organization: admin@example.com, mentor1..20, mentee1..40.

    A browser test's data is committed (the live server reads it on its own connection) and
    emptied after the test. On PostgreSQL the demo is seeded once per process and its rows are
    copied back for each later test; what seeding does is tested by tests/mentorship/test_demo.py.
    """
    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=io.StringIO())
    elif _DEMO_ROWS:
        demo_rows_restore(_DEMO_ROWS)
    else:
        call_command("seed_demo", stdout=io.StringIO())
        _DEMO_ROWS.update(demo_rows_copy())


def _demo_models() -> list[type[Model]]:
    """The models whose rows seeding writes: all but those migrating fills (content types and
    permissions), which emptying the database after a test fills again with new ids."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.app_label not in ("contenttypes", "auth")
    ]


def demo_rows_copy() -> dict[str, bytes]:
    """Every non-empty table's rows, as COPY text."""
    found = {}
    with connection.cursor() as cursor:
        for model in _demo_models():
            table = connection.ops.quote_name(model._meta.db_table)
            buffer = io.BytesIO()
            cursor.cursor.copy_expert(f"COPY {table} TO STDOUT", buffer)
            if buffer.getvalue():
                found[model._meta.db_table] = buffer.getvalue()
    return found


def demo_rows_restore(rows: dict[str, bytes]) -> None:
    """Write the copied rows back into the emptied tables, in one transaction (foreign keys are
    checked at its commit, so the order of the tables does not matter), then move each id
    sequence past the ids written."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table, text in rows.items():
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.BytesIO(text)
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), _demo_models()):
            cursor.execute(sql)


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: another person, or logged out)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url)
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
