"""Post one example in a rolled-back savepoint and judge the answer.

The two properties every POST endpoint keeps, whatever it is sent:
1. no server error: the status is below 500 and no exception escapes;
2. a refused submission writes nothing: no table's rows differ after from before
   (``tests/writes.py`` watches the statements the request runs).

A submission counts as refused when the answer is a 4xx, when the view queued an error message
(the small POST views redirect back with one), or when the page it renders shows a bound form
or formset with errors (the form views re-show the form). Views are read to check this holds
for each: a success is a redirect or a page with a success message and no form errors.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import event

from accounts.models import User
from tests.fuzz.known_bugs import known_bug
from tests.helpers import session_key_for
from tests.writes import Change, tables, watch_writes

ROOT = Path(__file__).resolve().parents[2]

# Sessions are the visitor's, not the application's data: a message too long for its cookie is
# kept in the session, and an anonymous visitor gets one, on any answer.
NOT_DATA = {"django_session"}


def _watched() -> dict[str, Any]:
    return tables(exclude=NOT_DATA)


@dataclass
class Submission:
    url: str
    data: Any
    status: int = 0
    refused: bool = False
    error: str = ""  # the traceback's last lines, when the server failed
    crash_site: str = ""  # "ValueError at programs/views.py in program_topics"
    writes: dict[str, Change] = field(default_factory=dict)  # tables changed by the request
    messages: list[str] = field(default_factory=list)
    location: str = ""
    response: Any = None  # the POST's answer, for a test that reads its context

    @property
    def server_error(self) -> bool:
        return bool(self.error) or self.status >= 500

    def describe(self) -> str:
        shown = repr(self.data)
        if len(shown) > 600:
            shown = shown[:600] + f"… ({len(shown)} characters)"
        return (
            f"POST {self.url} -> {self.status} {self.location} {self.crash_site}\n  data: {shown}\n"
            f"  messages: {self.messages}\n  writes: {self.writes}\n{self.error}"
        )


def _bound_errors(value: Any) -> bool:
    """A bound form or formset in the context that has been validated and has errors.

    Only forms the view validated count (``_errors`` is set): asking an unvalidated form for
    its errors would run validation here, in the test, instead of in the view.
    """
    if isinstance(value, forms.BaseFormSet):
        if not value.is_bound or value._errors is None:
            return False
        return bool(value._non_form_errors) or any(_bound_errors(f) for f in value.forms)
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value._errors)
    if isinstance(value, Mapping):
        return any(_bound_errors(v) for v in value.values())
    return False


def _context_has_errors(response: HttpResponse) -> bool:
    contexts = getattr(response, "context", None)
    if contexts is None:
        return False
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for layer in context.dicts if hasattr(context, "dicts") else [context]:
            if any(_bound_errors(value) for value in dict(layer).values()):
                return True
            if layer.get("csv_errors"):
                return True
    return False


def _summary(exc_info: Any) -> str:
    lines = traceback.format_exception(*exc_info)
    return "".join(lines[-6:])


def _crash_site(exc_info: Any) -> str:
    """The exception and the deepest frame of the project's own code that it passed through."""
    kind, exc, tb = exc_info
    site = "?"
    for frame in traceback.extract_tb(tb):
        path = Path(frame.filename)
        if ROOT in path.parents and not any(p.startswith(".venv") for p in path.parts):
            site = f"{path.relative_to(ROOT)} in {frame.name}"
    return f"{kind.__name__} at {site}"


class _Swallowed(logging.Handler):
    """The exceptions a library caught and logged with their traceback before it answered 500
    itself (python-scim's SCIM server does): a server error all the same, with its site."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.exc_info: Any = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and self.exc_info is None:
            self.exc_info = record.exc_info


# Loggers of libraries that turn an exception of our code into an error answer of their own.
SWALLOWING = ("scim2_server",)


@contextmanager
def _swallowed() -> Iterator[_Swallowed]:
    handler = _Swallowed()
    loggers = [logging.getLogger(name) for name in SWALLOWING]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


# Each person's session for the running test (the ``_fresh_sessions`` fixture empties this before
# every test): logged in once, before the first example, so that every example starts from the
# same signed-in session instead of paying for a login (the example's savepoint undoes whatever
# the request does to the session's row).
SESSIONS: dict[int, str] = {}


def client_for(user: User | None) -> Client:
    """A client with no cookie but ``user``'s session (anonymous when None)."""
    client = Client(raise_request_exception=False)
    if user is not None:
        if user.pk not in SESSIONS:
            SESSIONS[user.pk] = session_key_for(user)
        client.cookies[settings.SESSION_COOKIE_NAME] = SESSIONS[user.pk]
    return client


