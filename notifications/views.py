from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mentorship.http import AuthedHttpRequest
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
