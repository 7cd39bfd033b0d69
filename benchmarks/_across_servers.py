"""What load.py checks when it runs two or more app servers: that none of them keeps state the
others need. Each check talks to the servers directly (not through the balancer), one after the
other, as a browser would if the balancer sent its next request elsewhere:

- sessions: one person's session cookie signs them in on every server;
- uploads: a file sent in a conversation through one server downloads, the same bytes, through
  another (each server has its own local folder; the files are in the shared S3 bucket);
- rate limits: an API token's limit counts its requests on all servers together;
- kept rankings: a directory ranking kept by one server is read, not worked out again, by
  another; a write through the other forgets it for both;
- the reminder ledger: the servers' workers drain it, each row sent once.

Not a benchmark itself (`make bench` skips files starting with an underscore).
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import Any

from urllib3 import encode_multipart_formdata

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

Check = tuple[str, bool, str]  # what, held, the evidence


class _Loopback(DefaultCookiePolicy):
    """Secure cookies over plain HTTP on loopback, as a browser behind a TLS proxy sends them."""

    def return_ok_secure(self, cookie: Cookie, request: Any) -> bool:
        return True


class Browser:
    """One person's cookies, sent to whichever server a request goes to (cookies are per host,
    not per port, so every server on 127.0.0.1 gets them, as behind one balancer)."""

    def __init__(self, session: str) -> None:
        self.jar = CookieJar(policy=_Loopback())
        self.jar.set_cookie(
            Cookie(
                0,
                "sessionid",
                session,
                None,
                False,
                "127.0.0.1",
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )  # fmt: skip
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(url, headers=headers or {}))  # noqa: S310

    def post(
        self, url: str, fields: dict[str, Any], referer: str, *, multipart: bool = False
    ) -> tuple[int, bytes]:
        if multipart:
            body, kind = encode_multipart_formdata(fields)
        else:
            body, kind = (
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        request = urllib.request.Request(  # noqa: S310 (loopback)
            url, data=body, headers={"Content-Type": kind, "Referer": referer}, method="POST"
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def accept_one(base: str, mentors: list[dict[str, Any]], mentorships: Callable[[], int]) -> bool:
    """A mentor of the plan accepts one of their open requests through ``base`` (the first that
    can: some were answered in the journeys, some mentors are full); whether one was."""
    for mentor in mentors:
        browser = Browser(mentor["session"])
        for pk in mentor["requests"]:
            page = f"{base}/requests/{pk}/"
            status, html = browser.get(page)
            text = html.decode()
            token = CSRF.search(text)
            if status != 200 or not token or f'action="/requests/{pk}/accept/"' not in text:
                continue
            before = mentorships()
            browser.post(
                f"{base}/requests/{pk}/accept/", {"csrfmiddlewaretoken": token.group(1)}, page
            )
            if mentorships() > before:
                return True
    return False


def check_sessions(servers: dict[str, str], session: str) -> Check:
    browser = Browser(session)
    statuses = {name: browser.get(base + "/notifications/")[0] for name, base in servers.items()}
    return (
        "sessions: one sign-in holds on every server",
        set(statuses.values()) == {200},
        ", ".join(f"{name} {status}" for name, status in statuses.items()),
    )


def check_uploads(
    servers: dict[str, str], session: str, mentorship: int, bucket_keys: Callable[[], list[str]]
) -> Check:
    (first, via), (second, back) = list(servers.items())[:2]
    browser = Browser(session)
    page = f"/mentorships/{mentorship}/messages/"
    status, html = browser.get(via + page)
    token = CSRF.search(html.decode())
    if status != 200 or not token:
        return ("uploads", False, f"the conversation answered {status} on {first}")
    name = f"across-{secrets.token_hex(4)}.pdf"
    content = PDF.replace(b"<<>> endobj", f"<< /Note ({name}) >> endobj".encode())
    status, _ = browser.post(
        via + page,
        {
            "csrfmiddlewaretoken": token.group(1),
            "text": "A file sent through one server",
            "attachments": (name, content, "application/pdf"),
        },
        referer=via + page,
        multipart=True,
    )
    if status != 302:
        return ("uploads", False, f"sending the file through {first} answered {status}")
    _, html = browser.get(back + page)
    link = re.search(rf'href="(/attachments/\d+/)"[^>]*>\s*{re.escape(name)}', html.decode())
    if not link:
        return ("uploads", False, f"{second}'s conversation page does not list {name}")
    status, downloaded = browser.get(back + link.group(1))
    stored = [key for key in bucket_keys() if name in key]
    return (
        "uploads: a file sent through one server downloads through another",
        status == 200 and downloaded == content and bool(stored),
        f"sent through {first}, downloaded through {second}: {status}, "
        f"{'the same bytes' if downloaded == content else 'different bytes'}; "
        f"in the bucket as {stored[0] if stored else 'nothing'}",
    )


def check_rate_limit(servers: dict[str, str], api_key: str, limit: int) -> Check:
    """Alternate the servers with one fresh token until it is refused: the refusal must come
    after ``limit`` requests in all, not ``limit`` per server."""
    bases = list(servers.values())
    browser = Browser("")
    headers = {"Authorization": f"Bearer {api_key}"}
    answered = 0
    for number in range(2 * limit + 2):
        status, _ = browser.get(bases[number % len(bases)] + "/api/v1/programs/", headers)
        if status == 429:
            break
        if status != 200:
            return ("rate limits", False, f"request {number + 1} answered {status}")
        answered += 1
    return (
        "rate limits: an API token's limit counts all servers together",
        answered == limit,
        f"{answered} requests answered across {len(bases)} servers before 429 (limit {limit})",
    )


def check_kept_ranking(
    servers: dict[str, str],
    mentee_session: str,
    slug: str,
    ranking_ttl: Callable[[], int | None],
    accept_through: Callable[[str], bool],
) -> Check:
    """A ranking kept by the first server is read by the second (its time to live goes on
    running down instead of starting again); a write through the second forgets it, and the
    first works out a new one."""
    (first, via), (second, back) = list(servers.items())[:2]
    browser = Browser(mentee_session)
    url = f"/programs/{slug}/mentors/"
    browser.get(via + url)
    kept = ranking_ttl()
    time.sleep(2)
    browser.get(back + url)
    after = ranking_ttl()
    read_not_made = kept is not None and after is not None and after <= kept - 1500
    if not accept_through(back):
        return ("kept rankings", False, f"no request could be accepted through {second}")
    forgotten = ranking_ttl() is None
    browser.get(via + url)
    remade = ranking_ttl()
    return (
        "kept rankings: kept by one server, read by another, forgotten by a write on either",
        read_not_made and forgotten and remade is not None,
        f"kept by {first} ({kept} ms to live), read by {second} 2 s later ({after} ms: "
        f"{'not remade' if read_not_made else 'REMADE'}); after a mentor accepted through {second} "
        f"{'none kept' if forgotten else 'still kept'}; {first} kept a new one ({remade} ms)",
    )
