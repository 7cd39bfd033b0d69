"""What a request wrote: the one write detector of the authorization matrix and the fuzz suite.

Every statement the database connection runs inside ``watch_writes()`` passes a wrapper. A
plain read (SELECT, and the savepoint statements) goes through untouched. A statement that can
write names its table (``INSERT INTO``, ``UPDATE``, ``DELETE FROM``); just before the first one
on a watched table, the wrapper reads that table's rows. Any other statement, which the wrapper
cannot place, counts as touching every watched table. ``changed()`` then reads the touched
tables again and compares them row by row.

So a request that writes nothing costs no query at all, and a table no statement wrote to
cannot have changed; what changed is decided on the rows themselves, as comparing whole dumps
before and after would: an update in place, a delete and an insert that keep the count, and an
update that leaves ``updated_at`` alone are all caught, while a write rolled back to a savepoint
inside the request is, rightly, no change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Model

_READ = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I
)


def tables(
    *, app_labels: Collection[str] | None = None, exclude: Collection[str] = ()
) -> dict[str, type[Model]]:
    """The tables of the installed models (many-to-many tables included), by name: those of
    ``app_labels`` (every app when None), less ``exclude``."""
    found: dict[str, type[Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or (app_labels is not None and meta.app_label not in app_labels):
            continue
        if meta.db_table not in exclude:
            found[meta.db_table] = model
    return found


def _rows(model: type[Model]) -> list[tuple[Any, ...]]:
    return list(model._base_manager.order_by("pk").values_list())


@dataclass(frozen=True)
class Change:
    """How one table's rows differ: counts before and after, and rows found on one side only."""

    rows_before: int
    rows_after: int
    differ: int


@dataclass
class Writes:
    """The watched tables a block's statements wrote to, with their rows from before."""

    watched: dict[str, type[Model]]
    before: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    statements: int = 0  # write statements seen on watched tables

    def touch(self, table: str | None) -> None:
        names = self.watched if table is None else [table]
        for name in names:
            if name in self.watched and name not in self.before:
                self.before[name] = _rows(self.watched[name])

    def changed(self) -> dict[str, Change]:
        """Each watched table whose rows differ now from before the block."""
        found = {}
        for name, rows in sorted(self.before.items()):
            now = _rows(self.watched[name])
            if now != rows:
                differ = len({repr(r) for r in now} ^ {repr(r) for r in rows})
                found[name] = Change(rows_before=len(rows), rows_after=len(now), differ=differ)
        return found


@contextmanager
def watch_writes(watched: dict[str, type[Model]]) -> Iterator[Writes]:
    """Record what the statements run inside the block write to ``watched`` tables."""
    writes = Writes(watched=watched)
    busy = False  # the wrapper's own reads are not watched

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        nonlocal busy
        if not busy and not _READ.match(sql):
            write = _WRITE.match(sql)
            table = write.group(1) if write else None
            if table is None or table in watched:
                writes.statements += 1
                busy = True
                try:
                    writes.touch(table)
                finally:
                    busy = False
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield writes
