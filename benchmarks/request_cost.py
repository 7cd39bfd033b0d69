"""What every signed-in page pays: the lightest signed-in page beside the bare view, in process.

Run: .venv/bin/python benchmarks/request_cost.py [--repeat N] [--profile-repeat N]
     [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]
     (or BENCH_POSTGRES_URL and BENCH_REDIS_URL set: on them it makes database
     twoway_request_cost on that server, dropped first if it is there, and uses Redis database 15;
     without them a throwaway SQLite database and the file cache, production's own defaults)

The load test (load.py) compares the throughput of the lightest signed-in page, the notification
centre as a mentee, with a bare Django view answering "ok" through the same settings and
middleware (benchmarks/_load_wsgi.py, anonymous as locust asks for it). Each gunicorn worker is
one process serving one request at a time, so at saturation the throughput ratio is about the
ratio of the time one request takes in process: bare ms / notifications ms. This script measures
that with production settings (DJANGO_ENV=production: DEBUG off, the cached template loader,
hashed static files from a manifest, sessions and cache as production keeps them,
MFA_REQUIRED_FOR_ADMINS on), the demo seeded, a mentee signed in through Django's test client
and the bare view mounted the way _load_wsgi.py mounts it. It prints the median ms and the
queries per request of each, the ratio, and a profile (cProfile) of where /notifications/
spends its time beyond the bare view's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import ROOT, target  # noqa: E402

BARE_PATH = "/__bare__/"
PAGE = "/notifications/"
MENTEE = "mentee1@example.com"
DATABASE = "twoway_request_cost"
REDIS_DB = 15
TARGET_RATIO = 0.25

# What the profile summary adds up, per request: a label, then (file ending, function name)
# pairs whose cumulative time counts (a function that calls another of the same label is not
# counted twice: the outermost call's cumulative time is taken, see _bucket).
BUCKETS: list[tuple[str, list[tuple[str, str]]]] = [
    ("whole request (handler)", [("django/core/handlers/base.py", "get_response")]),
    (
        "session load",
        [
            ("django/contrib/sessions/backends/db.py", "load"),
            ("django/contrib/sessions/backends/cache.py", "load"),
            ("django/contrib/sessions/backends/cached_db.py", "load"),
            ("django/contrib/sessions/backends/signed_cookies.py", "load"),
            ("mentorship/sessions.py", "load"),
        ],
    ),
    (
        "session save (SessionMiddleware's response)",
        [("sessions/middleware.py", "process_response")],
    ),
    ("user load (auth get_user)", [("django/contrib/auth/__init__.py", "get_user")]),
    (
        "locale middleware",
        [
            ("django/middleware/locale.py", "process_request"),
            ("django/middleware/locale.py", "process_response"),
        ],
    ),
    (
        "CSRF middleware",
        [
            ("django/middleware/csrf.py", "process_request"),
            ("django/middleware/csrf.py", "process_view"),
            ("django/middleware/csrf.py", "process_response"),
        ],
    ),
    (
        "messages middleware (storage update)",
        [("contrib/messages/middleware.py", "process_response")],
    ),
    ("allauth AccountMiddleware", [("allauth/account/middleware.py", "process_response")]),
    ("MFA required middleware (process_view)", [("programs/middleware.py", "process_view")]),
    ("the view (query, paginate, render)", [("notifications/views.py", "notification_list")]),
    ("template rendering", [("django/template/backends/django.py", "render")]),
    ("context processors", [("django/template/context.py", "bind_template")]),
    ("navigation (context processor's build)", [("mentorship/context_processors.py", "build")]),
    ("standing (programs/standing.py, kept)", [("programs/standing.py", "standing_of")]),
    ("kept results (mentorship/cache.py)", [("mentorship/cache.py", "kept")]),
    (
        "{% administered_organizations %}",
        [("programs/templatetags/programs_tags.py", "administered_organizations")],
    ),
    ("{% avatar %}", [("accounts/templatetags/avatars.py", "avatar")]),
    ("{% static %}", [("django/templatetags/static.py", "render")]),
    ("{% url %} (reverse)", [("django/urls/base.py", "reverse")]),
    (
        "{% translate %} / gettext",
        [
            ("django/utils/translation/__init__.py", "gettext"),
            ("django/utils/translation/__init__.py", "pgettext"),
        ],
    ),
    ("translation.activate", [("django/utils/translation/trans_real.py", "activate")]),
    ("SQL (cursor execute)", [("django/db/backends/utils.py", "execute")]),
    (
        "cache get/set",
        [
            ("django/core/cache/backends/redis.py", "get"),
            ("django/core/cache/backends/redis.py", "get_many"),
            ("django/core/cache/backends/redis.py", "set"),
            ("django/core/cache/backends/filebased.py", "get"),
            ("django/core/cache/backends/filebased.py", "set"),
            ("django/core/cache/backends/locmem.py", "get"),
            ("django/core/cache/backends/locmem.py", "set"),
        ],
    ),
]


def production_django(postgres: str, redis: str) -> str:
    """Django in this process with production settings, migrated, the demo seeded; where."""
    folder = Path(tempfile.mkdtemp(prefix="twoway-request-cost-"))
    database_url = ""
    if postgres:
        from _load_common import fresh_database

        database_url = fresh_database(postgres, DATABASE)
    redis_url = ""
    if redis:
        from _load_common import redis_database

        redis_url = redis_database(redis, REDIS_DB)
    from _load_common import app_environment

    # The load test's production environment, served in process (as Django's test client).
    for key in ("DEBUG", "BENCH_DATABASE_URL", "PYTEST_VERSION"):
        os.environ.pop(key, None)
    os.environ.update(
        app_environment(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secrets.token_urlsafe(40),
            folder=folder,
            DJANGO_SETTINGS_MODULE="mentorship.settings",
            ALLOWED_HOSTS="testserver",
            SITE_URL="http://testserver",
            # Seeding the demo sends its notifications in process (there is no worker).
            CELERY_TASK_ALWAYS_EAGER="true",
        )
    )
    import django

    django.setup(set_prefix=False)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if redis_url:
        cache.clear()  # database 15 is this script's own
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.db import connection

    return (
        f"{connection.vendor}, cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"sessions {settings.SESSION_ENGINE}, DEBUG {settings.DEBUG}, "
        f"MFA_REQUIRED_FOR_ADMINS {settings.MFA_REQUIRED_FOR_ADMINS}"
    )


def clients() -> tuple[Any, Any]:
    """A test client signed in as a mentee, and an anonymous one (as locust asks for the bare
    view), both through a handler that serves the bare view the way _load_wsgi.py does."""
    import _load_wsgi
    from django.http import HttpRequest
    from django.test import Client
    from django.test.client import ClientHandler
    from django.urls import ResolverMatch

    from accounts.models import User

    class Handler(ClientHandler):
        def resolve_request(self, request: HttpRequest) -> ResolverMatch:
            if request.path_info == BARE_PATH:
                request.urlconf = _load_wsgi.__name__  # type: ignore[attr-defined]
            return super().resolve_request(request)

    def client() -> Client:
        made = Client()
        made.handler = Handler(enforce_csrf_checks=False)
        return made

    mentee = client()
    mentee.force_login(User.objects.get(email=MENTEE))
    return mentee, client()


def measure(client: Any, url: str, repeat: int) -> tuple[int, float, float]:
    """Queries of one request (after a warm-up), and the median wall and CPU ms over ``repeat``
    (CPU: this process's alone, so less noisy on a shared machine; the database's is not in it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return queries, statistics.median(wall), statistics.median(cpu)


def queries_of(client: Any, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [query["sql"] for query in ctx.captured_queries]


def profile(call: Callable[[], Any], repeat: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        call()
    profiler.disable()
    return pstats.Stats(profiler)


def _key_matches(key: tuple[str, int, str], wanted: list[tuple[str, str]]) -> bool:
    filename, _, name = key
    return any(filename.endswith(end) and name == fn for end, fn in wanted)


def _bucket(stats: pstats.Stats, wanted: list[tuple[str, str]]) -> tuple[float, int]:
    """Seconds and calls of the functions ``wanted`` matches, the outermost calls only: a
    matched function's time spent under another matched one is left out."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = 0.0
    calls = 0
    for key, (_, primitive, _, cumulative, callers) in table.items():
        if not _key_matches(key, wanted):
            continue
        # The share of this function's time reached from a matched caller is counted there.
        from_matched = sum(
            caller_stats[3]
            for caller, caller_stats in callers.items()
            if _key_matches(caller, wanted)
        )
        total += cumulative - from_matched
        calls += primitive - sum(
            caller_stats[1]
            for caller, caller_stats in callers.items()
            if _key_matches(caller, wanted)
        )
    return total, calls


def summary(page: pstats.Stats, bare: pstats.Stats, repeat: int, top: int) -> None:
    per = 1000 / repeat
    print(
        f"\nProfile (cProfile, {repeat} requests each; cumulative ms per request, calls per request)"
    )
    print(f"{'':<46}{'notifications':>20}{'bare view':>20}{'beyond bare':>13}")
    for label, wanted in BUCKETS:
        (p_s, p_n), (b_s, b_n) = _bucket(page, wanted), _bucket(bare, wanted)
        if not p_n and not b_n:
            continue
        print(
            f"{label:<46}{p_s * per:>11.2f} ({p_n / repeat:>5.1f}){b_s * per:>11.2f} ({b_n / repeat:>5.1f})"
            f"{(p_s - b_s) * per:>13.2f}"
        )

    # The functions /notifications/ spends most in, beside what the bare view spends in them.
    page_table: dict[Any, Any] = page.stats  # type: ignore[attr-defined]
    bare_table: dict[Any, Any] = bare.stats  # type: ignore[attr-defined]
    whole = _bucket(page, BUCKETS[0][1])[0]
    rows = []
    for key, (_, primitive, _, cumulative, _) in page_table.items():
        if cumulative > 0.9 * whole:
            continue  # the handler, the middleware around the view and the test client
        bare_cumulative = bare_table.get(key, (0, 0, 0, 0.0, {}))[3]
        rows.append((cumulative - bare_cumulative, cumulative, primitive, key))
    rows.sort(key=lambda row: row[0], reverse=True)
    print(
        f"\nTop {top} functions by cumulative time beyond the bare view's (ms per request, calls per "
        "request; the handler and the middleware around the view left out)"
    )
    print(f"{'beyond bare':>11}{'cumul.':>9}{'calls':>8}  function")
    site = str(Path(sys.prefix))
    for extra, cumulative, primitive, (filename, line, name) in rows[:top]:
        where = filename.replace(site + "/", "").replace(str(ROOT) + "/", "")
        where = where.split("site-packages/", 1)[-1]
        print(
            f"{extra * per:>11.2f}{cumulative * per:>9.2f}{primitive / repeat:>8.1f}  {where}:{line}({name})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--profile-repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="print each request's SQL")
    args = parser.parse_args()

    where = production_django(args.postgres, args.redis)
    mentee, anonymous = clients()
    print(
        f"Request cost: {where}; {args.repeat} requests each, medians; calls: Python function calls"
    )
    runs = [
        ("bare view, anonymous (the load test's)", anonymous, BARE_PATH),
        ("bare view, signed in as the mentee", mentee, BARE_PATH),
        (f"{PAGE}, signed in as the mentee", mentee, PAGE),
    ]
    figures: dict[str, tuple[float, float]] = {}
    print(f"{'':<46}{'wall ms':>9}{'CPU ms':>8}{'queries':>9}{'calls':>8}")
    for label, client, url in runs:
        queries, wall, cpu = measure(client, url, args.repeat)
        calls = profile(lambda client=client, url=url: client.get(url), 20).total_calls / 20  # type: ignore[attr-defined]
        figures[label] = (wall, cpu)
        print(f"{label:<46}{wall:>9.2f}{cpu:>8.2f}{queries:>9}{calls:>8.0f}")
        if args.queries:
            for sql in queries_of(client, url):
                print(f"    {sql[:160]}")
    (bare_ms, bare_cpu), (page_ms, page_cpu) = figures[runs[0][0]], figures[runs[2][0]]
    ratio = bare_ms / page_ms
    print(
        f"bare ms / notifications ms, the in-process estimate of the throughput ratio: "
        f"{ratio:.1%} (wall), {bare_cpu / page_cpu:.1%} (CPU). Under gunicorn each request also "
        "pays the server's and the HTTP client's work, the same for both, so the load test's "
        "ratio is higher than this one"
    )

    page_stats = profile(lambda: mentee.get(PAGE), args.profile_repeat)
    bare_stats = profile(lambda: anonymous.get(BARE_PATH), args.profile_repeat)
    summary(page_stats, bare_stats, args.profile_repeat, args.top)
    print()
    target(
        "the lightest signed-in page (/notifications/) >= 25 % of the bare view's throughput, "
        "in process (bare ms / page ms)",
        f"{ratio:.1%}",
        ratio >= TARGET_RATIO,
    )


if __name__ == "__main__":
    main()
