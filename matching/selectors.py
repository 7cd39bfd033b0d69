"""Reads of profiles and relationships that views share."""

from __future__ import annotations

from accounts.models import User
from matching.models import Mentorship
from programs.models import Participant

LIVE = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)


def mentor_users_of(*, mentee: Participant) -> list[User]:
    """The people mentoring this mentee now, in name order."""
    return list(
        User.objects.filter(
            participations__mentorships_as_mentor__mentee=mentee,
            participations__mentorships_as_mentor__status__in=LIVE,
        )
        .distinct()
        .order_by("full_name")
    )
