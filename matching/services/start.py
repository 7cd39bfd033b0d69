"""The one way a relationship starts: accepted requests, published rounds and admins' reassignments
all call ``mentorship_start``, which holds the mentor's capacity under a row lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from matching.models import MentorProfile, Mentorship, MentorshipGroup
from mentorship.errors import DomainError
from programs.events import emit
from programs.models import Participant, Program, Role


@dataclass(frozen=True)
class StartFacts:
    """What decides whether a pair may start: read under locks by ``mentorship_start``, in bulk
    by a round's publish preview, so both give the same answer in the same words."""

    mentor_name: str
    mentee_name: str
    both_active: bool
    together: bool  # already in a live mentorship with each other
    mentor_live: int
    seats: int  # the places the mentor's capacity holds (``Program.seats``)
    capacity_words: str  # that capacity in the program's unit: "3 mentees", "1 circle of 6"
    mentee_board: int  # the mentee's live mentorships
    max_board: int
    program_name: str


def start_refusal(facts: StartFacts) -> str:
    """Why this pair cannot start now, or "" when it can. Pure."""
    if not facts.both_active:
        return gettext("Both people must be active participants of the program.")
    if facts.together:
        return gettext("These two are already working together.")
    if facts.mentor_live >= facts.seats:
        return gettext("%(name)s is at capacity (%(capacity)s).") % {
            "name": facts.mentor_name,
            "capacity": facts.capacity_words,
        }
    if facts.mentee_board >= facts.max_board:
        board = facts.mentee_board
        return ngettext(
            "%(name)s already has %(count)s mentor, the most %(program)s allows.",
            "%(name)s already has %(count)s mentors, the most %(program)s allows.",
            board,
        ) % {"name": facts.mentee_name, "count": board, "program": facts.program_name}
    return ""


def _circle_with_room(mentor: Participant, program: Program) -> MentorshipGroup:
    """The mentor's first circle with a place left, or a new one. The caller holds the mentor's
    profile lock and has checked their seats, so while there are fewer circles than the
    capacity a new one may open, and otherwise one of them has a place."""
    circles = list(
        MentorshipGroup.objects.filter(mentor=mentor)
        .annotate(
            members=Count("memberships", filter=Q(memberships__status__in=Mentorship.LIVE_STATUSES))
        )
        .order_by("number")
    )
    for circle in circles:
        if circle.members < program.circle_size:
            return circle
    number = max((circle.number for circle in circles), default=0) + 1
    return MentorshipGroup.objects.create(program=program, mentor=mentor, number=number)


@transaction.atomic
def mentorship_start(
    *, mentor: Participant, mentee: Participant, advisor_role: str = ""
) -> Mentorship:
    """Start a relationship, within the mentor's capacity (their profile row is locked)."""
    if mentor.program_id != mentee.program_id:
        raise DomainError(gettext("Mentor and mentee must be in the same program."))
    if mentor.role != Role.MENTOR or mentee.role != Role.MENTEE:
        raise DomainError(gettext("A mentorship pairs a mentor with a mentee."))
    if mentor.user_id == mentee.user_id:
        raise DomainError(gettext("Nobody can mentor themselves."))
    # Lock both rows: two starts at once cannot exceed the mentor's capacity or the mentee's board.
    locked = list(Participant.objects.select_for_update().filter(pk__in=[mentor.pk, mentee.pk]))
    profile, _ = MentorProfile.objects.select_for_update().get_or_create(participant=mentor)
    live = Mentorship.objects.filter(mentor=mentor, status__in=Mentorship.LIVE_STATUSES)
    program = mentor.program
    refusal = start_refusal(
        StartFacts(
            mentor_name=str(mentor.user),
            mentee_name=str(mentee.user),
            both_active=all(p.status == Participant.Status.ACTIVE for p in locked),
            together=live.filter(mentee=mentee).exists(),
            mentor_live=live.count(),
            seats=program.seats(profile.capacity),
            capacity_words=program.capacity_words(profile.capacity),
            mentee_board=Mentorship.objects.filter(
                mentee=mentee, status__in=Mentorship.LIVE_STATUSES
            ).count(),
            max_board=program.max_mentors_per_mentee,
            program_name=program.name,
        )
    )
    if refusal:
        raise DomainError(refusal)
    # One reading of the clock: the end date counts from the very instant the pair starts, so a
    # start a second before midnight does not end a day early.
    started_at = timezone.now()
    today = timezone.localdate(started_at)
    ends_on = None
    if program.relationship_length_months:
        ends_on = today + timedelta(days=30 * program.relationship_length_months)
    group = _circle_with_room(mentor, program) if program.in_circles else None
    single_session = program.kind == Program.Kind.FLASH
    if single_session:
        ends_on = today + timedelta(days=30)  # one focused session, soon
    mentorship = Mentorship.objects.create(
        program=program,
        started_at=started_at,
        mentor=mentor,
        mentee=mentee,
        advisor_role=advisor_role,
        ends_on=ends_on,
        group=group,
        single_session=single_session,
    )
    emit(
        program,
        "mentorship.started",
        mentorship=mentorship.pk,
        mentor=mentor.pk,
        mentee=mentee.pk,
        circle=mentorship.group_id,
    )
    return mentorship
