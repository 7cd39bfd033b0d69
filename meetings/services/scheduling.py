"""Scheduling meetings: propose, confirm, reschedule, cancel, mark held, and the missed scan.

A pair's meeting is proposed by one and confirmed by the other. A circle's meeting is scheduled
by its mentor, on at once for every member; only the mentor moves or cancels it, and anyone in
the circle may mark it held.

The mentor's boundaries (contact windows, notice, a pause) are enforced here, never left to
goodwill: a time that breaks one is refused with the rule and the next times that would fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching.models import (
    Availability,
    ClosingReason,
    MeetingFormat,
    MentorProfile,
    Mentorship,
    MentorshipGroup,
)
from matching.services.mentorships import (
    mentorship_close,
    mentorships_close_many,
    tell_both_closed,
)
from matching.services.requests import record_change
from matching.windows import UTC, Interval, Window, zone_label
from meetings.access import meetings_of, people_of
from meetings.busy import calendar_busy_of
from meetings.invitations import CANCEL, calendars_after_commit
from meetings.models import Agreement, Meeting, MeetingAnswer
from meetings.places import jitsi_room, place_check, place_from_norms
from meetings.slots import format_slot, free_slots, slot_refusal, start_refusal
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify
from programs.events import emit
from programs.models import Participant

Status = Meeting.Status
OPEN = (Status.PROPOSED, Status.CONFIRMED)
DEFAULT_MINUTES = 30
MIN_MINUTES, MAX_MINUTES = 10, 240
DEFAULT_NOTICE_HOURS = 24
SLOT_DAYS = 14
# A refusal suggests times from further out than the picker shows, so it rarely says "none".
SUGGESTION_DAYS = 28
SUGGESTIONS = 3
MISSED_AFTER = timedelta(days=1)

# Text sent to someone else is lazy (gettext_lazy, format_lazy): notify() makes it in the
# recipient's language. A label in lower case, made in that language too.
lazy_lower = lazy(lambda text: str(text).lower(), str)

# What somebody outside a meeting, or a member of a circle where only its mentor may, is refused,
# by what they tried: for a pair's meeting, and for a circle's (with its mentor's %(name)s).
_ONLY_THE_PAIR = {
    "schedule": gettext_lazy("Only the two people in a mentorship can schedule its meetings."),
    "confirm": gettext_lazy("Only the two people in a mentorship can confirm its meetings."),
    "say where": gettext_lazy("Only the two people in a mentorship can say where its meetings."),
    "reschedule": gettext_lazy("Only the two people in a mentorship can reschedule its meetings."),
    "cancel": gettext_lazy("Only the two people in a mentorship can cancel its meetings."),
    "answer": gettext_lazy("Only the two people in a mentorship can answer its meetings."),
    "mark held": gettext_lazy("Only the two people in a mentorship can mark held its meetings."),
}
_ONLY_THE_LEADER = {
    "say where": gettext_lazy("Only %(name)s, who leads the circle, can say where its meetings."),
    "reschedule": gettext_lazy("Only %(name)s, who leads the circle, can reschedule its meetings."),
    "cancel": gettext_lazy("Only %(name)s, who leads the circle, can cancel its meetings."),
    "answer": gettext_lazy("Only %(name)s, who leads the circle, can answer its meetings."),
    "mark held": gettext_lazy("Only %(name)s, who leads the circle, can mark held its meetings."),
}
# A meeting that cannot be moved or cancelled any more, by what was tried.
_NOT_OPEN = {
    "rescheduled": gettext_lazy(
        "Only a proposed or confirmed meeting can be rescheduled; this one is %(status)s."
    ),
    "cancelled": gettext_lazy(
        "Only a proposed or confirmed meeting can be cancelled; this one is %(status)s."
    ),
}
_STARTED = {
    "rescheduled": gettext_lazy(
        "This meeting has already started, so it can no longer be rescheduled: mark it held if "
        "it took place."
    ),
    "cancelled": gettext_lazy(
        "This meeting has already started, so it can no longer be cancelled: mark it held if "
        "it took place."
    ),
}


# ---------------------------------------------------------------------------
# The mentor's boundaries as plain values
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Boundaries:
    """What the pure slot rules need to know about a mentor."""

    mentor_name: str
    windows: tuple[Window, ...]
    zone: str
    minimum_notice: timedelta
    cancellation_notice: timedelta
    away_until: date | None

    def is_away(self, today: date) -> bool:
        return self.away_until is not None and self.away_until > today


def boundaries_of(mentor: Participant) -> Boundaries:
    """The mentor's windows, notice and pause; a mentor who set none has no windows."""
    try:
        availability: Availability | None = mentor.availability
    except Availability.DoesNotExist:
        availability = None
    try:
        away_until = mentor.mentor_profile.away_until
    except MentorProfile.DoesNotExist:
        away_until = None
    if availability is None:
        return Boundaries(
            mentor_name=mentor.user.get_full_name(),
            windows=(),
            zone=mentor.user.time_zone,
            minimum_notice=timedelta(hours=DEFAULT_NOTICE_HOURS),
            cancellation_notice=timedelta(hours=DEFAULT_NOTICE_HOURS),
            away_until=away_until,
        )
    return Boundaries(
        mentor_name=mentor.user.get_full_name(),
        windows=tuple(
            Window(w.weekday, w.start_time, w.end_time) for w in availability.windows.all()
        ),
        zone=availability.time_zone,
        minimum_notice=timedelta(hours=availability.minimum_notice_hours),
        cancellation_notice=timedelta(hours=availability.cancellation_notice_hours),
        away_until=away_until,
    )


