"""Fixtures the reports tests share."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    """Signed in as the program's admin (not pytest-django's superuser of the same name)."""
    client.force_login(admin_user)
    return client
