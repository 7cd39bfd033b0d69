"""Every URL of the project has its bad-input test: the resolver's list is checked against the
tables here, so that a new URL without one fails. Pages that only read get junk posted at them
(nothing may be written, whatever the answer); Django's admin gets junk from a superuser.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given, settings
from hypothesis import strategies as st

from accounts.models import User
from identity.models import ScimToken, SsoProvider
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
from tests.fuzz.strategies import (
    EMAILS,
    FUZZ,
    IDS,
    NASTY_STRINGS,
    NUMBERS,
    TIME_ZONES,
    WORDS,
    nasty_text,
)
from tests.fuzz.submission import (
    Submission,
    assert_no_server_error,
    assert_safe,
    client_for,
    submit,
)
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


def _sso_of(kind: str) -> str:
    """The organization whose single sign-on is of ``kind`` (world.py: Home's OpenID Connect,
    Away's SAML)."""
    return SsoProvider.objects.get(kind=kind).organization.slug


def _oidc(side: Side) -> dict[str, Any]:
    return {"provider_id": _sso_of(SsoProvider.Kind.OIDC)}


def _saml(side: Side) -> dict[str, Any]:
    return {"organization_slug": _sso_of(SsoProvider.Kind.SAML)}


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
    # Single sign-on: starting it, allauth's pages around it, and the callbacks without the
    # provider's answer (Home's organization: OpenID Connect, down; Away's: SAML).
    Page("identity:sso_start", None),
    Page("identity:oidc_login", None, _oidc),
    Page("openid_connect_login", None, _oidc),
    Page("openid_connect_callback", None, _oidc),
    Page("identity:saml_login", None, _saml),
    Page("saml_login", None, _saml),
    Page("saml_finish_acs", None, _saml),
    Page("identity:saml_finish_acs", None, _saml),
    Page("saml_sls", None, _saml),
    Page("saml_metadata", None, _saml),
    Page("socialaccount_connections", "mentee"),
    Page("socialaccount_login_cancelled", None),
    Page("socialaccount_login_error", "mentee"),
    Page("socialaccount_signup", None),
    Page("accounts/social/connections/", "mentee"),
    Page("accounts/social/login/cancelled/", "mentee"),
    Page("accounts/social/login/error/", "mentee"),
    Page("accounts/social/signup/", "mentee"),
    Page("api:schema", None),
    Page("api:docs", None),
]

