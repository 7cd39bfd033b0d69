"""Helpers several test modules share: query-count pinning and thread races."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.errors import DomainError

# A page needing more than this many queries is doing something per row somewhere.
QUERY_CEILING = 20


def count_queries(client, url: str) -> int:
    """How many queries one GET of ``url`` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def assert_flat_queries(
    client, django_assert_num_queries, url: str, grow: Callable[[], None]
) -> None:
    """The page runs the same number of queries before and after ``grow`` adds data."""
    small = count_queries(client, url)
    assert small <= QUERY_CEILING, f"{url} needs {small} queries"
    grow()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def race(targets: Sequence[Callable[[], object]]) -> list[object]:
    """Run the callables at the same moment in threads; results or DomainErrors, in finish order."""
    barrier = threading.Barrier(len(targets))
    results: list[object] = []

    def run(target: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results.append(target())
        except DomainError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
