"""The WSGI application load.py and faults.py run under gunicorn: Twoway itself, and at
/__bare__/ one view that only answers "ok", through the same Django and the same middleware.

The bare view is the baseline a page's throughput is compared with: what Django, the middleware
and gunicorn cost before a page does any work. It lives here, not in the app, and only the
benchmarks serve it. Not a benchmark itself (`make bench` skips files starting with "_").
"""

from __future__ import annotations

import os

import django
from django.contrib.auth.decorators import login_not_required
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
django.setup(set_prefix=False)

BARE_PATH = "/__bare__/"


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare)]


class _TwowayAndBare(WSGIHandler):
    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        if request.path_info == BARE_PATH:
            request.urlconf = __name__  # type: ignore[attr-defined]
        return super().resolve_request(request)


application = _TwowayAndBare()
