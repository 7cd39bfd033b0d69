"""Writes to meetings: availability (contact windows and notice)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.services import user_update_profile
from matching.services import mentee_profile_update, mentor_profile_update
from meetings.models import Availability, ContactWindow
from meetings.slots import Window, validate_windows
from mentorship.errors import DomainError
from programs.models import Participant, Role


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
        raise DomainError("Only mentors set contact windows.")
    problems = validate_windows(windows)
    if problems:
        raise DomainError(" ".join(problems), field="windows")
    for name, hours in (
        ("minimum_notice_hours", minimum_notice_hours),
        ("cancellation_notice_hours", cancellation_notice_hours),
    ):
        if not 0 <= hours <= 24 * 14:
            raise DomainError("Notice is between 0 hours and two weeks (336 hours).", field=name)
    availability, _ = Availability.objects.select_for_update().get_or_create(
        participant=participant, defaults={"time_zone": time_zone}
    )
    availability.time_zone = time_zone
    availability.minimum_notice_hours = minimum_notice_hours
    availability.cancellation_notice_hours = cancellation_notice_hours
    try:
        availability.full_clean(exclude=["participant"])
    except ValidationError as exc:  # an unknown zone
        raise DomainError(f"{time_zone} is not a time zone name.", field="time_zone") from exc
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


@transaction.atomic
def participant_profile_save(
    *,
    user: User,
    details: dict[str, Any],
    mentor: tuple[Participant, dict[str, Any]] | None = None,
    availability: tuple[Participant, dict[str, Any], Sequence[Window]] | None = None,
    mentee: tuple[Participant, dict[str, Any]] | None = None,
) -> None:
    """Save a person's profile for a program in one go: any refusal leaves everything as it was."""
    user_update_profile(
        user=user,
        full_name=user.full_name,
        time_zone=user.time_zone,
        department=details.get("department", ""),
        job_title=details.get("job_title", ""),
    )
    if mentor is not None:
        participant, values = mentor
        values = dict(values)
        mentor_profile_update(
            participant=participant,
            topics=values.pop("topics", None),
            cannot_help_topics=values.pop("cannot_help_topics", None),
            **values,
        )
    if availability is not None:
        participant, values, windows = availability
        availability_set(participant=participant, windows=windows, **values)
    if mentee is not None:
        participant, values = mentee
        mentee_profile_update(participant=participant, **values)
