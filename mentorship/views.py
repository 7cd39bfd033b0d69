"""Pages that gather from every app: the landing page, home, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from matching.selectors import requests_waiting_for
from meetings.selectors import next_steps_for
from meetings.services.scheduling import upcoming_meetings_for
from meetings.timeline import open_action_items_for, wins_for_mentee
from mentorship.health import health_report
from mentorship.http import AuthedHttpRequest
from notifications.selectors import notification_list_for_user
from programs import selectors as program_selectors


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "pages/landing.html")


def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context = program_selectors.program_overview_for_user(user=user)
    context["admin_programs"] = program_selectors.admin_program_list_for_user(user=user)
    context["recent_notifications"] = notification_list_for_user(user=user).filter(
        read_at__isnull=True
    )[:5]
    context["open_action_items"] = open_action_items_for(user=user)
    context["wins"] = wins_for_mentee(user=user)
    context["waiting"] = requests_waiting_for(user=user)
    context["next_meetings"] = upcoming_meetings_for(user=user, limit=3)
    context["next_steps"] = next_steps_for(user=user)
    return render(request, "pages/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico by themselves: the site's icon (its static address is read
    at request time, from the manifest collectstatic wrote in production)."""
    return redirect(static("favicon.svg"))
