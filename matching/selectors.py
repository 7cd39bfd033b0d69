"""Reads of profiles, requests and relationships that views share, and of a person in one
program for the profile pages (roles, profiles and contact windows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from goals.models import Goal, GoalShare
from matching.access import mentorships_visible_to, related_or_none, requests_visible_to
from matching.models import (
    AdvisorRole,
    Availability,
    ContactWindow,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    Report,
    ReportNote,
    StateChange,
    seats_of,
)
from matching.windows import Occurrence, Window, occurrences, weekly_hours
from programs.models import Participant, Program, Role


def mentor_users_of(*, mentee: Participant) -> list[User]:
    """The people mentoring this mentee now, in name order."""
    return list(
        User.objects.filter(
            participations__mentorships_as_mentor__mentee=mentee,
            participations__mentorships_as_mentor__status__in=Mentorship.LIVE_STATUSES,
        )
        .distinct()
        .order_by("full_name")
    )


def _request_rows(qs: QuerySet[MentorshipRequest]) -> QuerySet[MentorshipRequest]:
    return qs.select_related("mentee__user", "mentor__user", "program", "topic")


@dataclass
class Inbox:
    received: list[MentorshipRequest] = field(default_factory=list)
    sent: list[MentorshipRequest] = field(default_factory=list)
    # Which sides the person takes part on: a side they never had shows no empty section.
    as_mentor: bool = False
    as_mentee: bool = False


def inbox_for_user(*, user: User, limit: int = 100) -> Inbox:
    """Requests to the person as mentor, and from them as mentee; open ones first."""
    open_first = Case(
        When(status=MentorshipRequest.Status.PENDING, then=Value(0)), default=Value(1)
    )
    visible = requests_visible_to(user)
    received = _request_rows(visible.filter(mentor__user=user)).order_by(open_first, "-created_at")
    sent = _request_rows(visible.filter(mentee__user=user)).order_by(open_first, "-created_at")
    roles = set(Participant.objects.filter(user=user).values_list("role", flat=True).distinct())
    inbox = Inbox(received=list(received[:limit]), sent=list(sent[:limit]))
    inbox.as_mentor = Role.MENTOR in roles or bool(inbox.received)
    inbox.as_mentee = Role.MENTEE in roles or bool(inbox.sent)
    return inbox


def request_detail(*, request_id: int) -> MentorshipRequest:
    return (
        MentorshipRequest.objects.select_related(
            "mentee__user", "mentor__user", "program", "topic", "redirected_to__user", "mentorship"
        )
        .prefetch_related(
            "goals",
            "messages__author",
            Prefetch("changes", queryset=StateChange.objects.select_related("actor")),
        )
        .get(pk=request_id)
    )


def mentorship_list_for_user(*, user: User) -> QuerySet[Mentorship]:
    return (
        mentorships_visible_to(user)
        .select_related("mentee__user", "mentor__user", "program", "group")
        .order_by("status", "-started_at")
    )


def mentorship_detail(*, mentorship_id: int) -> Mentorship:
    return (
        Mentorship.objects.select_related(
            "mentee__user", "mentor__user", "program", "group__mentor__user"
        )
        .prefetch_related(
            Prefetch("changes", queryset=StateChange.objects.select_related("actor")),
            "reflections__author",
        )
        .get(pk=mentorship_id)
    )


def shared_goals_of(*, mentorship: Mentorship) -> list[Goal]:
    """The mentee's goals shared with this mentor."""
    shared = GoalShare.objects.filter(mentor=mentorship.mentor.user, goal__owner=mentorship.mentee)
    return list(
        Goal.objects.filter(pk__in=shared.values("goal_id"))
        .prefetch_related("topics")
        .order_by("position")
    )


def group_members_of(*, mentorship: Mentorship) -> list[Mentorship]:
    """In a group program, the other live memberships of the mentor's circle."""
    if mentorship.group is None:
        return []
    return list(mentorship.group.live_members().exclude(pk=mentorship.pk))


@dataclass
class Responsiveness:
    """How a mentor answers: the figures mentees see on the profile."""

    received: int
    answered: int
    median_hours: float | None
    last_active: object | None

    @property
    def answered_share(self) -> int | None:
        return round(100 * self.answered / self.received) if self.received else None


