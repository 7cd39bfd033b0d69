"""``{% avatar person size %}``: a person's photo, or their initials where they have none."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def avatar(person: Any, size: int = 40) -> SafeString:
    """``person``: a User, or anything with ``user_id``, ``photo`` (the stored name) and
    ``initials`` (a directory card)."""
    if hasattr(person, "get_full_name"):
        pk, photo, initials = person.pk, person.photo.name if person.photo else "", person.initials
    else:
        pk, photo, initials = person.user_id, person.photo, person.initials
    return render_to_string(
        "accounts/_avatar.html", {"pk": pk, "photo": photo, "initials": initials, "size": size}
    )
