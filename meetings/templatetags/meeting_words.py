"""How a meeting is named to the person looking at it."""

from __future__ import annotations

from django import template

from meetings.models import Meeting

register = template.Library()


@register.filter
def with_whom(meeting: Meeting, user_id: int) -> str:
    """ "Amara Okafor" for a pair's meeting, "your circle" or "Amara Okafor's circle" for a
    circle's (``Meeting.with_whom``)."""
    return meeting.with_whom(user_id)
