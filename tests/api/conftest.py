"""The API's fixtures: an API client with a person's token, of the scopes asked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from api.scopes import Scope
from api.services import token_create


@pytest.fixture
def api() -> Callable[..., Client]:
    """``api(user, *scopes)``: a client that sends ``user``'s new token (all scopes if none)."""

    def client_for(user: User, *scopes: str) -> Client:
        _, key = token_create(user=user, name="test", scopes=list(scopes or Scope.values))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return client_for