# Covered elsewhere, or not at all, and why.
ELSEWHERE = {
    "identity:scim": "test_scim_*_token_* below: any method, path, header and body",
    "identity:scim_root": "test_scim_*_token_* below (the empty path)",
    "saml_acs": "test_saml_acs_refuses_any_response below: SAML responses that are not right",
    # Fuzzing it would send requests to whatever hosts it made up; its refusals are tested
    # against a real server and unreachable addresses instead.
    "meetings:calendar_connect": "tests/meetings/test_calendar_sync.py and test_calendar_page",
    "programs:import": "test_csv_import.py: the file upload, with malformed files",
    "accounts:photo": "tests/accounts/test_photos.py: uploads that are not photos, bombs, fakes",
    # The API takes a token, not a session; Schemathesis generates its bad input from the
    # schema (wrong types, formats, unknown parameters, other methods) with each role's token.
    **{
        f"api:{name}-{kind}": "tests/api/test_schema.py: Schemathesis, every role's token"
        for name in ("program", "participant", "mentorship", "request", "meeting", "goal", "audit")
        for kind in ("list", "detail")
    },
    "api:checkin-figures-detail": "tests/api/test_schema.py: Schemathesis, every role's token",
    "api:goal-figures-detail": "tests/api/test_schema.py: Schemathesis, every role's token",
    **{
        f"api:invitation-{kind}": "tests/api/test_schema.py: Schemathesis, every role's token"
        for kind in ("list", "detail", "resend", "revoke")
    },
    "api:not_found": "tests/api/test_schema.py: any address under /api/ Schemathesis makes up",
    "api:token_revoke": "its only input is the id: tests/api/test_tokens.py (others', unknown)",
    **{
        name: "its only input is the ids: tests/api/test_webhooks.py, the matrix (others')"
        for name in (
            "api:webhook",
            "api:webhook_rotate",
            "api:webhook_enable",
            "api:webhook_delete",
            "api:delivery_replay",
            "api:integration_revoke",
        )
    },
    "api:oauth_token": "django-oauth-toolkit's token endpoint: tests/api/test_integrations.py "
    "(wrong secrets, scopes not given, revoked clients)",
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
# SCIM (/scim/v2/): without the organization's bearer token, refused and nothing written
# (a session counts for nothing); with it, junk never breaks it and a refusal writes nothing
# ---------------------------------------------------------------------------
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
SCIM_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
SCIM_PATHS = [
    "",
    "Users",
    "Groups",
    ".search",
    "Users/.search",
    "Me",
    "Bulk",
    "ResourceTypes",
    "ResourceTypes/User",
    "Schemas",
    f"Schemas/{USER}",
    "ServiceProviderConfig",
    "ServiceProviderConfig.scim",
    "v2/Users",
    "Users/",
    "Users/not-a-uuid",
    "Users/00000000-0000-0000-0000-000000000000",
    "Users/" + "9" * 30,
    "Groups/x/y",
    "nope",
]
FILTERS = [
    'userName eq "home.provisioned@example.org"',
    'userName eq "away.provisioned@example.org"',
    'externalId eq "Home-1"',
    'displayName eq "Home mentees"',
    'emails[type eq "work" and value co "@"]',
    'name.familyName sw "A"',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    "active eq true",
    "title pr",
    'userName eq "a" or not (title pr)',
    'members[value eq "x"]',
    "userName eq 1",
    "userName eq",
    'userName xx "a"',
    "(",
    '"',
    "[",
    "emails[",
    "x" * 5000,
]
PATCH_PATHS = [
    "active",
    "userName",
    "emails",
    'emails[type eq "work"].value',
    "name.givenName",
    f"{ENTERPRISE}:department",
    "members",
    'members[value eq "x"]',
    "displayName",
    "id",
    "meta.version",
    "",
]


def _text(junk: bool = True) -> st.SearchStrategy[str]:
    words = st.sampled_from(WORDS)
    return st.one_of(words, nasty_text()) if junk else words


def _json() -> st.SearchStrategy[Any]:
    """Any JSON value, of SCIM's keys or not."""
    keys = st.one_of(
        st.sampled_from(["schemas", "id", "value", "op", "path", "Operations", "userName"]),
        _text(),
    )
    return st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=8,
    )


def _emails(world: World, junk: bool = True) -> st.SearchStrategy[str]:
    """An address: a new one, the provisioned person's, someone's who has an account here or
    in the other organization; or (junk) not an address at all."""
    known = [
        world.home.scim_user.user_name,
        world.away.scim_user.user_name,
        world.home.mentee.email,
        world.home.leaver.email,
    ]
    plausible = st.one_of(
        st.integers(0, 10**6).map(lambda n: f"hire{n}@example.org"), st.sampled_from(known)
    )
    return st.one_of(plausible, st.sampled_from(EMAILS), nasty_text()) if junk else plausible


def _scim_ids(world: World, junk: bool = True) -> st.SearchStrategy[str]:
    home, away = world.home, world.away
    plausible = st.sampled_from([str(home.scim_user.scim_id), str(away.scim_user.scim_id)])
    return st.one_of(plausible, st.sampled_from(IDS), nasty_text()) if junk else plausible