def responsiveness_of(*, mentor: Participant, days: int = 90) -> Responsiveness:
    """Requests of the last ``days`` days: how many got an answer, and how fast (median)."""
    since = timezone.now() - timedelta(days=days)
    rows = list(
        MentorshipRequest.objects.filter(mentor=mentor, created_at__gte=since)
        .exclude(status=MentorshipRequest.Status.WITHDRAWN)
        .values_list("created_at", "answered_at")
    )
    waits = [(answered - created).total_seconds() / 3600 for created, answered in rows if answered]
    return Responsiveness(
        received=len(rows),
        answered=len(waits),
        median_hours=round(median(waits), 1) if waits else None,
        last_active=mentor.user.last_login,
    )


@dataclass
class BoardSeat:
    role: str
    label: str
    mentorships: list[Mentorship] = field(default_factory=list)
    suggestions: list[Participant] = field(default_factory=list)


def board_for(*, mentee: Participant, suggestions_per_seat: int = 3) -> list[BoardSeat]:
    """The mentee's mentors grouped by advisor role; empty seats come with suggested mentors."""
    seats = {code: BoardSeat(role=code, label=str(label)) for code, label in AdvisorRole.choices}
    seats[""] = BoardSeat(role="", label=gettext("No role named"))
    live = Mentorship.objects.filter(
        mentee=mentee, status__in=Mentorship.LIVE_STATUSES
    ).select_related("mentor__user")
    taken = set()
    for mentorship in live:
        seats[mentorship.advisor_role or ""].mentorships.append(mentorship)
        taken.add(mentorship.mentor_id)
    today = timezone.localdate()
    # One query for every candidate: active mentors of the program who take requests and offer
    # a board role; room and seats are sorted out here (a handful of rows per program).
    candidates = (
        MentorProfile.objects.filter(
            participant__program_id=mentee.program_id,
            participant__status=Participant.Status.ACTIVE,
            participant__role=Role.MENTOR,
            accepting_requests=True,
        )
        .exclude(participant__user_id=mentee.user_id)
        .exclude(participant_id__in=taken)
        .exclude(away_until__gt=today)
        .exclude(advisor_roles="")
        .annotate(
            live=Count(
                "participant__mentorships_as_mentor",
                filter=Q(participant__mentorships_as_mentor__status__in=Mentorship.LIVE_STATUSES),
            ),
            seats=seats_of(),
        )
        .select_related("participant__user")
        .order_by("participant__user__full_name")
    )
    for profile in candidates:
        if profile.live >= profile.seats:
            continue
        for code in profile.advisor_roles:
            seat = seats.get(code)
            if (
                seat is not None
                and not seat.mentorships
                and len(seat.suggestions) < suggestions_per_seat
            ):
                seat.suggestions.append(profile.participant)
    return [seat for code, seat in seats.items() if code or seat.mentorships]


# The report queue's filter: unresolved (open and in review) unless another status is chosen.
REPORT_FILTERS = {
    "unresolved": (Report.Status.OPEN, Report.Status.IN_REVIEW),
    **{status: (status,) for status in Report.Status.values},
    "all": tuple(Report.Status.values),
}


def report_queue_for_program(*, program: Program, status: str = "unresolved") -> QuerySet[Report]:
    """The admins' queue: reports of one program by status, oldest open first, with their notes."""
    order = Case(
        When(status=Report.Status.OPEN, then=Value(0)),
        When(status=Report.Status.IN_REVIEW, then=Value(1)),
        default=Value(2),
    )
    return (
        Report.objects.filter(program=program, status__in=REPORT_FILTERS.get(status, ()))
        .select_related(
            "reporter",
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "request__mentor__user",
            "request__mentee__user",
        )
        .prefetch_related(
            Prefetch("notes", queryset=ReportNote.objects.select_related("author")),
        )
        .order_by(order, "-created_at", "-id")
    )


def report_mentor_paused(*, report: Report) -> bool:
    """Whether the admins have paused new requests to the reported mentor."""
    return (
        report.subject is not None
        and MentorProfile.objects.filter(
            participant=report.subject.mentor, paused_by_admins_at__isnull=False
        ).exists()
    )


