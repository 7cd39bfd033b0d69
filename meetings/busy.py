"""Reads of people's connected calendars for the slot picker: their busy times as kept by the
last sync (meetings.services.calendars), and whether one could not be read lately. One query
each; the network is never touched here."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime

from matching.windows import Interval
from meetings.models import CalendarConnection


def calendar_busy_of(people: list[int], *, now: datetime) -> list[Interval]:
    """The kept busy times of these people's calendars that have not ended: one query."""
    found: list[Interval] = []
    for busy in CalendarConnection.objects.filter(user_id__in=people).values_list(
        "busy", flat=True
    ):
        for begins, ends in busy:
            start, end = parse_datetime(begins), parse_datetime(ends)
            if start is not None and end is not None and end > now:
                found.append((start, end))
    return found


def calendars_stale(people: list[int]) -> bool:
    """Whether a calendar of these people could not be read lately (its busy times may be out
    of date): one query."""
    return CalendarConnection.objects.filter(user_id__in=people).exclude(sync_error="").exists()
