"""The security claims of DESIGN.md, checked: CSP, cookies, login throttling, no enumeration.

`check --deploy` in production mode is not repeated here: it already runs in a subprocess
with the production environment in tests/mentorship/test_settings.py
(test_production_passes_check_deploy_without_warnings, with --fail-level WARNING).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from matching.models import MatchingRound, Mentorship, MentorshipRequest
from meetings.models import Meeting
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.helpers import GOOD_SECRET_KEY, manage_py

pytestmark = pytest.mark.django_db

COOKIE_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


# ---------------------------------------------------------------------------
# Content Security Policy, and pages that keep to it
# ---------------------------------------------------------------------------
def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_csp_allows_scripts_and_styles_only_from_the_site(client):
    anonymous = [client.get(reverse("landing")), client.get(reverse("account_login"))]
    client.force_login(UserFactory())
    for response in [*anonymous, client.get(reverse("home"))]:
        assert response.status_code == 200, response.request["PATH_INFO"]
        directives = csp_directives(response.headers["Content-Security-Policy"])
        # No inline scripts, no eval, nothing off-site; styles the same (so no style="" either).
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]


class InlineCodeFinder(HTMLParser):
    """What the CSP would block in a page: inline scripts, on* handlers, style="", javascript:."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        # A JSON data block (json_script) is not run, so the CSP leaves it alone.
        if tag == "script" and not names.get("src") and "json" not in (names.get("type") or ""):
            self._in_inline_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}</script>")


SEEKER = "mentee30@example.com"  # a demo mentee with goals and no mentor yet
PARTICIPANT_PAGES = [
    "/home/",
    "/programs/",
    "/programs/demo/",
    "/goals/",
    "/requests/",
    "/mentorships/",
    "/meetings/",
    "/checkins/",
    "/notifications/",
    "/notifications/settings/",
    "/accounts/profile/",
    "/calendar/",
]


def pages_for(email: str) -> list[str]:
    """The main pages of one demo person, with their own mentorship, meeting and request."""
    if email == "":
        return ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    if email == SEEKER:
        # Finding a mentor: the directory, a mentor's page, the request form.
        mentor = User.objects.get(email="mentor2@example.com")
        seat = mentor.participations.get(program__slug="demo")
        return [
            "/goals/",
            "/programs/demo/mentors/",
            f"/programs/demo/people/{mentor.pk}/",
            f"/programs/demo/mentors/{seat.pk}/request/",
        ]
    user = User.objects.get(email=email)
    if email == "admin@example.com":
        round_ = MatchingRound.objects.filter(program__slug="demo").order_by("pk").first()
        assert round_ is not None
        return [
            *PARTICIPANT_PAGES,
            "/programs/demo/manage/",
            f"/programs/demo/matching/{round_.pk}/",
        ]
    mentorship = (
        Mentorship.objects.filter(mentee__user=user) | Mentorship.objects.filter(mentor__user=user)
    ).first()
    meeting = Meeting.objects.filter(mentorship=mentorship).first()
    request = (
        MentorshipRequest.objects.filter(mentee__user=user)
        | MentorshipRequest.objects.filter(mentor__user=user)
    ).first()
    assert mentorship and meeting and request, email
    return [
        *PARTICIPANT_PAGES,
        f"/mentorships/{mentorship.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/requests/{request.pk}/",
    ]


ADMIN_TAB = re.compile(r'<a class="nav-link[^"]*"(?:\s+aria-current="page")?\s+href="([^"]+)"')


@pytest.mark.parametrize(
    "email", ["", "mentee1@example.com", SEEKER, "mentor1@example.com", "admin@example.com"]
)
def test_main_pages_have_no_inline_scripts_handlers_or_styles(demo_module, client, email):
    if email:
        client.force_login(User.objects.get(email=email))
    pages = pages_for(email)
    if email == "admin@example.com":
        # Every tab of the admin area (dashboard, exports, summary, matching, ...).
        manage = client.get("/programs/demo/manage/").content.decode()
        tabs = [tab for tab in ADMIN_TAB.findall(manage) if tab.startswith("/programs/demo/")]
        assert "/programs/demo/dashboard/" in tabs and "/programs/demo/summary/" in tabs, tabs
        pages += tabs
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        finder = InlineCodeFinder()
        finder.feed(response.content.decode())
        if finder.found:
            found[url] = finder.found
    assert found == {}


