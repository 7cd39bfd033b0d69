"""Writes to a person's side of matching: mentor and mentee profiles, a mentor's boundaries
(contact windows and notice), and sharing goals with one's mentors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import User
from accounts.services import user_update_profile
from goals.models import Goal
from goals.services import goal_shares_set
from matching.models import (
    Availability,
    ContactWindow,
    MenteeProfile,
    MentorProfile,
)
from matching.windows import Window, validate_windows
from mentorship.errors import DomainError
from programs.models import Participant, Role, Topic

MENTOR_FIELDS = (
    "headline",
    "bio",
    "seniority",
    "years_experience",
    "help_offered",
    "advisor_roles",
    "cannot_help_with",
    "capacity",
    "accepting_requests",
    "away_until",
    "formats",
    "preferred_frequency",
    "communication",
)
MENTEE_FIELDS = (
    "help_wanted",
    "formats",
    "working_hours_start",
    "working_hours_end",
    "hours_per_month",
    "note_to_mentors",
    "seniority",
)


def _clean(instance: Any, exclude: list[str]) -> None:
    """Model validation as a readable refusal next to the right field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            " ".join(messages), field=None if field_name == "__all__" else field_name
        ) from exc


def _organization_topics(participant: Participant, topics: Iterable[Topic]) -> list[Topic]:
    topics = list(topics)
    foreign = [t.name for t in topics if t.organization_id != participant.program.organization_id]
    if foreign:
        raise DomainError(
            gettext("%(topics)s is not on this program's topic list.")
            % {"topics": ", ".join(foreign)},
            field="topics",
        )
    return topics


def paused_by_admins_words(profile: MentorProfile) -> str:
    """Why a mentor cannot switch their requests back on."""
    when = timezone.localdate(profile.paused_by_admins_at)
    return gettext(
        "Your program's admins paused your new requests on %(date)s; only they can let "
        "requests in again."
    ) % {"date": date_format(when, "j F Y")}


@transaction.atomic
def mentor_profile_update(
    *,
    participant: Participant,
    topics: Iterable[Topic] | None = None,
    cannot_help_topics: Iterable[Topic] | None = None,
    **values: Any,
) -> MentorProfile:
    """Save what a mentor offers and the limits they set."""
    if participant.role != Role.MENTOR:
        raise DomainError(gettext("Only mentors have a mentor profile."))
    unknown = set(values) - set(MENTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown mentor profile fields {sorted(unknown)}")
    profile, _ = MentorProfile.objects.select_for_update().get_or_create(participant=participant)
    if profile.paused_by_admins_at is not None and values.get("accepting_requests"):
        raise DomainError(paused_by_admins_words(profile), field="accepting_requests")
    away = values.get("away_until")
    if away and away != profile.away_until and away < timezone.localdate():
        raise DomainError(
            gettext(
                "“Away until” is in the past: leave it empty if you are back, or pick a date "
                "from today on."
            ),
            field="away_until",
        )
    for key, value in values.items():
        setattr(profile, key, value)
    _clean(profile, exclude=["participant"])
    profile.save()
    can = (
        _organization_topics(participant, topics)
        if topics is not None
        else list(profile.topics.all())
    )
    cannot = (
        _organization_topics(participant, cannot_help_topics)
        if cannot_help_topics is not None
        else list(profile.cannot_help_topics.all())
    )
    both = sorted({t.name for t in can} & {t.name for t in cannot})
    if both:
        raise DomainError(
            gettext("%(topics)s cannot be both a topic you help with and one you cannot.")
            % {"topics": ", ".join(both)},
            field="cannot_help_topics",
        )
    profile.topics.set(can)
    profile.cannot_help_topics.set(cannot)
    return profile


@transaction.atomic
def mentee_profile_update(*, participant: Participant, **values: Any) -> MenteeProfile:
    """Save what a mentee looks for."""
    if participant.role != Role.MENTEE:
        raise DomainError(gettext("Only mentees have a mentee profile."))
    unknown = set(values) - set(MENTEE_FIELDS)
    if unknown:
        raise TypeError(f"unknown mentee profile fields {sorted(unknown)}")
    profile, _ = MenteeProfile.objects.select_for_update().get_or_create(participant=participant)
    for key, value in values.items():
        setattr(profile, key, value)
    if profile.working_hours_start >= profile.working_hours_end:
        raise DomainError(
            gettext("Working hours must end after they start."), field="working_hours_end"
        )
    _clean(profile, exclude=["participant"])
    profile.save()
    return profile


@transaction.atomic
def availability_set(
    *,
    participant: Participant,
    time_zone: str,
    minimum_notice_hours: int,
    cancellation_notice_hours: int,
    windows: Sequence[Window],
) -> Availability:
    """Replace a mentor's contact windows and notice, all or nothing."""
    if participant.role != Role.MENTOR:
        raise DomainError(gettext("Only mentors set contact windows."))
    problems = validate_windows(windows)
    if problems:
        raise DomainError(" ".join(problems), field="windows")
    for name, hours in (
        ("minimum_notice_hours", minimum_notice_hours),
        ("cancellation_notice_hours", cancellation_notice_hours),
    ):
        if not 0 <= hours <= 24 * 14:
            raise DomainError(
                gettext("Notice is between 0 hours and two weeks (336 hours)."), field=name
            )
    availability, _ = Availability.objects.select_for_update().get_or_create(
        participant=participant, defaults={"time_zone": time_zone}
    )
    availability.time_zone = time_zone
    availability.minimum_notice_hours = minimum_notice_hours
    availability.cancellation_notice_hours = cancellation_notice_hours
    try:
        availability.full_clean(exclude=["participant"])
    except ValidationError as exc:  # an unknown zone
        raise DomainError(
            gettext("%(zone)s is not a time zone name.") % {"zone": time_zone}, field="time_zone"
        ) from exc
    availability.save()
    availability.windows.all().delete()
    ContactWindow.objects.bulk_create(
        [
            ContactWindow(
                availability=availability, weekday=w.weekday, start_time=w.start, end_time=w.end
            )
            for w in windows
        ]
    )
    return availability


def participant_details_save(*, user: User, department: str, job_title: str) -> User:
    """The work details a person's profile shows in every program (their name and zone are
    their account's)."""
    return user_update_profile(
        user=user,
        full_name=user.full_name,
        time_zone=user.time_zone,
        department=department,
        job_title=job_title,
    )


@transaction.atomic
def goal_share_with_mentors(*, goal: Goal, owner: User, mentor_ids: Iterable[int]) -> list[User]:
    """Share a goal with some or all of its owner's current mentors; everyone else is unshared."""
    from matching.selectors import mentor_users_of

    if goal.owner.user_id != owner.pk:
        raise DomainError(gettext("Only the goal's owner can share it."))
    allowed = {u.pk: u for u in mentor_users_of(mentee=goal.owner)}
    wanted = set(mentor_ids)
    strangers = wanted - set(allowed)
    if strangers:
        raise DomainError(
            gettext("You can share a goal only with your own mentors in this program."),
            field="mentors",
        )
    return goal_shares_set(goal=goal, mentors=[allowed[pk] for pk in sorted(wanted)])