def pair_of(mentorship: Mentorship) -> list[int]:
    return [mentorship.mentor.user_id, mentorship.mentee.user_id]


def busy_for(people: list[int], *, now: datetime, exclude: int | None = None) -> list[Interval]:
    """Open meetings of these people, in any of their mentorships and circles, not yet ended,
    and the busy times of the calendars they connected (meetings.services.calendars)."""
    meetings = Meeting.objects.filter(meetings_of(people), status__in=OPEN, ends_at__gt=now)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    return [*meetings.values_list("starts_at", "ends_at"), *calendar_busy_of(people, now=now)]


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------
def _agreed(owner: Mentorship | MentorshipGroup, *fields: str) -> tuple[Any, ...] | None:
    """These fields of the pair's (or the circle's) norms in force, if they agreed any."""
    whose = {"group": owner} if isinstance(owner, MentorshipGroup) else {"mentorship": owner}
    return (
        Agreement.objects.filter(**whose, confirmed_at__isnull=False)
        .order_by("-version")
        .values_list(*fields)
        .first()
    )


def default_minutes(owner: Mentorship | MentorshipGroup) -> int:
    """The meeting length the pair (or the circle) agreed on, or half an hour."""
    agreed = _agreed(owner, "meeting_minutes")
    return (agreed[0] if agreed else None) or DEFAULT_MINUTES


def default_place(owner: Mentorship | MentorshipGroup) -> tuple[str, str]:
    """Where the pair (or the circle) agreed to meet: the format and the channel of their
    norms, as a new meeting's format and place (meetings.places.place_from_norms)."""
    agreed = _agreed(owner, "format", "channel")
    return place_from_norms(*agreed) if agreed else ("", "")


def slots_for(
    *,
    mentorship: Mentorship,
    minutes: int,
    now: datetime | None = None,
    exclude: int | None = None,
    days: int = SLOT_DAYS,
) -> list[datetime]:
    """Free starts (UTC) for a meeting of this mentorship; none while it is not active."""
    choices = slot_choices_for(mentorship, minutes=minutes, now=now, exclude=exclude, days=days)
    return [start for start, free in choices if free]


def circle_slots_for(
    *,
    circle: MentorshipGroup,
    minutes: int,
    now: datetime | None = None,
    exclude: int | None = None,
) -> list[datetime]:
    """Free starts (UTC) for a circle meeting: inside its mentor's windows, clear of the
    mentor's other meetings (the mentor chooses, so no notice applies)."""
    choices = slot_choices_for(circle, minutes=minutes, now=now, exclude=exclude)
    return [start for start, free in choices if free]


