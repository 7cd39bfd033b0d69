"""Scheduling pages: propose and reschedule with a slot picker, the meeting actions, my meetings,
and the calendar downloads and private feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.models import Mentorship, MentorshipGroup
from matching.windows import windows_label, zone_label
from meetings import busy, calendar
from meetings.access import (
    get_circle_for_user,
    get_meeting_for_user,
    get_mentorship_for_scheduling,
)
from meetings.forms import CalendarConnectForm, SlotForm
from meetings.models import CalendarConnection, Meeting
from meetings.services import calendars, scheduling
from meetings.slots import format_slot
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest, run_form


def _slot_days(
    choices: list[tuple[datetime, bool]], zone: str
) -> list[tuple[date, list[tuple[str, str, bool]]]]:
    """Starts grouped by the viewer's local day: (day, [(value, "15:00", free), ...])."""
    local_zone = ZoneInfo(zone)
    return [
        (
            day,
            [
                (start.isoformat(), f"{start.astimezone(local_zone):%H:%M}", free)
                for start, free in group
            ],
        )
        for day, group in groupby(choices, key=lambda c: c[0].astimezone(local_zone).date())
    ]


def _picker(
    request: AuthedHttpRequest,
    form: SlotForm,
    *,
    owner: Mentorship | MentorshipGroup,
    minutes: int,
    meeting: Meeting | None = None,
) -> HttpResponse:
    """The slot picker for a pair's meeting, or for a circle's (its mentor's free times)."""
    rules = scheduling.boundaries_of(owner.mentor)
    zone = request.user.time_zone
    exclude = meeting.pk if meeting else None
    choices = scheduling.slot_choices_for(owner, minutes=minutes, exclude=exclude)
    if isinstance(owner, MentorshipGroup):
        is_active = True
        people = [owner.mentor.user_id]
    else:
        is_active = owner.status == Mentorship.Status.ACTIVE
        people = scheduling.pair_of(owner)
    return render(
        request,
        "meetings/propose.html",
        {
            "mentorship": owner if isinstance(owner, Mentorship) else None,
            "circle": owner if isinstance(owner, MentorshipGroup) else None,
            "meeting": meeting,
            "form": form,
            "days": _slot_days(choices, zone),
            "any_free": any(free for _start, free in choices),
            "any_busy": not all(free for _start, free in choices),
            "minutes": minutes,
            "rules": rules,
            "windows": windows_label(rules.windows, rules.zone) if rules.windows else "",
            "notice_hours": int(rules.minimum_notice.total_seconds() // 3600),
            "viewer_zone": zone_label(zone),
            "is_active": is_active,
            "is_away": rules.is_away(timezone.localdate()),
            "calendars_stale": busy.calendars_stale(people),
        },
    )


def _minutes_from(form: SlotForm, default: int) -> int:
    value = form.data.get("minutes") if form.is_bound else None
    try:
        minutes = int(value) if value else default
    except (TypeError, ValueError):
        return default
    return minutes if scheduling.MIN_MINUTES <= minutes <= scheduling.MAX_MINUTES else default


def _new_meeting(
    request: AuthedHttpRequest,
    owner: Mentorship | MentorshipGroup,
    schedule: Callable[..., Meeting],
    done: str,
) -> HttpResponse:
    """Pick a free slot (or type a time) for a meeting of ``owner``, and ``schedule`` it; ``done``
    says so, with the time as ``%(when)s``."""
    default = scheduling.default_minutes(owner)
    form = SlotForm(request.POST or None, zone=request.user.time_zone, initial={"minutes": default})
    if response := run_form(
        request,
        form,
        lambda data: schedule(
            owner, actor=request.user, starts_at=data["starts_at"], minutes=data["minutes"]
        ),
        done=lambda meeting: (
            done % {"when": format_slot(meeting.starts_at, request.user.time_zone)}
        ),
        then=lambda meeting: meeting.get_absolute_url(),
    ):
        return response
    return _picker(request, form, owner=owner, minutes=_minutes_from(form, default))


def meeting_propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Propose a time to the other person, who confirms it."""
    return _new_meeting(
        request,
        get_mentorship_for_scheduling(request.user, pk),
        lambda owner, **when: scheduling.meeting_propose(mentorship=owner, **when),
        _("Proposed %(when)s: it is on once the other person confirms."),
    )


def circle_meeting_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The circle's mentor picks a time in their windows; it is on for every member at once."""
    circle = get_circle_for_user(request.user, pk)
    if circle.mentor.user_id != request.user.pk:
        raise PermissionDenied(_("Only the circle's mentor schedules its meetings."))
    return _new_meeting(
        request,
        circle,
        lambda owner, **when: scheduling.circle_meeting_schedule(circle=owner, **when),
        _("Set for %(when)s: every member of the circle is told."),
    )


def meeting_reschedule(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Move a meeting to another free slot; the other person confirms the new time (a circle's
    mentor moves the circle's meeting, and it stays on)."""
    meeting = get_meeting_for_user(request.user, pk)
    owner: Mentorship | MentorshipGroup
    if meeting.group_id is not None:
        owner = get_circle_for_user(request.user, meeting.group_id)
        if owner.mentor.user_id != request.user.pk:
            raise PermissionDenied(_("Only the circle's mentor moves its meetings."))
    else:
        assert meeting.mentorship_id is not None
        owner = get_mentorship_for_scheduling(request.user, meeting.mentorship_id)
    default = round((meeting.ends_at - meeting.starts_at).total_seconds() / 60)
    form = SlotForm(request.POST or None, zone=request.user.time_zone, initial={"minutes": default})
    if response := run_form(
        request,
        form,
        lambda data: scheduling.meeting_reschedule(
            meeting=meeting,
            actor=request.user,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
        ),
        done=lambda moved: (
            _("Moved to %(when)s.") % {"when": format_slot(moved.starts_at, request.user.time_zone)}
            + (
                " " + _("Inside the cancellation notice, so it counts as late.")
                if moved.cancelled_late
                else ""
            )
        ),
        then=lambda moved: moved.get_absolute_url(),
    ):
        return response
    return _picker(
        request, form, owner=owner, minutes=_minutes_from(form, default), meeting=meeting
    )


def _act(
    request: AuthedHttpRequest, pk: int, action: Callable[..., Meeting], done: str
) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    try:
        meeting = action(meeting=meeting, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(meeting.get_absolute_url())


@require_POST
def meeting_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, scheduling.meeting_confirm, _("Confirmed: it is in both calendars."))


@require_POST
def meeting_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, scheduling.meeting_cancel, _("Cancelled; the others are told."))


@require_POST
def meeting_held(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, scheduling.meeting_mark_held, _("Marked held: add notes and action items.")
    )


def meeting_list(request: AuthedHttpRequest) -> HttpResponse:
    """My upcoming and past meetings, in every mentorship."""
    upcoming, past = scheduling.meeting_list_for_user(user=request.user)
    return render(
        request,
        "meetings/meeting_list.html",
        {"upcoming": upcoming, "past": past, "viewer_zone": zone_label(request.user.time_zone)},
    )


def _ics_response(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def meeting_ics(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    return _ics_response(calendar.meeting_ics(meeting, request.user), f"meeting-{meeting.pk}.ics")


def calendar_page(
    request: AuthedHttpRequest, connect_form: CalendarConnectForm | None = None
) -> HttpResponse:
    """My private feed address, and a button to replace it; my own calendar over CalDAV."""
    feed = calendar.calendar_feed_of(request.user)
    url = (
        request.build_absolute_uri(reverse("meetings:calendar_feed", args=[feed.secret]))
        if feed
        else ""
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "feed": feed,
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
            "connection": CalendarConnection.objects.filter(user=request.user).first(),
            "connect_form": connect_form or CalendarConnectForm(),
        },
    )


@require_POST
def calendar_connect(request: AuthedHttpRequest) -> HttpResponse:
    form = CalendarConnectForm(request.POST)
    if form.is_valid():
        try:
            connection = calendars.calendar_connect(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Connected: your calendar “%(name)s”.") % {"name": connection.calendar_name},
            )
            return redirect("meetings:calendar")
    return calendar_page(request, connect_form=form)


@require_POST
def calendar_sync(request: AuthedHttpRequest) -> HttpResponse:
    connection = CalendarConnection.objects.filter(user=request.user).first()
    if connection is None:
        raise Http404("No calendar is connected.")
    connection = calendars.calendar_sync(connection=connection)
    if connection.sync_error:
        messages.error(request, connection.sync_error)
    else:
        messages.success(request, _("Synced: your calendar and Twoway agree."))
    return redirect("meetings:calendar")


@require_POST
def calendar_disconnect(request: AuthedHttpRequest) -> HttpResponse:
    if calendars.calendar_disconnect(user=request.user):
        messages.success(
            request, _("Disconnected: Twoway no longer holds its address or password.")
        )
    return redirect("meetings:calendar")


@require_POST
def calendar_regenerate(request: AuthedHttpRequest) -> HttpResponse:
    had_one = calendar.calendar_feed_of(request.user) is not None
    calendar.calendar_feed_regenerate(user=request.user)
    messages.success(
        request,
        _("New feed address made; the old one no longer works.")
        if had_one
        else _("Your private feed address is ready."),
    )
    return redirect("meetings:calendar")


# The secret in the address is the only credential: calendar apps cannot log in.
@login_not_required
def calendar_feed(request: AuthedHttpRequest, secret: str) -> HttpResponse:
    user = calendar.feed_user_for_secret(secret)
    if user is None:
        raise Http404("No such calendar.")
    # A calendar app asks, not the person: the feed is in the language they chose.
    with translation.override(user.language_code):
        return _ics_response(calendar.feed_ics(user))


urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("mentorships/<int:pk>/meetings/new/", meeting_propose, name="meeting_propose"),
    path("circles/<int:pk>/meetings/new/", circle_meeting_new, name="circle_meeting_new"),
    path("meetings/<int:pk>/confirm/", meeting_confirm, name="meeting_confirm"),
    path("meetings/<int:pk>/reschedule/", meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/held/", meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/meeting.ics", meeting_ics, name="meeting_ics"),
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/regenerate/", calendar_regenerate, name="calendar_regenerate"),
    path("calendar/connect/", calendar_connect, name="calendar_connect"),
    path("calendar/sync/", calendar_sync, name="calendar_sync"),
    path("calendar/disconnect/", calendar_disconnect, name="calendar_disconnect"),
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar_feed"),
]
