"""Fixtures the reports tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from tests.reports.helpers import NOW


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    """Signed in as the program's admin (not pytest-django's superuser of the same name)."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def dashboard_clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at the dashboard tests' NOW until a test moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
