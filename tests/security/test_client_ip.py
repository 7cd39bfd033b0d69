"""Whose address a rate limit counts: the client's behind a trusted proxy, never a forged one.

allauth's per-IP limits (ten failed sign-ins a minute, thirty sign-ins a minute) count the
client address. Behind the documented TLS proxy that was the proxy's own for everyone, so one
anonymous guesser locked the whole site out (issue 14, part 3). ``TRUSTED_PROXY_COUNT`` says how
many proxies of ours append to X-Forwarded-For.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.test import Client, override_settings
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.helpers import manage_py

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"
PROXY = "10.0.0.2"  # the connection's own address: the proxy in front


def sign_in(client: Client, email: str, password: str, forwarded_for: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        REMOTE_ADDR=PROXY,
    )


def ten_misses(forwarded_for: str | list[str]) -> None:
    """Ten failed sign-ins a minute: the per-IP half of login_failed ("10/m/ip,5/5m/key")."""
    for number in range(10):
        sender = forwarded_for if isinstance(forwarded_for, str) else forwarded_for[number]
        missed = sign_in(Client(), f"guess{number}@example.org", "nope", sender)
        assert TOO_MANY not in missed.content.decode()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_two_clients_have_separate_buckets():
    user = UserFactory(email="someone@example.org")
    # The client may send its own X-Forwarded-For; the proxy appends what it saw, which counts.
    ten_misses([f"192.0.2.{n}, 203.0.113.7" for n in range(10)])
    guesser = sign_in(Client(), user.email, TEST_PASSWORD, "192.0.2.99, 203.0.113.7")
    assert TOO_MANY in guesser.content.decode()

    neighbour = Client()
    answer = sign_in(neighbour, user.email, TEST_PASSWORD, "198.51.100.9")
    assert answer.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(user.pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing():
    user = UserFactory(email="someone@example.org")
    ten_misses([f"203.0.113.{n}" for n in range(10)])  # a new forged address each time
    forger = Client()
    answer = sign_in(forger, user.email, TEST_PASSWORD, "198.51.100.9")
    # Still the one bucket of the connection's address: the header was not believed.
    assert TOO_MANY in answer.content.decode()
    assert "_auth_user_id" not in forger.session


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0, ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_trusted_client_ip_header_names_the_client():
    user = UserFactory(email="someone@example.org")
    for number in range(10):
        Client().post(
            reverse("account_login"),
            {"login": f"guess{number}@example.org", "password": "nope"},
            headers={"X-Real-IP": "203.0.113.7", "X-Forwarded-For": f"192.0.2.{number}"},
            REMOTE_ADDR=PROXY,
        )
    neighbour = Client()
    answer = neighbour.post(
        reverse("account_login"),
        {"login": user.email, "password": TEST_PASSWORD},
        headers={"X-Real-IP": "198.51.100.9"},
        REMOTE_ADDR=PROXY,
    )
    assert answer.status_code == 302


# ---------------------------------------------------------------------------
# The settings, from the environment
# ---------------------------------------------------------------------------
def _proxy_settings(**env: str) -> tuple[int, str | None] | str:
    result = manage_py(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER]))",
        DJANGO_ENV="development",
        **env,
    )
    if result.returncode != 0:
        return result.stderr
    count, header = json.loads(result.stdout.strip().splitlines()[-1])
    return count, header


def test_the_number_of_trusted_proxies_comes_from_the_environment():
    assert _proxy_settings(TRUSTED_PROXY_COUNT="") == (0, None)
    assert _proxy_settings(TRUSTED_PROXY_COUNT="1") == (1, None)
    assert _proxy_settings(TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == (0, "X-Real-IP")


def test_a_negative_number_of_proxies_fails_loudly():
    error = _proxy_settings(TRUSTED_PROXY_COUNT="-1")
    assert isinstance(error, str) and "TRUSTED_PROXY_COUNT must be 0 or more" in error


def test_compose_trusts_the_one_proxy_it_documents():
    """The compose set runs behind one TLS proxy (README): the web trusts exactly that one."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["web"]["environment"]
    assert env["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    # gunicorn's trust of the proxy's headers is set in the same place, not fixed in a command.
    assert env["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-*}"
    assert "--forwarded-allow-ips" not in compose["services"]["web"]["command"]
    assert "--forwarded-allow-ips" not in (ROOT / "Dockerfile").read_text()