def submit(
    url: str,
    data: Any,
    *,
    user: User | None,
    htmx: bool = False,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> Submission:
    """POST ``data`` to ``url`` as ``user`` (anonymous when None), with ``headers`` besides,
    and undo whatever it wrote. Another ``method`` sends ``data`` (bytes) as the body."""
    submission = Submission(url=url, data=data)
    cache.clear()  # allauth's rate limits: each example starts with none used
    client = client_for(user)
    headers = {**(headers or {}), **({"HX-Request": "true"} if htmx else {})}
    with transaction.atomic(), _swallowed() as swallowed:
        try:
            with watch_writes(_watched()) as writes:
                if method != "POST" or (isinstance(data, bytes) and not content_type):
                    response = client.generic(
                        method,
                        url,
                        data,
                        content_type=content_type or "application/octet-stream",
                        headers=headers,
                    )
                elif content_type:
                    response = client.post(url, data, content_type=content_type, headers=headers)
                else:
                    response = client.post(url, data, headers=headers)
                if response.streaming:
                    # Read to its end, as a client would, and inside the watch: a download
                    # streams after the view returned (and the test client closes its file then).
                    b"".join(response.streaming_content)
        except Exception as exc:  # noqa: BLE001 - anything escaping the client is a finding
            exc_info = (type(exc), exc, exc.__traceback__)
            submission.error = _summary(exc_info)
            submission.crash_site = _crash_site(exc_info)
        else:
            submission.response = response
            submission.status = response.status_code
            submission.location = response.get("Location", "")
            exc_info = getattr(response, "exc_info", None) or swallowed.exc_info
            if exc_info:
                submission.error = _summary(exc_info)
                submission.crash_site = _crash_site(exc_info)
            found = list(get_messages(response.wsgi_request))
            submission.messages = [f"{m.level_tag}: {str(m)[:200]}" for m in found]
            submission.refused = (
                response.status_code >= 400
                or any(m.level >= messages.ERROR for m in found)
                or _context_has_errors(response)
            )
            if not submission.server_error:
                submission.writes = writes.changed()
            if not submission.server_error and not submission.refused:
                _follow(client, submission)
        transaction.set_rollback(True)
    return submission


def _follow(client: Client, submission: Submission) -> None:
    """After an accepted submission, the page it leads to must still open: a value taken
    (a date in year 9999, say) must not break the pages that show it."""
    where = submission.location
    if not where.startswith("/") or where.startswith("//"):
        return
    response = client.get(where)
    if response.status_code >= 500 or getattr(response, "exc_info", None):
        submission.status = response.status_code
        submission.url += f" then GET {where}"
        exc_info = getattr(response, "exc_info", None)
        if exc_info:
            submission.error = _summary(exc_info)
            submission.crash_site = _crash_site(exc_info)
        else:
            submission.error = f"GET {where} answered {response.status_code}"


def assert_no_server_error(submission: Submission) -> None:
    """Not a 500 and no exception; a crash at a known bug's site (``known_bugs.py``) is let
    through, since its own xfail test pins it."""
    bug = known_bug(submission.crash_site, submission.error) if submission.server_error else None
    if bug is not None:
        event(f"known bug: {bug.name}")
        return
    assert not submission.server_error, "server error:\n" + submission.describe()


def assert_safe(submission: Submission, *, must_refuse: bool = False) -> None:
    """No server error; a refusal (or, with ``must_refuse``, any answer) wrote nothing."""
    assert_no_server_error(submission)
    if submission.server_error:
        return  # a known bug
    if must_refuse:
        assert submission.refused, "accepted what it must refuse:\n" + submission.describe()
    if submission.refused or must_refuse:
        assert not submission.writes, "a refused submission wrote:\n" + submission.describe()
