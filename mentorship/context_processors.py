from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """``queryset``'s row count as an expression, so that several counts take one query."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1]), 0, output_field=IntegerField())


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation shows: unread notifications and due check-ins (one query for both),
    unread messages (kept in the cache between the writes that change it),
    and the programs this person runs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build() -> dict[str, Any]:
        from accounts.models import User
        from conversations.selectors import unread_message_count
        from meetings.services.checkins import checkins_due
        from notifications.selectors import unread_notifications
        from programs.access import program_admin_participations
        from programs.models import Participant, Program, Role

        # The programs this person runs and those they are an active mentee of, in one query.
        runs = program_admin_participations().filter(program=OuterRef("pk"), user=user)
        mentee = Participant.objects.filter(
            program=OuterRef("pk"), user=user, role=Role.MENTEE, status=Participant.Status.ACTIVE
        )
        programs = list(
            Program.objects.annotate(runs=Exists(runs), mentee=Exists(mentee))
            .filter(Q(runs=True) | Q(mentee=True))
            .only("name", "slug", "kind", "matching_mode", "max_mentors_per_mentee")
            .order_by("name")
        )
        admin_programs = [p for p in programs if p.runs]
        unread, due = (
            User.objects.filter(pk=user.pk)
            .values_list(_count(unread_notifications(user=user)), _count(checkins_due(user=user)))
            .get()
        )
        return {
            "unread_count": unread,
            "checkins_due": due,
            "unread_messages": unread_message_count(user=user),
            "admin_programs": admin_programs,
            # Where a mentee finds a mentor (or a peer) and sees their board of advisors.
            "mentee_programs": [p for p in programs if p.mentee],
            "can_create_program": bool(admin_programs) or user.is_superuser,
        }

    return {"nav": SimpleLazyObject(build)}