# ---------------------------------------------------------------------------
# Cookies
# ---------------------------------------------------------------------------
def production_cookie_settings() -> dict[str, object]:
    """The cookie settings Django ends up with in production mode (a fresh process)."""
    result = manage_py(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {COOKIE_SETTINGS!r}}}))",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET_KEY,
        ALLOWED_HOSTS="twoway.example.com",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_same_site():
    cookies = production_cookie_settings()
    assert cookies["SESSION_COOKIE_SECURE"] is True
    assert cookies["CSRF_COOKIE_SECURE"] is True
    assert cookies["SESSION_COOKIE_HTTPONLY"] is True
    assert cookies["CSRF_COOKIE_HTTPONLY"] is True
    assert cookies["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert cookies["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}


def test_login_sets_cookies_with_the_production_flags():
    # The flags production ends up with, applied here, then a real login over https.
    with override_settings(**production_cookie_settings()):
        user = UserFactory(email="cookie@example.org")
        client = Client()
        form = client.get(reverse("account_login"), secure=True)
        csrf = form.cookies["csrftoken"].output()
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": TEST_PASSWORD},
            secure=True,
        )
    assert response.status_code == 302
    session = response.cookies["sessionid"].output()
    for header in (session, csrf):
        assert "HttpOnly" in header, header
        assert re.search(r"SameSite=(Lax|Strict)", header), header
        assert "Secure" in header, header


# ---------------------------------------------------------------------------
# Throttling
# ---------------------------------------------------------------------------
def test_five_wrong_passwords_then_even_the_right_one_is_refused(client):
    # ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key": five misses per address.
    user = UserFactory(email="target@example.org")
    for _ in range(5):
        wrong = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
        assert "Too many failed login attempts" not in wrong.content.decode()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_across_many_addresses_from_one_ip_is_throttled(client):
    # The per-IP half of the same limit: ten misses a minute, whichever accounts they aim at.
    for number in range(10):
        client.post(
            reverse("account_login"), {"login": f"guess{number}@example.org", "password": "nope"}
        )
    user = UserFactory(email="untouched@example.org")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_for_one_address_is_throttled(client):
    # ACCOUNT_RATE_LIMITS["reset_password"] = "20/m/ip,5/m/key".
    UserFactory(email="reset@example.org")
    for _ in range(5):
        ok = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
        assert ok.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


# ---------------------------------------------------------------------------
# No account enumeration
# ---------------------------------------------------------------------------
CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def page_text(client: Client, url: str, email: str) -> str:
    """The page at `url`, with the email and the per-session CSRF tokens blanked."""
    html = client.get(url).content.decode()
    return CSRF_TOKEN.sub(r"\1TOKEN", html).replace(email, "EMAIL")


def test_sign_up_answers_the_same_for_a_known_and_an_unknown_email():
    UserFactory(email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()  # a fresh visitor each time
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Sam Probe",
                "email": email,
                "time_zone": "UTC",
                "password1": "a long and unusual passphrase 93",
                "password2": "a long and unusual passphrase 93",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        answers[email] = (
            response.status_code,
            response.url,
            page_text(client, response.url, email),
        )
    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][1] == reverse("account_email_verification_sent")
    # The difference is only in the mailbox of the address's owner.
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.org", "unknown@example.org"]
    assert User.objects.filter(email="known@example.org").count() == 1


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_email():
    UserFactory(email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
        answers[email] = (
            response.status_code,
            response.url,
            page_text(client, response.url, email),
        )
    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][1] == reverse("account_reset_password_done")
