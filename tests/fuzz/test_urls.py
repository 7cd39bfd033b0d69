"""Every URL of the project has its bad-input test: the resolver's list is checked against the
tables here, so that a new URL without one fails. Pages that only read get junk posted at them
(nothing may be written, whatever the answer); Django's admin gets junk from a superuser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from meetings.calendar import calendar_feed_regenerate
from tests.accounts.factories import UserFactory
from tests.fuzz.endpoints import (
    ALLAUTH,
    ENDPOINTS,
    Endpoint,
    on,
    organization_slug,
    slug,
    url_for,
    url_variants,
)
from tests.fuzz.strategies import FUZZ, NASTY_STRINGS, nasty_text
from tests.fuzz.submission import assert_no_server_error, assert_safe, submit
from tests.fuzz.world import Side, World
from tests.helpers import all_routes

pytestmark = pytest.mark.django_db


def every_url() -> dict[str, str]:
    return {route.key: route.route for route in all_routes()}


# ---------------------------------------------------------------------------
# Pages that only read: whatever is posted, nothing is written
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    name: str
    user: str | None
    kwargs: Callable[[Side], dict[str, Any]] = lambda side: {}

    @property
    def id(self) -> str:
        return self.name

    def as_endpoint(self) -> Endpoint:
        return Endpoint(self.name, self.user, kwargs=self.kwargs)


def _feed(side: Side) -> dict[str, Any]:
    return {"secret": calendar_feed_regenerate(user=side.mentee).secret}


READ_PAGES = [
    Page("landing", None),
    Page("home", "mentee"),
    Page("healthz", None),
    Page("programs:list", "mentee"),
    Page("programs:detail", "mentee", slug),
    Page("programs:manage", "admin", slug),
    Page("programs:audit", "admin", slug),
    Page("organizations:detail", "admin", organization_slug),
    Page("organizations:audit", "admin", organization_slug),
    Page("goals:list", "mentee"),
    Page("goals:figures", "admin", slug),
    Page("goals:detail", "mentee", on("goal")),
    Page("matching:board", "mentee", slug),
    Page("matching:reports", "admin", slug),
    Page("matching:admin_mentorships", "admin", slug),
    Page("matching:requests", "mentor"),
    Page("matching:request", "mentor", on("request")),
    Page("matching:mentorships", "mentee"),
    Page("matching:mentorship", "mentee", on("mentorship")),
    Page("matching:person", "mentee", lambda s: {"slug": s.program.slug, "pk": s.mentor.pk}),
    Page("programs:person_photo", "mentee", lambda s: {"pk": s.mentor.pk}),
    Page("favicon", None),
    Page("matching:directory", "mentee", slug),
    Page("meetings:meeting", "mentee", on("meeting")),
    Page("meetings:timeline", "mentee", on("mentorship")),
    Page("meetings:meetings", "mentee"),
    Page("meetings:meeting_ics", "mentee", on("meeting")),
    Page("meetings:calendar", "mentee"),
    Page("meetings:calendar_feed", None, _feed),
    Page("meetings:checkins", "mentee"),
    Page("meetings:checkin_figures", "admin", slug),
    Page("matching:round", "admin", on("matching_round", with_slug=True)),
    Page("reports:dashboard", "admin", slug),
    Page("reports:summary", "admin", slug),
    Page("reports:exports", "admin", slug),
    Page("reports:export_participants", "admin", slug),
    Page("reports:export_mentorships", "admin", slug),
    Page("reports:export_requests", "admin", slug),
    Page("reports:export_checkins", "admin", slug),
    Page("notifications:list", "mentee"),
    Page("conversations:list", "mentee"),
    # The poll only reads (``?after=`` in the address), whatever is posted to it.
    Page("conversations:poll", "mentee", on("mentorship")),
    # A file's download (the mentee's, by the mentor) answers any method, and only reads.
    Page("conversations:attachment", "mentor", on("attachment")),
    Page("settings/notifications/", "mentee"),
    Page("account_inactive", None),
    Page("account_email_verification_sent", None),
    Page("account_reset_password_done", None),
    Page("account_reset_password_from_key_done", None),
    Page("mfa_index", "mentee"),
    Page("accounts:mfa_required", "mentee"),
    Page("mfa_view_recovery_codes", "mentee"),
    Page("mfa_download_recovery_codes", "mentee"),
]

# Covered elsewhere, or not at all, and why.
ELSEWHERE = {
    "programs:import": "test_csv_import.py: the file upload, with malformed files",
    "accounts:photo": "tests/accounts/test_photos.py: uploads that are not photos, bombs, fakes",
}
ADMIN = "admin"  # every admin:* URL: test_admin_survives_junk below


def _junk() -> st.SearchStrategy[dict[str, list[str]]]:
    keys = st.one_of(
        st.sampled_from(["action", "status", "text", "name", "pk", "id", "next", "page", "q"]),
        st.sampled_from(NASTY_STRINGS).filter(bool),
    )
    return st.dictionaries(keys, st.lists(nasty_text(), min_size=1, max_size=2), max_size=4)


def _read_url(page: Page, kwargs: dict[str, Any]) -> str:
    if "/" in page.name:  # a URL without a name: its route
        return "/" + page.name
    return url_for(page.name, kwargs)


def test_every_url_has_a_bad_input_test():
    covered = {e.name for e in [*ENDPOINTS, *ALLAUTH]} | {p.name for p in READ_PAGES}
    covered |= set(ELSEWHERE)
    missing = sorted(
        key
        for key in every_url()
        if key not in covered and not key.startswith(("admin:", "admin/"))
    )
    assert not missing, f"URLs without a bad-input test (add a row to a table): {missing}"
    unknown = sorted(covered - set(every_url()))
    assert not unknown, f"rows for URLs that no longer exist: {unknown}"


@pytest.mark.parametrize("page", READ_PAGES, ids=lambda p: p.id)
@FUZZ
@given(data=st.data())
def test_a_page_that_reads_writes_nothing_whatever_is_posted(
    world: World, page: Page, data: st.DataObject
):
    if "/" in page.name:
        kwargs: dict[str, Any] = {}
    else:
        # Built once per test: a page's arguments may write (the calendar feed's secret).
        cache = world.__dict__.setdefault("strategies", {})
        if page.id not in cache:
            cache[page.id] = url_variants(page.as_endpoint(), world)
        kwargs, _foreign = data.draw(cache[page.id], label="url")
    body = data.draw(_junk(), label="body")
    htmx = data.draw(st.booleans(), label="htmx")
    user = getattr(world.home, page.user) if page.user else None
    submission = submit(_read_url(page, kwargs), body, user=user, htmx=htmx)
    assert_no_server_error(submission)
    assert not submission.writes, submission.describe()


# ---------------------------------------------------------------------------
# The mail webhook: without the provider's secret, 403 and nothing written
# ---------------------------------------------------------------------------
def _authorization() -> st.SearchStrategy[dict[str, str]]:
    """No Authorization header, or one carrying anything but the secret (unset here, so no
    token is right; an empty one least of all)."""
    token = st.one_of(st.sampled_from(["", " ", "None", "null"]), nasty_text())
    value = st.one_of(
        token.map(lambda t: f"Bearer {t}"),
        token.map(lambda t: f"Basic {t}"),
        st.sampled_from(["Bearer", "bearer x", "Bearer  ", "Token secret"]),
    )
    return st.one_of(st.just({}), value.map(lambda v: {"Authorization": v}))


@FUZZ
@given(data=st.data())
def test_inbound_email_without_its_secret_refuses_anything(world: World, data: st.DataObject):
    """Whoever posts (signed in or not), whatever the body (a form, or a raw RFC 822 mail as
    the body) and whatever the Authorization header: 403, and nothing written."""
    url = reverse("notifications:inbound_email")
    user = data.draw(st.sampled_from([None, world.home.mentee]), label="user")
    headers = {
        k: v.encode("latin-1", "replace").decode("latin-1")  # what a header can carry
        for k, v in data.draw(_authorization(), label="headers").items()
    }
    if data.draw(st.booleans(), label="raw mail"):
        body: Any = data.draw(nasty_text(), label="mail").encode("utf-8", "surrogatepass")
        submission = submit(url, body, user=user, headers=headers, content_type="message/rfc822")
    else:
        submission = submit(url, data.draw(_junk(), label="body"), user=user, headers=headers)
    assert_no_server_error(submission)
    assert submission.status == 403, submission.describe()
    assert not submission.writes, submission.describe()


# ---------------------------------------------------------------------------
# Django's admin, as a superuser
# ---------------------------------------------------------------------------
def _admin_urls() -> list[tuple[str, str]]:
    """Each admin URL, with the model its name belongs to (``app_model_view``), if any."""
    found = []
    for key in every_url():
        if not key.startswith("admin:"):
            continue
        found.append((key, key.removeprefix("admin:")))
    return found


def _admin_url(key: str) -> str | None:
    view = key.removeprefix("admin:")
    if view in ("app_list",):
        return reverse(key, kwargs={"app_label": "programs"})
    if view in ("view_on_site", "autocomplete", "jsi18n", "logout"):
        return None  # no form (and logout would end the session the sweep posts with)
    if view == "auth_user_password_change":
        return reverse(key, kwargs={"id": User.objects.order_by("pk").first().pk})
    for model in apps.get_models():
        meta = model._meta
        prefix = f"{meta.app_label}_{meta.model_name}_"
        if view.startswith(prefix):
            if view.endswith(("_change", "_delete", "_history")):
                row = model._default_manager.order_by("pk").first()
                return reverse(key, kwargs={"object_id": row.pk if row else 1})
            return reverse(key)
    return reverse(key)


# One example is one admin URL: three times as many examples as a page gets.
@settings(FUZZ, max_examples=3 * FUZZ.max_examples)
@given(data=st.data())
def test_admin_survives_junk(world: World, data: st.DataObject):
    superuser: User = world.__dict__.get("superuser") or UserFactory(
        is_staff=True, is_superuser=True
    )
    world.__dict__["superuser"] = superuser
    urls = sorted({url for key, _ in _admin_urls() if (url := _admin_url(key))})
    url = data.draw(st.sampled_from(urls), label="url")
    body = data.draw(
        st.one_of(
            _junk(),
            st.just({"post": ["yes"]}),  # a delete's confirmation
            st.just({"action": ["delete_selected"], "_selected_action": ["1", "9" * 30]}),
        ),
        label="body",
    )
    assert_safe(submit(url, body, user=superuser))
