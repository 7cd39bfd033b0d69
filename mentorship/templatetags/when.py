"""Dates and times as people say them: "just now" rather than "0 minutes ago", and a date's
year only when it is not this year's."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """'3 days ago', or 'just now' within the minute; '' for no time."""
    if value is None:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value)}


@register.filter
def day(value: date | datetime | None) -> str:
    """'5 May' this year, '5 May 2019' in any other; '' for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = timezone.localdate().year
    return date_format(value, "j M" if value.year == this_year else "j M Y")
