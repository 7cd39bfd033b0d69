"""Results kept in the cache (Redis in production) under a version that writes change.

A page that is costly to compute and read far more often than its facts change (the mentor
directory's ranking) keeps its result under a key holding the current ``Version``; a write
that can change such a result calls ``Version.change()`` (signal receivers do, and the few bulk
updates that send no signal), so every kept result is forgotten at once and the next reader
computes afresh. Each kept result also expires after a while, which bounds the staleness of a
write that changed nothing it should have. The cache is a help, never a need: if it cannot be
reached, every reader computes and the page still answers.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Version:
    """A token in the cache that changes whenever its facts change."""

    def __init__(self, name: str) -> None:
        self.key = f"version:{name}"

    def current(self) -> str | None:
        """The token, made on first use; None when the cache cannot be reached."""
        tokens = current_tokens([self])
        return tokens[0] if tokens else None

    def change(self) -> None:
        """Forget every result kept under this version, now and when the transaction commits
        (a reader between the two could have kept what the transaction had not yet written)."""
        self._new_token()
        transaction.on_commit(self._new_token)

    def _new_token(self) -> None:
        try:
            cache.set(self.key, secrets.token_hex(8), timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: %s not changed", self.key, exc_info=True)


def current_tokens(versions: Sequence[Version]) -> list[str] | None:
    """The tokens of ``versions`` (made on first use), read in one round trip; None when the
    cache cannot be reached."""
    keys = [v.key for v in versions]
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if found.get(key) is None]
        if missing:
            for key in missing:
                cache.add(key, secrets.token_hex(8), timeout=None)
            found.update(cache.get_many(missing))
        tokens = [found.get(key) for key in keys]
    except Exception:  # noqa: BLE001 (any backend's failure: compute without the cache)
        logger.warning("cache unreachable: %s not read", ", ".join(keys), exc_info=True)
        return None
    if any(token is None for token in tokens):
        return None
    return [str(token) for token in tokens]


def kept(
    version: Version | Sequence[Version] | None,
    key: str,
    compute: Callable[[], T],
    *,
    timeout: int,
) -> T:
    """``compute()``'s result, kept for ``timeout`` seconds under ``key`` (at the current
    ``version``, or versions: a change of any forgets it); computed afresh when there is none,
    when ``timeout`` is 0 or less, or when the cache cannot be reached."""
    if timeout <= 0:
        return compute()
    versions = [] if version is None else [version] if isinstance(version, Version) else version
    if not versions:
        full_key = f"kept:{key}"
    else:
        tokens = current_tokens(versions)
        if tokens is None:
            return compute()
        stamp = ":".join(f"{v.key}:{token}" for v, token in zip(versions, tokens, strict=True))
        full_key = f"{stamp}:{key}"
    try:
        found: Any = cache.get(full_key)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: %s not read", full_key, exc_info=True)
        return compute()
    if found is not None:
        return found  # type: ignore[no-any-return]
    result = compute()
    try:
        cache.set(full_key, result, timeout=timeout)
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: %s not kept", full_key, exc_info=True)
    return result


# The mentor directory's rankings (matching/directory/), and each program's mentors as they
# rank them: a program's are kept under both of these, so a write in one program forgets only
# that program's (``directory_version``; the services' bulk updates, which send no signal, name
# their programs too), and a write whose programs are not known (the demo's seeding) forgets
# every program's (``DIRECTORY_VERSION``).
DIRECTORY_VERSION = Version("directory")


def directory_version(program_id: int) -> Version:
    return Version(f"directory:{program_id}")
