"""Requests per token over time (``API_RATE_LIMIT``); beyond it, 429 with ``Retry-After``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.models import AccessToken as OAuthToken
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return str(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if isinstance(token, AccessToken):
            return f"api-throttle:{token.pk}"
        if isinstance(token, OAuthToken):  # an integration's: counted per integration
            return f"api-throttle:app:{token.application_id}"
        return None  # refused before it counts
