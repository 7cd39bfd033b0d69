"""What the page benchmarks share: a throwaway Django set up with the demo, and timing a page.

Not a benchmark itself (`make bench` skips files starting with an underscore).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine() -> str:
    """One line on where the figures were measured."""
    import platform

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.node()}, {os.cpu_count()} CPUs {model}".strip()
        + f", Python {platform.python_version()}"
    )


def target(what: str, figure: str, met: bool) -> bool:
    """Print one target's line, the same in every benchmark so a run's lines can be grepped
    (``grep ^TARGET``): what it asks, the figure measured, met or not, when and where."""
    from datetime import UTC, datetime

    print(
        f"TARGET {what}: {figure}: {'met' if met else 'NOT met'}"
        f" ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()})",
        flush=True,
    )
    return met


def settle_filled_tables() -> None:
    """On PostgreSQL, what autovacuum keeps for tables in a running system, for the tables a
    benchmark just filled: statistics (without them PostgreSQL plans for empty tables, nested
    loops over thousands of rows) and the visibility map (without it, it reads rows an index
    could answer). Nothing on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def django_with_demo() -> None:
    """Django on a throwaway SQLite database in a temporary folder (or BENCH_DATABASE_URL, a
    database it may fill and keep), DEBUG off, migrated, with the demo seeded."""
    django_migrated()
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def django_migrated() -> None:
    """Django on a throwaway SQLite database (or BENCH_DATABASE_URL), DEBUG off, migrated."""
    os.environ["TWOWAY_VAR_DIR"] = tempfile.mkdtemp(prefix="twoway-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ["DJANGO_ENV"] = "test"  # DEBUG off, in-process email and cache, eager tasks
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Silences whitenoise's "no directory" warning.
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "static"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def time_page(
    client: Any, url: str, repeat: int, before: Callable[[], object] | None = None
) -> tuple[int, float, float]:
    """One page's query count, and its median and 95th percentile time in ms over ``repeat``
    requests after a warm-up (it must answer 200); ``before`` runs ahead of each request, untimed
    (emptying the cache, say)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    # Read now: the next request's request_started signal empties the query log.
    queries = len(ctx.captured_queries)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return queries, statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]
