"""Helpers for tests of signing in: the TOTP code an authenticator app would show now."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

# A code read this close to the end of its period may be checked in the next one: wait it out.
MARGIN_SECONDS = 3


def current_code(secret: str) -> str:
    """The code for this period, read with at least MARGIN_SECONDS of it left to check it in."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < MARGIN_SECONDS:
        time.sleep(left + 0.05)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
