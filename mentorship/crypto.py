"""Secrets people paste in (an identity provider's client secret, a calendar's app password) are
kept encrypted with a key from the environment (``IDENTITY_SECRET_KEY``), so a copy of the
database alone does not give them away. Without the key they cannot be read back: keep it with
SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.IDENTITY_SECRET_KEY
    if not key:  # development and tests: derived from SECRET_KEY (production requires its own)
        key = base64.urlsafe_b64encode(
            hashlib.sha256(b"twoway-identity:" + str(settings.SECRET_KEY).encode()).digest()
        ).decode()
    return Fernet(key.encode())


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    """The secret; "" when there is none or the key has changed (re-enter it on the page)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
