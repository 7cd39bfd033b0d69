"""Bad input: the world every fuzz test posts into, built once per module.

How the examples are isolated. The ``world`` fixture is built once per module, in a transaction
rolled back after the module; each test runs in pytest-django's ``db`` savepoint inside it, so
what a test writes is gone before the next one. Hypothesis runs many examples in one test;
each example runs inside its own ``transaction.atomic()`` (a savepoint) that is always rolled
back, so every example starts from the same world and a successful post in one example is
gone before the next. ``on_commit`` callbacks (e-mails, Celery tasks) registered inside a
rolled-back savepoint are discarded, so nothing leaves the process.

What "writes nothing" means. ``tests/writes.py`` watches the statements a submission runs;
the rows of every table one of them wrote to (sessions aside) are compared before and after,
so an update in place is caught as well as an insert or delete.
"""

from __future__ import annotations

import pytest

from tests.fuzz.submission import SESSIONS
from tests.fuzz.world import World, build_world


@pytest.fixture(scope="module")
def world(module_db: None) -> World:
    """Built once per module (``module_db``); each test's ``db`` savepoint undoes its writes."""
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_sessions() -> None:
    """The sessions ``submit`` keeps are the running test's: its end rolls their rows back."""
    SESSIONS.clear()
