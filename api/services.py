"""Making and revoking a person's API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import AccessToken
from api.scopes import Scope
from mentorship.errors import DomainError

PREFIX = "twoway_"
MAX_TOKENS = 20  # live tokens per person
TOUCH_EVERY = timedelta(minutes=1)  # last used is written at most this often


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, scopes: list[str]) -> tuple[AccessToken, str]:
    """A new token and its key, which is not kept (only its hash): show it once."""
    name = name.strip()
    if not name:
        raise DomainError("Name the token after what will use it.", field="name")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise DomainError("Choose what the token may read.", field="scopes")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one count at a time
    if AccessToken.objects.filter(user=user, revoked_at=None).count() >= MAX_TOKENS:
        raise DomainError(
            f"You have {MAX_TOKENS} tokens already: revoke one you no longer use first.",
            field="name",
        )
    key = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name,
        scopes=[scope for scope in Scope.values if scope in scopes],
        key_hash=key_hash(key),
        prefix=key[: len(PREFIX) + 4],
    )
    return token, key


def token_revoke(*, user: User, pk: int) -> bool:
    """Revoke one of the person's own tokens; False when there is no such live token of theirs."""
    return bool(
        AccessToken.objects.filter(user=user, pk=pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )


def token_for_key(key: str, *, now: datetime | None = None) -> AccessToken | None:
    """The live token of this key, of an active person, noting when it was used (once a
    minute at most); None for anything else."""
    if not key.startswith(PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(key_hash=key_hash(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