def slot_choices_for(
    owner: Mentorship | MentorshipGroup,
    *,
    minutes: int,
    now: datetime | None = None,
    exclude: int | None = None,
    days: int = SLOT_DAYS,
) -> list[tuple[datetime, bool]]:
    """Every start (UTC) inside the mentor's windows and past the notice, and whether it is free:
    False when one of the people is busy then (a meeting, or their own calendar), so the picker
    can show it as busy. A pair's: none while it is not active; a circle's: its mentor's, who
    chooses, so no notice applies."""
    if isinstance(owner, MentorshipGroup):
        people, notice = [owner.mentor.user_id], False
    elif owner.status != Mentorship.Status.ACTIVE:
        return []
    else:
        people, notice = pair_of(owner), True
    now = now or timezone.now()
    rules = boundaries_of(owner.mentor)

    def starts(busy: list[Interval]) -> list[datetime]:
        return free_slots(
            rules.windows,
            window_zone=rules.zone,
            duration=timedelta(minutes=minutes),
            minimum_notice=rules.minimum_notice if notice else timedelta(0),
            busy=busy,
            now=now,
            days=days,
            away_until=rules.away_until,
        )

    free = set(starts(busy_for(people, now=now, exclude=exclude)))
    return [(start, start in free) for start in starts([])]


def late_cancellations(mentorship: Mentorship) -> int:
    """How many of this mentorship's meetings were cancelled or moved inside the notice."""
    return Meeting.objects.filter(mentorship=mentorship, cancelled_late=True).count()


def upcoming_meetings_for(
    *, user: User, limit: int = 3, now: datetime | None = None
) -> list[Meeting]:
    """The person's next few proposed or confirmed meetings, soonest first."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(meetings_of([user.pk]), status__in=OPEN, ends_at__gt=now)
        .select_related(
            "mentorship__mentor__user", "mentorship__mentee__user", "group__mentor__user"
        )
        .order_by("starts_at", "id")[:limit]
    )


def meeting_list_for_user(
    *, user: User, now: datetime | None = None, past_limit: int = 50
) -> tuple[list[Meeting], list[Meeting]]:
    """The person's upcoming meetings (soonest first) and past ones (latest first)."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(meetings_of([user.pk])).select_related(
        "mentorship__mentor__user",
        "mentorship__mentee__user",
        "mentorship__program",
        "group__mentor__user",
        "group__program",
    )
    upcoming_filter = Q(status__in=OPEN, ends_at__gt=now)
    upcoming = list(meetings.filter(upcoming_filter).order_by("starts_at", "id"))
    past = list(meetings.exclude(upcoming_filter).order_by("-starts_at", "-id")[:past_limit])
    return upcoming, past


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------
def _lock_mentorship(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "mentee__user", "program")
        .get(pk=mentorship.pk)
    )


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "group__mentor__user",
            "group__program",
        )
        .get(pk=meeting.pk)
    )


def _lock_people(people: list[int]) -> None:
    """Lock the people's rows, in id order: busy times span all of a person's mentorships and
    circles, so two proposals sharing a person must not both take the same slot."""
    list(User.objects.select_for_update().filter(pk__in=people).order_by("pk").values("pk"))


def _other(mentorship: Mentorship, actor: User, doing: str) -> User:
    other = mentorship.other_person(actor.pk)
    if other is not None:
        return other
    raise DomainError(str(_ONLY_THE_PAIR[doing]))


def _others(meeting: Meeting, actor: User, doing: str, *, leader_only: bool = False) -> list[User]:
    """Everyone else the meeting is for: the other of the pair, or the rest of the circle.
    Refused for anybody outside it, and with ``leader_only`` for a circle member."""
    if meeting.mentorship is not None:
        return [_other(meeting.mentorship, actor, doing)]
    circle = meeting.group
    assert circle is not None
    people = circle.people()
    if actor.pk == circle.mentor.user_id:
        return people[1:]
    if leader_only or actor.pk not in {person.pk for person in people}:
        raise DomainError(_ONLY_THE_LEADER[doing] % {"name": circle.mentor.user.get_full_name()})
    return [person for person in people if person.pk != actor.pk]


