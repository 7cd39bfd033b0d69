from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mentorship.http import AuthedHttpRequest
from notifications import inbound
from notifications.forms import PreferencesForm
from notifications.models import Reminder
from notifications.reminders import (
    kinds_for,
    preferences_of,
    preferences_save,
    unsubscribe,
    unsubscribe_from_token,
)
from notifications.selectors import notification_list_for_user, notification_unread_count
from notifications.services import notification_mark_all_read, notification_mark_read


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(notification_list_for_user(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notification_list_for_user(user=request.user), pk=pk)
    notification_mark_read(recipient=request.user, notification_id=notification.pk)
    if request.htmx:
        # The item in place, and the navigation's count out of band.
        notification.refresh_from_db()
        return render(
            request,
            "notifications/_read.html",
            {
                "notification": notification,
                "unread_count": notification_unread_count(user=request.user),
            },
        )
    if (
        request.POST.get("follow")
        and notification.link
        and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None)
    ):
        return redirect(notification.link)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    notification_mark_all_read(recipient=request.user)
    return redirect("notifications:list")


@csrf_exempt  # mail clients POST the one-click unsubscribe (RFC 8058); the signed token is the check
@login_not_required
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link in reminder emails: GET asks, POST (also the mail client's) stops them."""
    found = unsubscribe_from_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user, kind = found
    if request.method == "POST":
        unsubscribe(user=user, kind=kind)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": True, "kind": kind, "kind_label": Reminder(kind).label},
        )
    return render(request, "notifications/unsubscribe.html", {"kind_label": Reminder(kind).label})


def preferences(request: AuthedHttpRequest) -> HttpResponse:
    """Per kind: in-app, email, weekly digest; and quiet hours in the person's own zone."""
    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, preferences=current, kinds=kinds_for(request.user))
    if request.method == "POST" and form.is_valid():
        preferences_save(user=request.user, **form.to_service())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form, "kinds": form.kind_rows()}
    )


@csrf_exempt
@login_not_required
@require_POST
def inbound_email(request: HttpRequest) -> HttpResponse:
    """A mail provider's inbound webhook: the raw message as the body (``message/rfc822``) or as
    the form field ``email`` (as SendGrid's raw mode posts it), with the shared secret as a
    Bearer token. 403 without the right token; 204 once handled (refusals are logged, not
    answered with an error, so the provider does not retry them)."""
    secret = settings.INBOUND_EMAIL_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=403)
    raw = request.POST.get("email", "").encode() if request.POST else request.body
    inbound.receive(raw)
    return HttpResponse(status=204)
