"""A group program's circle: its members, its norms (set by its mentor) and its meetings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.access import get_circle_for_user
from meetings.forms import CircleNormsForm
from meetings.models import Agreement, Meeting
from meetings.services import together
from meetings.services.scheduling import OPEN
from meetings.timeline import norms_of
from mentorship.http import AuthedHttpRequest, run_form

PAST_SHOWN = 20


def circle_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Everyone in the circle sees who is in it, its norms and its meetings; its mentor sets the
    norms here and schedules meetings from here."""
    circle = get_circle_for_user(request.user, pk)
    leads = circle.mentor.user_id == request.user.pk
    norms = norms_of(circle=circle)
    form = None
    if leads:
        latest = norms.latest
        form = CircleNormsForm(
            request.POST or None,
            instance=Agreement(
                **{field: getattr(latest, field) for field in CircleNormsForm.Meta.fields}
            )
            if latest
            else Agreement(),
        )
        if response := run_form(
            request,
            form,
            lambda data: together.circle_norms_set(circle=circle, actor=request.user, **data),
            done=_("Saved: these are the circle's norms now, and every member is told."),
            then=circle.get_absolute_url(),
        ):
            return response
    elif request.method == "POST":
        raise PermissionDenied(_("Only the circle's mentor sets its norms."))
    now = timezone.now()
    members = list(circle.live_members())
    meetings = Meeting.objects.filter(group=circle)
    return render(
        request,
        "meetings/circle.html",
        {
            "circle": circle,
            "leads": leads,
            "members": members,
            # The circle's conversation opens through the viewer's own membership (any, for
            # its mentor).
            "through": next(
                (m for m in members if m.mentee.user_id == request.user.pk),
                members[0] if members else None,
            ),
            "norms": norms,
            "form": form,
            "upcoming": list(
                meetings.filter(status__in=OPEN, ends_at__gt=now).order_by("starts_at")
            ),
            "past": list(
                meetings.exclude(status__in=OPEN, ends_at__gt=now).order_by("-starts_at")[
                    :PAST_SHOWN
                ]
            ),
        },
    )


urlpatterns = [
    path("circles/<int:pk>/", circle_detail, name="circle"),
]