def _require_active(mentorship: Mentorship) -> None:
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise DomainError(
            _("This mentorship is %(status)s: only an active mentorship can schedule meetings.")
            % {"status": mentorship.get_status_display().lower()}
        )


def _require_open_and_ahead(meeting: Meeting, now: datetime, doing: str) -> None:
    if meeting.status not in OPEN:
        raise DomainError(_NOT_OPEN[doing] % {"status": meeting.get_status_display().lower()})
    if meeting.starts_at <= now:
        raise DomainError(str(_STARTED[doing]))


def _ends_at(starts_at: datetime, minutes: int, *, actor: User, now: datetime) -> datetime:
    """The end of a meeting from ``starts_at``, once its start and length are in range."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    # Before any arithmetic: a start on the calendar's first or last day overflows it.
    refusal = start_refusal(starts_at, now=now, zone=actor.time_zone)
    if refusal is not None:
        raise DomainError(refusal, field="starts_at")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise DomainError(
            _("A meeting lasts between %(min)s and %(max)s minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field="minutes",
        )
    return starts_at + timedelta(minutes=minutes)


def _check_slot(
    mentor: Participant,
    people: list[int],
    *,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    exclude: int | None = None,
    with_notice: bool = True,
) -> None:
    """Refuse a time that breaks a boundary, naming the rule and the next times that fit."""
    rules = boundaries_of(mentor)
    busy = busy_for(people, now=now, exclude=exclude)
    refusal = slot_refusal(
        starts_at,
        ends_at,
        windows=rules.windows,
        window_zone=rules.zone,
        minimum_notice=rules.minimum_notice if with_notice else timedelta(0),
        busy=busy,
        now=now,
        mentor_name=rules.mentor_name,
        away_until=rules.away_until,
    )
    if refusal is None:
        return
    fitting = free_slots(
        rules.windows,
        window_zone=rules.zone,
        duration=ends_at - starts_at,
        minimum_notice=rules.minimum_notice if with_notice else timedelta(0),
        busy=busy,
        now=now,
        days=SUGGESTION_DAYS,
        away_until=rules.away_until,
    )[:SUGGESTIONS]
    if fitting:
        times = ", ".join(format_slot(start, actor.time_zone) for start in fitting)
        refusal += " " + _("Times that fit: %(times)s (%(zone)s).") % {
            "times": times,
            "zone": zone_label(actor.time_zone),
        }
    else:
        refusal += " " + _("No time fits in the next %(weeks)s weeks.") % {
            "weeks": SUGGESTION_DAYS // 7
        }
    raise DomainError(refusal, field="starts_at")


def _is_late(meeting: Meeting, now: datetime) -> bool:
    """Only a confirmed meeting can be dropped late: an unconfirmed proposal promised nothing."""
    if meeting.status != Status.CONFIRMED:
        return False
    return meeting.starts_at - now < boundaries_of(meeting.owner.mentor).cancellation_notice


def _when(starts_at: datetime, zone: str) -> str:
    return f"{format_slot(starts_at, zone)} {zone_label(zone)}"


_when_lazy = lazy(_when, str)


def when_for(meeting: Meeting, user: User) -> str:
    """When the meeting starts, as ``user`` reads it (their zone), in the active language."""
    return _when(meeting.starts_at, user.time_zone)


def when_lazy(meeting: Meeting, user: User) -> Any:
    """``when_for``, made when the text is (in the recipient's language): for notifications. The
    start is taken now, so a meeting moved meanwhile keeps the time it had."""
    return _when_lazy(meeting.starts_at, user.time_zone)


def _tell(recipient: User, title: Any, meeting: Meeting, body: Any = "") -> None:
    notify(
        recipient=recipient,
        kind=Notification.Kind.MENTORSHIP,
        title=title,
        body=body,
        link=meeting.get_absolute_url(),
    )


def _tell_each(
    people: list[User], title: Callable[[User], Any], meeting: Meeting, body: Any = ""
) -> None:
    for person in people:
        _tell(person, title(person), meeting, body)


def _emit(meeting: Meeting, event_type: str) -> None:
    emit(
        meeting.owner.program,
        event_type,
        meeting=meeting.pk,
        mentorship=meeting.mentorship_id,
        circle=meeting.group_id,
        starts_at=meeting.starts_at,
        status=meeting.status,
    )


def _record(meeting: Meeting, *, actor: User | None, from_status: str, note: str) -> None:
    """A pair's meeting enters its mentorship's history; a circle's meeting keeps its own times
    (confirmed, cancelled, held), as it belongs to no one mentorship."""
    if meeting.mentorship is None:
        return
    record_change(
        mentorship=meeting.mentorship,
        actor=actor,
        from_status=from_status,
        to_status=meeting.status,
        note=f"meeting {meeting.starts_at:%Y-%m-%d %H:%M} UTC {note}".strip(),
    )


@transaction.atomic
def meeting_propose(
    *, mentorship: Mentorship, actor: User, starts_at: datetime, minutes: int
) -> Meeting:
    """Either person proposes a time inside the mentor's windows; the other confirms it."""
    mentorship = _lock_mentorship(mentorship)
    other = _other(mentorship, actor, "schedule")
    _require_active(mentorship)
    now = timezone.now()
    ends_at = _ends_at(starts_at, minutes, actor=actor, now=now)
    _lock_people(pair_of(mentorship))
    _check_slot(
        mentorship.mentor,
        pair_of(mentorship),
        actor=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
    )
    format, place = default_place(mentorship)
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        status=Status.PROPOSED,
        proposed_by=actor,
        format=format,
        place=place,
    )
    _record(meeting, actor=actor, from_status="", note="proposed")
    calendars_after_commit(meeting)
    _tell(
        other,
        format_lazy(
            gettext_lazy("{name} proposed a meeting on {when}"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, other),
        ),
        meeting,
        gettext_lazy("Confirm it, or propose another time."),
    )
    return meeting


