"""Sign-up does not tell whether an address has an account: not by its answer, its mail or its time.

allauth answers both the same way and mails either a confirmation link or "you already have an
account". The time gave it away: making an account hashes the password (most of a second with
the production hasher), the other path did not (benchmarks/signup_timing.py measured 35 ms
against 635 ms). Seconds are not measured here; the expensive work is counted instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from accounts.adapter import AccountAdapter
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long Twoway passphrase 42"  # noqa: S105 (test data)


@contextmanager
def counting_work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count password hashes (whatever hasher the settings name) and mails sent through allauth."""
    counts: Counter[str] = Counter()
    hasher_class = type(get_hasher())
    encode = hasher_class.encode
    send_mail = AccountAdapter.send_mail

    def counted_encode(self: Any, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        counts["hash"] += 1
        return encode(self, password, salt, *args, **kwargs)

    def counted_send_mail(self: Any, template_prefix: str, email: str, context: dict) -> None:
        counts["send_mail"] += 1
        send_mail(self, template_prefix, email, context)

    with monkeypatch.context() as patch:
        patch.setattr(hasher_class, "encode", counted_encode)
        patch.setattr(AccountAdapter, "send_mail", counted_send_mail)
        yield counts


def _signup(client: Any, email: str) -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Robin Example",
            "email": email,
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_signup_does_the_same_work_for_a_known_and_a_new_address(client, monkeypatch):
    UserFactory(email="known@example.org")
    seen = {}
    for email in ("known@example.org", "new@example.org"):
        client.cookies.clear()
        mail.outbox = []
        with counting_work(monkeypatch) as counts:
            response = _signup(client, email)
        # Sent during the request (not left for a commit that the test never makes), and once.
        seen[email] = (response.status_code, response.get("Location"), dict(counts))
        assert [m.to for m in mail.outbox] == [[email]]
    assert seen["known@example.org"] == seen["new@example.org"]
    assert seen["new@example.org"] == (
        302,
        reverse("account_email_verification_sent"),
        {"hash": 1, "send_mail": 1},
    )


def test_signup_with_a_known_address_makes_no_account_and_says_so_by_mail(client):
    UserFactory(email="known@example.org", full_name="Known Person")
    _signup(client, "known@example.org")
    known = UserFactory._meta.model.objects.get(email="known@example.org")
    assert known.full_name == "Known Person"
    assert known.check_password(PASSWORD) is False
    (message,) = mail.outbox
    assert "already" in message.subject.lower() or "already" in message.body.lower()