def report_status_counts(*, program: Program) -> dict[str, int]:
    """{status: count} of a program's reports, in one query."""
    counts = dict.fromkeys(Report.Status.values, 0)
    rows = (
        Report.objects.filter(program=program)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


# The admins' mentorship list filter: live (active and paused) unless another is chosen.
MENTORSHIP_FILTERS = {
    "live": Q(status__in=Mentorship.LIVE_STATUSES),
    "active": Q(status=Mentorship.Status.ACTIVE),
    "paused": Q(status=Mentorship.Status.PAUSED),
    "stalled": Q(status=Mentorship.Status.ACTIVE, stalled_since__isnull=False),
    "closed": Q(status__in=[Mentorship.Status.COMPLETED, Mentorship.Status.ENDED]),
    "all": Q(),
}


def mentorship_list_for_admin(
    *, program: Program, status: str = "live", query: str = ""
) -> QuerySet[Mentorship]:
    """A program's mentorships for its admins: the pair, the state, the dates; nothing private."""
    rows = Mentorship.objects.filter(program=program).filter(
        MENTORSHIP_FILTERS.get(status, MENTORSHIP_FILTERS["live"])
    )
    if query:
        rows = rows.filter(
            Q(mentor__user__full_name__icontains=query)
            | Q(mentor__user__email__icontains=query)
            | Q(mentee__user__full_name__icontains=query)
            | Q(mentee__user__email__icontains=query)
        )
    return rows.select_related("mentor__user", "mentee__user").order_by(
        "mentee__user__full_name", "-started_at", "pk"
    )


def mentorship_for_admin(*, mentorship_id: int) -> Mentorship:
    """One mentorship for its program's admins, with its history of changes."""
    return (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
        .prefetch_related(
            Prefetch("changes", queryset=StateChange.objects.select_related("actor")),
        )
        .get(pk=mentorship_id)
    )


def reassign_mentors_for(*, mentorship: Mentorship) -> QuerySet[Participant]:
    """Active mentors of the program the mentee could move to, each with their load and capacity."""
    return (
        Participant.objects.filter(
            program_id=mentorship.program_id, role=Role.MENTOR, status=Participant.Status.ACTIVE
        )
        .exclude(pk=mentorship.mentor_id)
        .exclude(user_id=mentorship.mentee.user_id)
        .select_related("user", "mentor_profile", "program")
        .annotate(
            live_count=Count(
                "mentorships_as_mentor",
                filter=Q(mentorships_as_mentor__status__in=Mentorship.LIVE_STATUSES),
                distinct=True,
            )
        )
        .order_by("user__full_name", "pk")
    )


@dataclass
class Waiting:
    """Requests that wait for this person: to answer as mentor, or to reply as mentee."""

    to_answer: int
    to_reply: int


def requests_waiting_for(*, user: User) -> Waiting:
    """One query: pending requests whose next move is this person's."""
    pending = MentorshipRequest.objects.filter(status=MentorshipRequest.Status.PENDING)
    counts = pending.aggregate(
        to_answer=Count(
            "id", filter=Q(mentor__user=user, waiting_on=MentorshipRequest.WaitingOn.MENTOR)
        ),
        to_reply=Count(
            "id", filter=Q(mentee__user=user, waiting_on=MentorshipRequest.WaitingOn.MENTEE)
        ),
    )
    return Waiting(to_answer=counts["to_answer"], to_reply=counts["to_reply"])


def away_mentor_user_ids(*, user_ids: set[int], today: date) -> set[int]:
    """Which of these people are mentors away until after today: they get no nudges meanwhile."""
    return set(
        MentorProfile.objects.filter(
            participant__user_id__in=user_ids, away_until__gt=today
        ).values_list("participant__user_id", flat=True)
    )


@dataclass
class PersonInProgram:
    """Everything another participant may see of a person in one program."""

    user: User
    program: Program
    participations: list[Participant] = field(default_factory=list)
    mentor_profile: MentorProfile | None = None
    mentee_profile: MenteeProfile | None = None
    availability: Availability | None = None

    @property
    def mentor(self) -> Participant | None:
        return next((p for p in self.participations if p.role == Role.MENTOR), None)

    @property
    def mentee(self) -> Participant | None:
        return next((p for p in self.participations if p.role == Role.MENTEE), None)

    def windows(self) -> list[Window]:
        if self.availability is None:
            return []
        return [
            Window(w.weekday, w.start_time, w.end_time) for w in self.availability.windows.all()
        ]

    def windows_for(self, viewer_zone: str, today: date | None = None) -> list[Occurrence]:
        """This week's windows (from Monday of ``today``'s week), in the viewer's zone."""
        if self.availability is None:
            return []
        today = today or timezone.localdate()
        monday = today.fromordinal(today.toordinal() - today.weekday())
        return occurrences(
            self.windows(),
            window_zone=self.availability.time_zone,
            viewer_zone=viewer_zone,
            week_starting=monday,
        )

    def weekly_hours(self) -> float:
        return weekly_hours(self.windows())


def _participations(program: Program, user_id: int) -> QuerySet[Participant]:
    return (
        # user__pk, not user_id: a lookup on the user's integer key leaves out an id no column
        # holds (a 30-digit one from the URL), where the foreign key's own would reach SQLite.
        Participant.objects.filter(
            program=program, user__pk=user_id, status=Participant.Status.ACTIVE
        )
        .select_related("user", "mentor_profile", "mentee_profile", "availability")
        .prefetch_related(
            "mentor_profile__topics",
            "mentor_profile__cannot_help_topics",
            Prefetch(
                "availability__windows",
                queryset=ContactWindow.objects.order_by("weekday", "start_time"),
            ),
        )
        .order_by("role")
    )


def person_in_program(*, program: Program, user_id: int) -> PersonInProgram:
    """A person's active roles and profiles in a program; 404 if they have none there."""
    rows = list(_participations(program, user_id))
    if not rows:
        raise Http404("Nobody by that id takes part in this program.")
    person = PersonInProgram(user=rows[0].user, program=program, participations=rows)
    person.mentor_profile = related_or_none(person.mentor, "mentor_profile")
    person.availability = related_or_none(person.mentor, "availability")
    person.mentee_profile = related_or_none(person.mentee, "mentee_profile")
    return person


def cannot_help_topic_names(mentor: Participant) -> list[str]:
    """The topics a mentor lists under "Cannot help with", by name."""
    return list(
        MentorProfile.cannot_help_topics.through.objects.filter(mentorprofile__participant=mentor)
        .order_by("topic__name")
        .values_list("topic__name", flat=True)
    )


@dataclass(frozen=True)
class RedirectCandidate:
    participant_id: int
    name: str
    room: int
    matching_topics: tuple[str, ...]

    @property
    def label(self) -> str:
        room = ngettext("%(count)s place left", "%(count)s places left", self.room) % {
            "count": self.room
        }
        topics = (
            ", ".join(self.matching_topics) if self.matching_topics else gettext("no shared topic")
        )
        return f"{self.name} · {room} · {topics}"


def redirect_candidates(request: MentorshipRequest) -> QuerySet[MentorProfile]:
    """Mentors a request could be passed on to: active in its program, taking requests, not away,
    with room, and able to help with its topic (never the asked mentor or the mentee)."""
    from matching.directory.selectors import (
        active_mentor_profiles,
        with_load,
        with_room,
    )

    found = (
        with_room(
            with_load(active_mentor_profiles(request.program)),
            timezone.localdate(),
        )
        .exclude(participant_id=request.mentor_id)
        .exclude(participant__user_id=request.mentee.user_id)
    )
    if request.topic_id:
        found = found.exclude(cannot_help_topics=request.topic_id)
    return found


REDIRECT_SHOWN = 50  # the best-fitting mentors a mentor is offered to pass a request on to


def redirect_candidate_rows(
    request: MentorshipRequest, *, shown: int | None = None
) -> list[RedirectCandidate]:
    """The ``shown`` best fits of ``redirect_candidates`` (most topics shared with the request:
    its topic and its goals' topics, then by name), with their room left and those topics: two
    queries, however many mentors the program has (a list of 10,000 helped no one and cost the
    page a second). Any candidate may still be sent: the form checks ``redirect_candidates``."""
    wanted = set(
        Goal.topics.through.objects.filter(goal__in=request.goals.all()).values_list(
            "topic_id", flat=True
        )
    )
    if request.topic_id:
        wanted.add(request.topic_id)
    fit = (
        MentorProfile.topics.through.objects.filter(
            mentorprofile_id=OuterRef("pk"), topic_id__in=wanted
        )
        .order_by()
        .values("mentorprofile_id")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]  # "n" is annotated
    )
    rows = list(
        redirect_candidates(request)
        .annotate(fit=Coalesce(Subquery(fit), Value(0)))
        .order_by("-fit", "participant__user__full_name", "participant__user__email", "pk")
        .values_list(  # type: ignore[misc]  # "live" is annotated
            "participant_id",
            "participant__user__full_name",
            "participant__user__email",
            "seats",
            "live",
        )[: REDIRECT_SHOWN if shown is None else shown]
    )
    shared: dict[int, list[str]] = {}
    for participant_id, name in (
        MentorProfile.topics.through.objects.filter(
            mentorprofile__participant_id__in=[r[0] for r in rows], topic_id__in=wanted
        )
        .order_by("topic__name")
        .values_list("mentorprofile__participant_id", "topic__name")
    ):
        shared.setdefault(participant_id, []).append(name)
    found = [
        RedirectCandidate(pk, name or email, seats - live, tuple(shared.get(pk, ())))
        for pk, name, email, seats, live in rows
    ]
    return sorted(found, key=lambda c: (-len(c.matching_topics), c.name.casefold()))