@transaction.atomic
def meeting_place_set(
    *, meeting: Meeting, actor: User, format: str, place: str = "", jitsi: bool = False
) -> Meeting:
    """Either of the pair (a circle's mentor, for a circle) says where a meeting that has not
    ended happens: a video link (or a new Jitsi Meet room), a phone number, a place. The
    others are told."""
    meeting = _lock_meeting(meeting)
    others = _others(meeting, actor, "say where", leader_only=True)
    now = timezone.now()
    if meeting.status not in OPEN or meeting.ends_at <= now:
        raise DomainError(
            _(
                "Only a meeting that is proposed or confirmed, and not over, can change where it "
                "happens."
            )
        )
    if jitsi and format != MeetingFormat.VIDEO:
        raise DomainError(_("A Jitsi room is for a video call."), field="format")
    try:
        place = jitsi_room() if jitsi else place_check(format, place)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="place") from None
    if (meeting.format, meeting.place) == (format, place):
        return meeting
    meeting.format, meeting.place = format, place
    meeting.sequence += 1
    meeting.save(update_fields=["format", "place", "sequence", "updated_at"])
    calendars_after_commit(meeting)
    label = MeetingFormat(format).label
    _tell_each(
        others,
        lambda person: format_lazy(
            gettext_lazy("{name} set where you meet on {when}"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, person),
        ),
        meeting,
        format_lazy("{format}: {where}", format=label, where=place or lazy_lower(label)),
    )
    return meeting


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, actor: User) -> Meeting:
    """The person who did not propose the time confirms it; the slot is checked again."""
    meeting = _lock_meeting(meeting)
    mentorship = meeting.mentorship
    if mentorship is None:
        raise DomainError(_("A circle's meeting is on once its mentor schedules it."))
    other = _other(mentorship, actor, "confirm")
    if meeting.status != Status.PROPOSED:
        raise DomainError(
            _("Only a proposed meeting can be confirmed; this one is %(status)s.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.proposed_by_id == actor.pk:
        raise DomainError(
            _("You proposed this time, so %(name)s confirms it (or proposes another).")
            % {"name": other.get_full_name()}
        )
    _require_active(mentorship)
    _lock_people(pair_of(mentorship))
    now = timezone.now()
    # The notice protects against surprise; the person confirming is not surprised, so it is
    # not checked again. Windows, clashes and the past are.
    _check_slot(
        mentorship.mentor,
        pair_of(mentorship),
        actor=actor,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        now=now,
        exclude=meeting.pk,
        with_notice=False,
    )
    meeting.status = Status.CONFIRMED
    meeting.confirmed_at = now
    meeting.sequence += 1
    meeting.save(update_fields=["status", "confirmed_at", "sequence", "updated_at"])
    calendars_after_commit(meeting)
    _emit(meeting, "meeting.confirmed")
    _record(meeting, actor=actor, from_status=Status.PROPOSED, note="confirmed")
    _tell(
        other,
        format_lazy(
            gettext_lazy("{name} confirmed your meeting on {when}"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, other),
        ),
        meeting,
    )
    return meeting


@transaction.atomic
def circle_meeting_schedule(
    *, circle: MentorshipGroup, actor: User, starts_at: datetime, minutes: int
) -> Meeting:
    """The circle's mentor sets a time inside their own windows; it is on at once for every
    member, who are told. Nobody else schedules for the circle."""
    circle = (
        MentorshipGroup.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "program")
        .get(pk=circle.pk)
    )
    people = circle.people()
    if actor.pk != circle.mentor.user_id:
        raise DomainError(
            _("Only %(name)s, who leads the circle, schedules its meetings.")
            % {"name": circle.mentor.user.get_full_name()}
        )
    if len(people) < 2:
        raise DomainError(_("This circle has no members yet, so there is nobody to meet."))
    now = timezone.now()
    ends_at = _ends_at(starts_at, minutes, actor=actor, now=now)
    _lock_people([actor.pk])
    # The mentor chooses the time, so their notice does not hold them back; windows, clashes
    # with their other meetings and the past do.
    _check_slot(
        circle.mentor,
        [actor.pk],
        actor=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        with_notice=False,
    )
    format, place = default_place(circle)
    meeting = Meeting.objects.create(
        group=circle,
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        status=Status.CONFIRMED,
        confirmed_at=now,
        proposed_by=actor,
        format=format,
        place=place,
    )
    calendars_after_commit(meeting)
    _emit(meeting, "meeting.confirmed")
    _tell_each(
        people[1:],
        lambda member: format_lazy(
            gettext_lazy("{name} set a circle meeting for {when}"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, member),
        ),
        meeting,
        gettext_lazy("Add your questions to its agenda."),
    )
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, actor: User, starts_at: datetime, minutes: int
) -> Meeting:
    """Move a meeting to a new time, proposed by the mover; late if inside the cancel notice.
    A circle's meeting is moved by its mentor only, and stays on."""
    meeting = _lock_meeting(meeting)
    mentorship = meeting.mentorship
    others = _others(meeting, actor, "reschedule", leader_only=True)
    now = timezone.now()
    _require_open_and_ahead(meeting, now, "rescheduled")
    if mentorship is not None:
        _require_active(mentorship)
    ends_at = _ends_at(starts_at, minutes, actor=actor, now=now)
    people = pair_of(mentorship) if mentorship is not None else [actor.pk]
    _lock_people(people)
    _check_slot(
        meeting.owner.mentor,
        people,
        actor=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        exclude=meeting.pk,
        with_notice=mentorship is not None,
    )
    late = _is_late(meeting, now)
    from_status = meeting.status
    old_when = {person.pk: when_lazy(meeting, person) for person in others}
    meeting.starts_at = starts_at.astimezone(UTC)
    meeting.ends_at = ends_at.astimezone(UTC)
    meeting.proposed_by = actor
    if mentorship is not None:
        meeting.status = Status.PROPOSED
        meeting.confirmed_at = None
    # Once late, always late: moving it again does not undo the short notice.
    meeting.cancelled_late = meeting.cancelled_late or late
    meeting.sequence += 1
    meeting.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "status",
            "proposed_by",
            "confirmed_at",
            "cancelled_late",
            "sequence",
            "updated_at",
        ]
    )
    calendars_after_commit(meeting)
    _record(
        meeting,
        actor=actor,
        from_status=from_status,
        note="rescheduled late" if late else "rescheduled",
    )
    _tell_each(
        others,
        lambda other: format_lazy(
            gettext_lazy("{name} moved your meeting from {old} to {new}"),
            name=actor.get_full_name(),
            old=old_when[other.pk],
            new=when_lazy(meeting, other),
        ),
        meeting,
        gettext_lazy("Confirm the new time, or propose another.") if mentorship is not None else "",
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    """Either person cancels before the start; inside the mentor's cancel notice it is late.
    A circle's meeting is cancelled by its mentor only."""
    meeting = _lock_meeting(meeting)
    others = _others(meeting, actor, "cancel", leader_only=True)
    now = timezone.now()
    _require_open_and_ahead(meeting, now, "cancelled")
    late = _is_late(meeting, now)
    from_status = meeting.status
    meeting.status = Status.CANCELLED
    meeting.cancelled_by = actor
    meeting.cancelled_at = now
    meeting.cancelled_late = meeting.cancelled_late or late
    meeting.sequence += 1
    meeting.save(
        update_fields=[
            "status",
            "cancelled_by",
            "cancelled_at",
            "cancelled_late",
            "sequence",
            "updated_at",
        ]
    )
    calendars_after_commit(meeting, CANCEL)
    _record(
        meeting,
        actor=actor,
        from_status=from_status,
        note="cancelled late" if late else "cancelled",
    )
    _tell_each(
        others,
        lambda other: format_lazy(
            gettext_lazy("{name} cancelled your meeting on {when} at short notice")
            if late
            else gettext_lazy("{name} cancelled your meeting on {when}"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, other),
        ),
        meeting,
    )
    return meeting


@transaction.atomic
def meeting_answer_record(*, meeting: Meeting, user: User, answer: str, sequence: int) -> Meeting:
    """A person's answer from their calendar to the meeting's invitation. Accepting a time the
    other proposed confirms it; declining a proposed time declines it (the cancel's rules
    apply); declining a confirmed meeting is told to the others, who may move or cancel it.
    An answer to an older version of the invitation is ignored."""
    meeting = _lock_meeting(meeting)
    others = _others(meeting, user, "answer")
    if meeting.status not in OPEN:
        raise DomainError(
            _("This meeting is %(status)s.") % {"status": meeting.get_status_display().lower()}
        )
    if sequence < meeting.sequence:
        raise DomainError(_("That answers an older version of the invitation."))
    MeetingAnswer.objects.update_or_create(
        meeting=meeting, user=user, defaults={"answer": answer, "sequence": sequence}
    )
    if meeting.status == Status.PROPOSED and meeting.proposed_by_id != user.pk:
        if answer == MeetingAnswer.Answer.ACCEPTED and meeting.mentorship is not None:
            return meeting_confirm(meeting=meeting, actor=user)
        if answer == MeetingAnswer.Answer.DECLINED:
            return meeting_cancel(meeting=meeting, actor=user)
    if answer == MeetingAnswer.Answer.DECLINED:
        _tell_each(
            others if meeting.group is None else [meeting.group.mentor.user],
            lambda other: format_lazy(
                gettext_lazy("{name} declined the meeting on {when} in their calendar"),
                name=user.get_full_name(),
                when=when_lazy(meeting, other),
            ),
            meeting,
            gettext_lazy("Move it, or cancel it, from the meeting's page."),
        )
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor: User) -> Meeting:
    """Anyone in it says the meeting took place, once it has started (a missed one too)."""
    meeting = _lock_meeting(meeting)
    others = _others(meeting, actor, "mark held")
    now = timezone.now()
    if meeting.status not in (Status.CONFIRMED, Status.MISSED):
        raise DomainError(
            _("Only a confirmed meeting can be marked held; this one is %(status)s.")
            % {"status": meeting.get_status_display().lower()}
        )
    if meeting.starts_at > now:
        raise DomainError(_("This meeting has not started yet."))
    from_status = meeting.status
    meeting.status = Status.HELD
    meeting.held_at = now
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    _record(meeting, actor=actor, from_status=from_status, note="held")
    _emit(meeting, "meeting.held")
    _tell_each(
        others,
        lambda other: format_lazy(
            gettext_lazy("{name} marked your meeting on {when} held"),
            name=actor.get_full_name(),
            when=when_lazy(meeting, other),
        ),
        meeting,
    )
    mentorship = meeting.mentorship
    if (
        mentorship is not None
        and mentorship.single_session
        and mentorship.status in Mentorship.LIVE_STATUSES
    ):
        # Flash mentoring: one focused session, and the relationship is complete.
        mentorship_close(
            mentorship=mentorship,
            actor=actor,
            reason=ClosingReason.RAN_ITS_COURSE,
            note="A flash mentorship completes after its session.",
        )
    return meeting


