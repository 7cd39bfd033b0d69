"""Someone leaves the organization (HR's leaver, through SCIM or an organization admin): what
they had open in its programs closes, and each person waiting on them hears why, without blame.
identity.services runs this inside its one transaction with the rest of the leaver path."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching.models import ClosingReason, Mentorship, MentorshipRequest
from matching.services.mentorships import mentorships_close_many, tell_both_closed
from matching.services.requests import requests_withdraw_for_leavers
from programs.models import Participant


@dataclass
class Closed:
    """What a leaver's departure closed, for the audit entry and the admins' notice."""

    mentorships: list[Mentorship] = field(default_factory=list)
    requests: list[MentorshipRequest] = field(default_factory=list)


def close_for_leaver(
    *,
    participants: list[Participant],
    actor: User | None,
    reason: str = ClosingReason.LEFT_ORGANIZATION,
) -> Closed:
    """Withdraw the pending requests to or from ``participants`` and end their live mentorships
    (a circle's mentor: every membership of their circles) with ``reason``: "left the
    organization", or "left the program" when they deleted their account (privacy)."""
    ids = [p.pk for p in participants]
    closed = Closed()
    if not ids:
        return closed
    closed.requests = requests_withdraw_for_leavers(participant_ids=ids, actor=actor)
    live = list(
        Mentorship.objects.select_for_update(of=("self",))
        .filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .filter(status__in=Mentorship.LIVE_STATUSES)
        .select_related("mentor__user", "mentee__user", "program")
        .order_by("pk")
    )
    closed.mentorships = mentorships_close_many(
        mentorships=live,
        actor=actor,
        reason=reason,
        note=f"{ClosingReason(reason).label}.",
    )
    leavers = {p.user_id for p in participants}
    tell_both_closed(
        closed.mentorships,
        skip=leavers,
        title=lambda other: format_lazy(
            gettext_lazy("{name} has left the program: your mentorship has ended")
            if reason == ClosingReason.LEFT_PROGRAM
            else gettext_lazy("{name} has left the organization: your mentorship has ended"),
            name=other.get_full_name(),
        ),
        body=lambda m: gettext_lazy(
            "Nothing you did: they can no longer take part here. A closing "
            "reflection is still yours to write, and the program's admins can help you find "
            "someone new."
        ),
    )
    return closed
