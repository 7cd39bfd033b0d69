"""Pages that gather from every app: the landing page, home, and the health check."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from notifications.selectors import notification_list_for_user
from programs import selectors as program_selectors

logger = logging.getLogger(__name__)


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "pages/landing.html")


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "pages/home.html",
        {
            "memberships": program_selectors.membership_list_for_user(user=user),
            "invitations": program_selectors.invitation_list_for_user(user=user),
            "admin_programs": program_selectors.admin_program_list_for_user(user=user),
            "open_programs": program_selectors.open_program_list_for_user(user=user)[:5],
            "recent_notifications": notification_list_for_user(user=user).filter(read_at__isnull=True)[:5],
        },
    )


def _check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("healthz: database check failed: %s", exc)
        return "down"
    return "ok"


def _check_broker() -> str:
    from mentorship.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            # Declaring nothing, just asking the transport for a channel proves it answers.
            connection.default_channel  # noqa: B018
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("healthz: broker check failed: %s", exc)
        return "down"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)
