"""Fixtures the goals tests share."""

from __future__ import annotations

import pytest

from programs.models import Participant


@pytest.fixture
def owner(mentee_p: Participant) -> Participant:
    """The goals' owner: `mentee` in `program`."""
    return mentee_p