# ---------------------------------------------------------------------------
# The missed-meeting scan
# ---------------------------------------------------------------------------
def meeting_mark_missed_one_due(*, now: datetime | None = None) -> bool:
    """Mark one confirmed meeting missed a day after it ended; False when none is due."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(status=Status.CONFIRMED, ends_at__lte=now - MISSED_AFTER)
        .order_by("ends_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if due is None:
        return False
    try:
        _mark_missed(due, now)
    except Exception:
        # The due date is derived from ends_at, so "pushing it forward" means taking the row out
        # of the scan (without its notices): one bad row must not block every later one.
        Meeting.objects.filter(pk=due, status=Status.CONFIRMED).update(
            status=Status.MISSED, updated_at=now
        )
        raise
    return True


def _mark_missed(due: int, now: datetime) -> None:
    with transaction.atomic():
        # Claim with a conditional update: a second worker, or a second run, finds it taken.
        claimed = Meeting.objects.filter(pk=due, status=Status.CONFIRMED).update(
            status=Status.MISSED, updated_at=now
        )
        if claimed != 1:
            return
        meeting = Meeting.objects.select_related(
            "mentorship__mentor__user", "mentorship__mentee__user", "group__mentor__user"
        ).get(pk=due)
        _record(meeting, actor=None, from_status=Status.CONFIRMED, note="missed")
        _emit(meeting, "meeting.missed")
        _tell_each(
            people_of(meeting),
            lambda person: format_lazy(
                gettext_lazy("Your meeting on {when} was marked missed"),
                when=when_lazy(meeting, person),
            ),
            meeting,
            gettext_lazy("Nobody marked it held. If it took place, mark it held."),
        )


def meetings_mark_missed_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Mark overdue confirmed meetings missed, one claimed row at a time; safe to run twice."""
    done = 0
    while done < limit and meeting_mark_missed_one_due(now=now):
        done += 1
    return done


