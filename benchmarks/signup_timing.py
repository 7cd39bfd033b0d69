"""Time sign-up for an address that already has an account and for a new one, and print both
medians: if they differ, one request tells an attacker whether someone is registered.

Run: make bench  (or .venv/bin/python benchmarks/signup_timing.py [--signups N])
Posts the real sign-up form through Django's test client (the whole middleware stack, allauth,
the verification or "account already exists" email to Django's in-memory outbox), on a
throwaway SQLite database in a temporary folder (or BENCH_DATABASE_URL, a database it may fill
and keep), DEBUG off. The test settings hash passwords with MD5 to keep tests fast; this
benchmark puts back Django's default hashers, which production runs (settings.py changes them
for tests only), since hashing is the slow part of making an account. The two kinds of request
alternate, so a drift of the machine's speed falls on both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))
from _bench import django_migrated  # noqa: E402

PASSWORD = "a long Twoway passphrase 42"  # noqa: S105 (benchmark data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signups", type=int, default=20, help="sign-ups of each kind")
    args = parser.parse_args()

    django_migrated()
    from django.conf import global_settings
    from django.contrib.auth.hashers import get_hasher
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from accounts.services import user_create

    stamp = int(time.time())
    existing = f"bench-signup-existing-{stamp}@example.com"
    user_create(email=existing, full_name="Existing Person", password=PASSWORD, email_verified=True)

    def signup(client: Client, email: str) -> float:
        cache.clear()  # allauth's sign-up rate limit (20 a minute per address) is not measured here
        client.cookies.clear()  # a new visitor each time, without building a new handler
        mail.outbox = []
        data = {
            "full_name": "Bench Person",
            "email": email,
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        start = time.perf_counter()
        response = client.post(reverse("account_signup"), data)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, (email, response.status_code)
        assert len(mail.outbox) == 1, (email, len(mail.outbox))
        return elapsed

    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        hasher = get_hasher()
        client = Client()
        signup(client, existing)  # warm up: templates, password lists, first queries
        signup(client, f"bench-signup-warm-{stamp}@example.com")
        existing_ms: list[float] = []
        new_ms: list[float] = []
        for i in range(args.signups):
            existing_ms.append(signup(client, existing))
            new_ms.append(signup(client, f"bench-signup-new-{stamp}-{i}@example.com"))

    existing_median = statistics.median(existing_ms)
    new_median = statistics.median(new_ms)
    print(
        f"signup existing_median_ms={existing_median:.1f} new_median_ms={new_median:.1f} "
        f"ratio={new_median / existing_median:.2f} signups={args.signups} "
        f"hasher={hasher.algorithm}"
    )


if __name__ == "__main__":
    main()
