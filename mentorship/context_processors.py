from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation shows: the unread count and the programs this person runs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build() -> dict[str, Any]:
        from notifications.selectors import notification_unread_count
        from programs.access import programs_administered_by

        admin_programs = list(programs_administered_by(user).only("name", "slug").order_by("name"))
        return {
            "unread_count": notification_unread_count(user=user),
            "admin_programs": admin_programs,
            "can_create_program": bool(admin_programs) or user.is_superuser,
        }

    return {"nav": SimpleLazyObject(build)}