# ---------------------------------------------------------------------------
# Flash sessions nobody marked held
# ---------------------------------------------------------------------------
FLASH_GRACE = timedelta(days=7)


@transaction.atomic
def flash_sessions_complete_due(*, now: datetime | None = None) -> int:
    """A flash mentorship whose session was due more than a week ago, and nobody marked held,
    is complete all the same ("ran its course"); both people are told. Safe to run twice."""
    now = now or timezone.now()
    overdue = Meeting.objects.filter(
        mentorship=OuterRef("pk"), ends_at__lte=now - FLASH_GRACE
    ).exclude(status=Status.CANCELLED)
    due = list(
        Mentorship.objects.select_for_update(of=("self",))
        .filter(single_session=True, status__in=Mentorship.LIVE_STATUSES)
        .filter(Exists(overdue))
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )
    closed = mentorships_close_many(
        mentorships=due,
        actor=None,
        reason=ClosingReason.RAN_ITS_COURSE,
        note="A flash session is complete a week after it was due.",
        status=Mentorship.Status.COMPLETED,
    )
    tell_both_closed(
        closed,
        title=lambda other: format_lazy(
            gettext_lazy("Your flash session with {name} is complete"), name=other.get_full_name()
        ),
        body=lambda mentorship: gettext_lazy(
            "A week has passed since it was due. A closing reflection or a thank-you "
            "note is always welcome."
        ),
    )
    return len(closed)
