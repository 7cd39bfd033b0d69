from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

# The navigation's links that take no argument: reversed once per process (and per script
# prefix and URL configuration, which could differ between requests), not on every page: they
# were two thirds of the page's `{% url %}` calls.
NAV_LINKS = (
    "home",
    "landing",
    "programs:list",
    "programs:create",
    "goals:list",
    "matching:requests",
    "matching:mentorships",
    "meetings:meetings",
    "meetings:checkins",
    "meetings:calendar",
    "conversations:list",
    "notifications:list",
    "notifications:preferences",
    "accounts:profile",
    "account_email",
    "account_change_password",
    "mfa_index",
    "api:tokens",
    "privacy:settings",
    "admin:index",
    "account_logout",
    "account_login",
    "account_signup",
)


@cache
def _links(prefix: str, urlconf: str | None) -> dict[str, str]:
    """``NAV_LINKS`` by name, with ``_`` for ``:`` (a template reads ``nav_urls.goals_list``)."""
    return {name.replace(":", "_"): reverse(name, urlconf=urlconf) for name in NAV_LINKS}


def nav_links() -> dict[str, str]:
    return _links(get_script_prefix(), get_urlconf())


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """``queryset``'s row count as an expression, so that several counts take one query."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1]), 0, output_field=IntegerField())


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation shows: unread notifications and due check-ins (one query for both),
    unread messages (kept in the cache between the writes that change it), and the programs
    and organizations this person runs or is a mentee of (their standing, kept likewise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_urls": nav_links()}

    def build() -> dict[str, Any]:
        from accounts.models import User
        from conversations.selectors import unread_message_count
        from meetings.services.checkins import checkins_due
        from notifications.selectors import unread_notifications
        from programs.standing import standing_of

        standing = standing_of(user)
        unread, due = (
            User.objects.filter(pk=user.pk)
            .values_list(_count(unread_notifications(user=user)), _count(checkins_due(user=user)))
            .get()
        )
        return {
            "unread_count": unread,
            "checkins_due": due,
            "unread_messages": unread_message_count(user=user),
            "admin_programs": standing.admin_programs,
            "admin_organizations": standing.organizations,
            # Where a mentee finds a mentor (or a peer) and sees their board of advisors.
            "mentee_programs": standing.mentee_programs,
            "can_create_program": bool(standing.admin_programs) or user.is_superuser,
        }

    return {"nav": SimpleLazyObject(build), "nav_urls": nav_links()}
