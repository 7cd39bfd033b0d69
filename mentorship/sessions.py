"""Sessions read from the cache (Redis in production) and written through to the database.

Django's ``cached_db`` engine, with two changes:

- The cache is a help, never a need (as everywhere in Twoway, see mentorship/cache.py): when it
  cannot be reached, a session is read from and written to the database alone, and the page
  still answers. Django's engine would fail the request when it stores a session it has just
  read from the database, or forgets one.
- A session is kept in the cache for at most ``SESSION_CACHE_SECONDS`` (then read from the
  database again), not for the session's whole age: a change the cache missed while it was
  down (a sign-out, a new key at sign-in) is in the database, and is seen that long after.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    # Set by Django's engine (not in its type stubs).
    _cache: Any
    _session: dict[str, Any]

    def _cache_timeout(self, expiry: Any = None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry is not None else self.get_expiry_age()
        return max(0, min(age, settings.SESSION_CACHE_SECONDS))

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 (any backend's failure: read the database)
            logger.warning("cache unreachable: session read from the database", exc_info=True)
            data = None
        if data is not None:
            return data  # type: ignore[no-any-return]
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_timeout(stored.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: session not kept", exc_info=True)
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: session looked up in the database", exc_info=True)
        if not session_key:
            return False
        return bool(super(CachedDBStore, self).exists(session_key))

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_timeout())
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: session not kept", exc_info=True)

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001
            logger.warning("cache unreachable: a deleted session stays kept", exc_info=True)


def forget_kept_sessions(session_keys: list[str]) -> None:
    """Drop these sessions' copies in the cache (their rows were deleted in the database)."""
    if not session_keys:
        return
    try:
        caches[settings.SESSION_CACHE_ALIAS].delete_many(
            [SessionStore.cache_key_prefix + key for key in session_keys]
        )
    except Exception:  # noqa: BLE001
        logger.warning("cache unreachable: deleted sessions stay kept", exc_info=True)