def _scim_user(world: World, junk: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A User resource: each field plausible, or (junk) anything of its kind or not."""
    email, text = _emails(world, junk), _text(junk)
    flag = st.one_of(st.booleans(), _json()) if junk else st.booleans()
    schemas = [[USER], [USER, ENTERPRISE]] + ([[], ["urn:x"], [GROUP]] if junk else [])
    zones = [*TIME_ZONES, "Europe/Berlin"] if junk else ["Europe/Berlin", "America/New_York"]
    extra = {"id": _scim_ids(world), "meta": _json(), "groups": _json()} if junk else {}
    return st.fixed_dictionaries(
        {"schemas": st.sampled_from(schemas), **({} if junk else {"userName": email})},
        optional={
            **({"userName": email} if junk else {}),
            "name": st.fixed_dictionaries(
                {}, optional={"formatted": text, "givenName": text, "familyName": text}
            ),
            "displayName": text,
            "emails": st.lists(
                st.fixed_dictionaries(
                    {"value": email}, optional={"primary": flag, "type": st.just("work")}
                ),
                max_size=3,
            ),
            "active": flag,
            "timezone": st.one_of(st.sampled_from(zones), nasty_text())
            if junk
            else st.sampled_from(zones),
            "title": text,
            "externalId": text,
            ENTERPRISE: st.fixed_dictionaries({}, optional={"department": text}),
            **extra,
        },
    )


def _scim_group(world: World, junk: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A Group resource: the mapped group's name (its members join the program) or another."""
    names = st.one_of(
        st.sampled_from([world.home.mapping.group_name, world.home.scim_group.display_name]),
        _text(junk),
    )
    member = st.fixed_dictionaries({"value": _scim_ids(world, junk)})
    members = st.one_of(st.lists(member, max_size=4), _json()) if junk else st.lists(member)
    return st.fixed_dictionaries(
        {
            "schemas": st.sampled_from([[GROUP], [], [USER]] if junk else [[GROUP]]),
            **({} if junk else {"displayName": names}),
        },
        optional={
            **({"displayName": names} if junk else {}),
            "members": members,
            "externalId": _text(junk),
        },
    )


def _scim_patch(world: World, junk: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A PatchOp: what a provider patches (active, a name, the members), or anything."""
    home = world.home
    plausible = st.sampled_from(
        [
            {"op": "replace", "value": {"active": False}},
            {"op": "replace", "path": "active", "value": True},
            {"op": "replace", "path": "active", "value": "False"},  # Entra ID sends strings
            {"op": "replace", "path": "displayName", "value": home.mapping.group_name},
            {"op": "add", "path": "members", "value": [{"value": str(home.scim_user.scim_id)}]},
            {"op": "remove", "path": "members"},
            {"op": "replace", "path": "name.givenName", "value": "Ada"},
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Finance"},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "a@example.org"},
        ]
    )
    operation = plausible
    if junk:
        operation = st.one_of(
            plausible,
            st.fixed_dictionaries(
                {"op": st.one_of(st.sampled_from(["add", "replace", "remove", "copy"]), _text())},
                optional={
                    "path": st.one_of(st.sampled_from(PATCH_PATHS), _text()),
                    "value": st.one_of(_json(), _scim_user(world), _scim_group(world)),
                },
            ),
        )
    return st.fixed_dictionaries(
        {
            "schemas": st.sampled_from([[PATCH_OP], [], [USER]] if junk else [[PATCH_OP]]),
            "Operations": st.one_of(st.lists(operation, max_size=3), _json())
            if junk
            else st.lists(operation, min_size=1, max_size=3),
        }
    )


def _filters() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(FILTERS), nasty_text())


def _numbers() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70))


def _scim_search(junk: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    if not junk:
        return st.fixed_dictionaries(
            {"schemas": st.just([SEARCH])},
            optional={
                "filter": st.sampled_from(FILTERS[:10]),
                "startIndex": st.integers(1, 5),
                "count": st.integers(0, 300),
                "sortBy": st.sampled_from(["userName", "meta.created", "displayName"]),
            },
        )
    return st.fixed_dictionaries(
        {"schemas": st.sampled_from([[SEARCH], []])},
        optional={
            "filter": _filters(),
            "startIndex": _numbers(),
            "count": _numbers(),
            "sortBy": st.one_of(st.sampled_from(["userName", "meta.created", "x"]), _text()),
            "sortOrder": st.one_of(st.sampled_from(["ascending", "descending"]), _text()),
            "attributes": st.one_of(st.lists(_text(), max_size=2), _json()),
        },
    )


def _either(make: Callable[[bool], st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Plausible two times in three (the success path runs), else junk."""
    return st.one_of(make(False), make(False), make(True))


def _scim_body(world: World) -> st.SearchStrategy[bytes]:
    """A resource, a patch, a search, any JSON, or bytes that are no JSON (or no UTF-8)."""
    resource = st.one_of(
        _scim_user(world), _scim_group(world), _scim_patch(world), _scim_search(), _json()
    )
    return st.one_of(
        resource.map(lambda r: json.dumps(r).encode()),
        resource.map(lambda r: json.dumps(r).encode()),
        resource.map(lambda r: json.dumps(r).encode()),
        nasty_text().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from([b"", b"\xff\xfe{", b"{" * 300_000, b"[]", b"null", b'{"schemas": 1}']),
    )


def _scim_query() -> st.SearchStrategy[str]:
    keys = st.sampled_from(
        ["filter", "attributes", "excludedAttributes", "count", "startIndex", "sortBy", "sortOrder"]
    )
    values = st.one_of(_filters(), st.sampled_from(NUMBERS), nasty_text())
    return st.dictionaries(keys, values, max_size=3).map(lambda q: "?" + urlencode(q) if q else "")


def _scim_path(world: World) -> st.SearchStrategy[str]:
    home, away = world.home, world.away
    known = [
        *SCIM_PATHS,
        f"Users/{home.scim_user.scim_id}",
        f"Groups/{home.scim_group.scim_id}",
        f"Users/{away.scim_user.scim_id}",  # another organization's: never found
        f"Groups/{away.scim_group.scim_id}",
    ]
    return st.one_of(st.sampled_from(known), st.sampled_from(known), nasty_text())


def _scim_headers(world: World) -> st.SearchStrategy[dict[str, str]]:
    """A content type and an ETag precondition, or neither."""
    return st.fixed_dictionaries(
        {},
        optional={
            "If-Match": st.one_of(st.sampled_from(['W/"1"', 'W/"2"', "*", '"1"', ""]), _text()),
            "If-None-Match": st.sampled_from(['W/"1"', "*"]),
            "Accept": st.sampled_from(["application/scim+json", "text/html", "*/*"]),
        },
    )


def _latin1(headers: dict[str, str]) -> dict[str, str]:
    return {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in headers.items()}


def _scim_operation(world: World) -> st.SearchStrategy[tuple[str, str, bytes]]:
    """What an identity provider does (a method, a path and a body of its kind, the fields of
    which may still be junk) two times in three; else any method, path and body together."""
    person = f"Users/{world.home.scim_user.scim_id}"
    group = f"Groups/{world.home.scim_group.scim_id}"

    def sent(resource: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
        return resource.map(lambda r: json.dumps(r).encode())

    searches = [".search", "Users/.search", "Groups/.search"]
    user = _either(lambda junk: _scim_user(world, junk))
    team = _either(lambda junk: _scim_group(world, junk))
    patch = _either(lambda junk: _scim_patch(world, junk))
    plausible = st.one_of(
        st.tuples(st.just("POST"), st.just("Users"), sent(user)),
        st.tuples(st.just("POST"), st.just("Groups"), sent(team)),
        st.tuples(st.just("POST"), st.sampled_from(searches), sent(_either(_scim_search))),
        st.tuples(st.just("PUT"), st.just(person), sent(user)),
        st.tuples(st.just("PUT"), st.just(group), sent(team)),
        st.tuples(st.just("PATCH"), st.sampled_from([person, group]), sent(patch)),
        st.tuples(st.just("DELETE"), st.sampled_from([person, group]), st.just(b"")),
        st.tuples(st.just("GET"), _scim_path(world), st.just(b"")),
    )
    anything = st.tuples(st.sampled_from(SCIM_METHODS), _scim_path(world), _scim_body(world))
    return st.one_of(plausible, plausible, anything)


def _scim_request(world: World, data: st.DataObject) -> tuple[str, str, bytes, str, dict]:
    cache = world.__dict__.setdefault("strategies", {})
    if "scim" not in cache:
        cache["scim"] = st.tuples(
            _scim_operation(world),
            _scim_query(),
            st.sampled_from(["application/scim+json"] * 3 + ["application/json", "text/plain", ""]),
            _scim_headers(world),
        )
    (method, path, body), query, content_type, headers = data.draw(cache["scim"], label="request")
    url = "/scim/v2/" + quote(path, safe="/.") + query
    return method, url, body, content_type, headers


def _scim_refused(submission: Submission) -> str:
    content = getattr(submission.response, "content", b"")[:300]
    return f"{submission.describe()}\n  answer: {content!r}"


def _no_scim_crash(submission: Submission) -> bool:
    """No server error (the SCIM library answers 500 itself to an exception of ours, which
    ``submit`` reads from its log); RFC 7644's "not implemented" (501: /Me, which no token's
    person has) is an answer, not a failure. False for a known bug's crash (``known_bugs.py``:
    its regression test pins it), after which nothing else is judged."""
    if submission.status == 501 and not submission.error:
        detail = json.loads(submission.response.content)["detail"]
        assert "not supported" in detail, _scim_refused(submission)
        event("501 not supported")
        return True
    assert_no_server_error(submission)
    return not submission.server_error


@FUZZ
@given(data=st.data())
def test_scim_without_its_token_refuses_anything(world: World, data: st.DataObject):
    """Signed in or not, whatever the Authorization header (none of them the token: a revoked
    one, another scheme, the token cut short, junk), the method, the path and the body: 401
    (405 for a method the path never takes), nothing written. Only the discovery document
    (/ServiceProviderConfig) is read without a token; an address the library has no endpoint
    at is 404 to anyone."""
    home = world.home
    near = [
        f"Basic {home.scim_raw}",
        home.scim_raw,
        f"Bearer {home.scim_raw[:-1]}",
        f"Bearer {home.scim_raw}x",
        f"Bearer  {home.scim_raw.upper()}",
        f"Bearer {home.scim_raw[7:]}",
    ]
    authorization = st.one_of(
        _authorization(), st.sampled_from(near).map(lambda v: {"Authorization": v})
    )
    method, url, body, content_type, headers = _scim_request(world, data)
    headers = _latin1({**headers, **data.draw(authorization, label="authorization")})
    user = data.draw(st.sampled_from([None, home.mentee, home.admin]), label="user")
    submission = submit(
        url, body, user=user, headers=headers, content_type=content_type, method=method
    )
    event(str(submission.status))
    if not _no_scim_crash(submission):
        return
    discovery = "ServiceProviderConfig" in url.split("?")[0] and method == "GET"
    # The library routes before it asks for the token: a path it has no endpoint at answers
    # 404, a method the path never takes 405, to anybody alike.
    allowed = {200, 401, 404, 405} if discovery else {401, 404, 405}
    assert submission.status in allowed, _scim_refused(submission)
    assert not submission.writes, _scim_refused(submission)


@FUZZ
@given(data=st.data())
def test_scim_with_its_token_survives_junk(world: World, data: st.DataObject):
    """The home organization's own token, any method, path, query and body: no server
    error; a refusal writes nothing; the other organization's people and groups are not
    found."""
    home = world.home
    # The token's "last used" is written at most once a minute: now, so a refusal writes none.
    ScimToken.objects.filter(pk=home.scim_token.pk).update(last_used_at=timezone.now())
    method, url, body, content_type, headers = _scim_request(world, data)
    headers = _latin1({**headers, "Authorization": f"Bearer {home.scim_raw}"})
    user = data.draw(st.sampled_from([None, home.mentee]), label="user")
    submission = submit(
        url, body, user=user, headers=headers, content_type=content_type, method=method
    )
    event(f"{method} {submission.status}")
    if not _no_scim_crash(submission):
        return
    if submission.status >= 400:
        assert not submission.writes, _scim_refused(submission)
    away = world.away
    if str(away.scim_user.scim_id) in url or str(away.scim_group.scim_id) in url:
        assert 400 <= submission.status < 500, _scim_refused(submission)
        assert not submission.writes, _scim_refused(submission)


# ---------------------------------------------------------------------------
# Single sign-on: SAML responses that are not right, and the email-first address
# ---------------------------------------------------------------------------
SAML_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
HOSTILE_XML = [
    # An external entity, a billion laughs, a comment that splits the NameID, no signature.
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;">]><l>&c;&c;&c;</l>',
    f'<samlp:Response xmlns:samlp="{SAML_PROTOCOL}" xmlns:saml="{SAML_ASSERTION}" ID="_1" '
    'Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Assertion ID="_2" Version="2.0" '
    'IssueInstant="2026-01-01T00:00:00Z"><saml:Subject><saml:NameID>'
    "admin@away-sso.example<!---->.evil</saml:NameID></saml:Subject></saml:Assertion>"
    "</samlp:Response>",
    f'<samlp:Response xmlns:samlp="{SAML_PROTOCOL}"/>',
    "<",
    "",
]


def _saml_response() -> st.SearchStrategy[str]:
    """What arrives as SAMLResponse: base64 of hostile XML, of any text, or no base64 at all."""
    xml = st.one_of(st.sampled_from(HOSTILE_XML), nasty_text())
    encoded = xml.map(lambda x: base64.b64encode(x.encode("utf-8", "surrogatepass")).decode())
    deflated = xml.map(
        lambda x: base64.b64encode(zlib.compress(x.encode("utf-8", "surrogatepass"))[2:-4]).decode()
    )
    return st.one_of(encoded, deflated, nasty_text())


@FUZZ
@given(data=st.data())
def test_saml_acs_refuses_any_response(world: World, data: st.DataObject):
    """The assertion consumer of Away's organization, posted what no identity provider signed
    (signed in or not, with or without a RelayState): never a server error, nobody signed in or
    made, nothing written."""
    url = reverse("saml_acs", kwargs={"organization_slug": _sso_of(SsoProvider.Kind.SAML)})
    body = {"SAMLResponse": data.draw(_saml_response(), label="SAMLResponse")}
    if data.draw(st.booleans(), label="relay"):
        body["RelayState"] = data.draw(nasty_text(), label="RelayState")
    user = data.draw(st.sampled_from([None, world.away.mentee]), label="user")
    submission = submit(url, body, user=user)
    assert_no_server_error(submission)
    assert not submission.writes, submission.describe()
    if submission.location:  # allauth finishes on its own address: that refuses it too
        finish = submit(submission.location, b"", user=user, method="GET")
        assert_no_server_error(finish)
        assert finish.status in (302, 400, 401, 403), finish.describe()
        assert not finish.writes, finish.describe()


@FUZZ
@given(data=st.data())
def test_sso_start_with_any_address_goes_to_a_sign_in(world: World, data: st.DataObject):
    """Email first, with anything typed as the address (and any ``next``): a redirect to the
    password sign-in or to the organization's provider, and nowhere else."""
    email = data.draw(
        st.one_of(
            nasty_text(),
            st.sampled_from(["x@home-sso.example", "x@HOME-SSO.example", "x@away-sso.example"]),
            st.sampled_from(EMAILS),
        ),
        label="email",
    )
    query = {"email": email, "next": data.draw(nasty_text(), label="next")}
    response = client_for(None).get(f"{reverse('identity:sso_start')}?{urlencode(query)}")
    assert response.status_code == 302, response.status_code
    where = urlsplit(response["Location"])
    assert not where.netloc, response["Location"]  # never off-site from here
    assert where.path in (
        reverse("account_login"),
        reverse("identity:oidc_login", kwargs={"provider_id": _sso_of(SsoProvider.Kind.OIDC)}),
        reverse("identity:saml_login", kwargs={"organization_slug": _sso_of("saml")}),
    ), response["Location"]


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
