"""The program admins' dashboard: every figure is one selector, computed in the database.

Each selector runs a fixed number of queries whatever the size of the program (aggregates,
conditional counts and `Exists`, never a query per row), and shows aggregates, states and
dates only: no private note, no private goal. What people answered in check-ins is shown by the
one rule of `meetings.checkin_privacy`: a period's figures and comments, never tied to a
person, and withheld, with a line saying why, when fewer people answered than the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncWeek
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext

from conversations.models import Message
from goals.models import Goal
from matching.directory.selectors import live_mentorship_count
from matching.models import (
    Frequency,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    Proposal,
    seats_of,
)
from meetings.checkin_privacy import answers_by_period, answers_overall, comments_for_admins
from meetings.models import Agreement, CheckIn, Meeting, in_program, of_mentorship_outer
from meetings.reminders import CYCLE
from mentorship.cache import DIRECTORY_VERSION, directory_version, kept
from mentorship.paging import ShownOnly
from notifications.models import Delivery, Reminder
from notifications.reminders import reminder_schedule
from programs.models import Invitation, Participant, Program, Role

WEEKS = 26  # how far back the activity charts look
AT_RISK_SCORE = 2  # a check-in satisfaction or energy at or below this puts a pair at risk
AT_RISK_LATE_CANCELS = 2  # this many late cancellations in LATE_CANCEL_WINDOW, too
LATE_CANCEL_WINDOW = timedelta(days=90)
RECENT_CHECKINS = timedelta(days=120)  # the check-ins that count for "at risk"


# ---------------------------------------------------------------------------
# Funnel
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    label: str
    count: int
    of_previous: int | None  # percent of the step before, None for the first


def _steps(pairs: Iterable[tuple[str, int]]) -> list[Step]:
    steps: list[Step] = []
    for label, count in pairs:
        before = steps[-1].count if steps else None
        share = None if before is None else (round(100 * count / before) if before else 0)
        steps.append(Step(label, count, share))
    return steps


def funnel(*, program: Program) -> list[Step]:
    """Mentees from invitation to check-in; each step counts those who also passed the ones
    before it (nine queries: the mentees, then for each fact the mentees who have it, which
    PostgreSQL answers with one hashed join each; as columns of one query it probed every fact
    once per mentee, the dashboard's slowest query at 5,000 participants)."""
    mentees = Participant.objects.filter(program=program, role=Role.MENTEE)
    invited_only = (
        Invitation.objects.filter(program=program, role=Role.MENTEE)
        .exclude(email__in=mentees.values("user__email"))
        .count()
    )

    def having(facts: QuerySet[Any], path: str) -> set[int]:
        """The ids of the program's mentees that ``path`` leads to from ``facts``."""
        found = facts.filter(**{f"{path}__in": mentees.values("pk")}).order_by()
        return set(found.values_list(path, flat=True).distinct())

    every_status = list(Mentorship.Status)  # matched once, whatever became of it since
    statuses = dict(mentees.order_by().values_list("pk", "status"))
    joined = {pk for pk, status in statuses.items() if status == Participant.Status.ACTIVE}
    profile = joined & having(MenteeProfile.objects.all(), "participant")
    goals = profile & having(Goal.objects.all(), "owner")
    asked = goals & (
        having(MentorshipRequest.objects.all(), "mentee") | having(Proposal.objects.all(), "mentee")
    )
    matched = asked & having(Mentorship.objects.filter(status__in=every_status), "mentee")
    met = matched & (
        having(Meeting.objects.filter(status=Meeting.Status.HELD), "mentorship__mentee")
        | having(
            Mentorship.objects.filter(
                group__meetings__status=Meeting.Status.HELD,
                group__meetings__starts_at__gte=F("started_at"),
            ),
            "mentee",
        )
    )
    checked = met & having(
        CheckIn.objects.filter(
            status=CheckIn.Status.ANSWERED, person=F("mentorship__mentee__user")
        ),
        "mentorship__mentee",
    )
    figures = {
        "everyone": len(statuses),
        "joined": len(joined),
        "profile": len(profile),
        "goals": len(goals),
        "asked": len(asked),
        "matched": len(matched),
        "met": len(met),
        "checked": len(checked),
    }
    return _steps(
        [
            (gettext("Invited or applied"), figures["everyone"] + invited_only),
            (gettext("Joined"), figures["joined"]),
            (gettext("Profile complete"), figures["profile"]),
            (gettext("Has goals"), figures["goals"]),
            (gettext("Requested a mentor or proposed in a round"), figures["asked"]),
            (gettext("Matched"), figures["matched"]),
            (gettext("Met at least once"), figures["met"]),
            (gettext("Checked in"), figures["checked"]),
        ]
    )


# ---------------------------------------------------------------------------
# Relationship health
# ---------------------------------------------------------------------------
HEALTHY, AT_RISK, STALLED = "healthy", "at_risk", "stalled"
HEALTH_LABELS = {
    HEALTHY: gettext_lazy("Healthy"),
    AT_RISK: gettext_lazy("At risk"),
    STALLED: gettext_lazy("Stalled"),
}


def stalled_after(program: Program) -> timedelta:
    """Without agreed norms, a pair is stalled after this long without a held meeting (the
    program's inactivity rule's number of days)."""
    return timedelta(days=program.stalled_after_days)


def health_rules(program: Program) -> list[str]:
    """The rules in words, as the page shows them."""
    return [
        gettext(
            "Stalled: no meeting held for more than twice the rhythm the two agreed (weekly: 2 "
            "weeks, monthly: 60 days…), or for %(days)s days when they have not agreed one; "
            "counted from the start when they have never met. Also stalled: a pair the "
            "program's inactivity rule has flagged (no activity of any kind for %(days)s days)."
        )
        % {"days": stalled_after(program).days},
        gettext(
            "At risk: not stalled, but someone answered a check-in in the last %(recent)s days "
            "with satisfaction or energy of %(score)s or less (of 5), or %(cancels)s or more "
            "meetings were cancelled late in the last %(window)s days."
        )
        % {
            "recent": RECENT_CHECKINS.days,
            "score": AT_RISK_SCORE,
            "cancels": AT_RISK_LATE_CANCELS,
            "window": LATE_CANCEL_WINDOW.days,
        },
        gettext("Healthy: everything else."),
    ]


def _with_health(program: Program, now: datetime) -> QuerySet[Any]:
    confirmed = Agreement.objects.filter(
        mentorship=OuterRef("pk"), confirmed_at__isnull=False
    ).order_by("-version")
    # The moment before which a pair is stalled, from its agreed rhythm (twice the cycle), in
    # one subquery per row; pairs without norms get the program's number of days.
    cutoffs = [
        When(frequency=frequency, then=Value(now - 2 * CYCLE[frequency])) for frequency in Frequency
    ]
    rows = Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE).annotate(
        frequency=Subquery(confirmed.values("frequency")[:1]),
        cutoff=Coalesce(
            Subquery(
                confirmed.annotate(cut=Case(*cutoffs, output_field=DateTimeField())).values("cut")[
                    :1
                ]
            ),
            Value(now - stalled_after(program)),
            output_field=DateTimeField(),
        ),
        # A subquery, not an aggregate: the counts below aggregate over these rows.
        last_held=Subquery(
            Meeting.objects.filter(of_mentorship_outer(), status=Meeting.Status.HELD)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        ),
        quiet_since=Coalesce("last_held", "started_at"),
    )
    # Flagged by the program's inactivity rule (meetings.inactivity), or quiet for too long.
    stalled = Q(stalled_since__isnull=False) | Q(quiet_since__lt=F("cutoff"))
    low = Q(satisfaction__lte=AT_RISK_SCORE) | Q(energy__lte=AT_RISK_SCORE)
    unhappy = Exists(
        CheckIn.objects.filter(
            low,
            mentorship=OuterRef("pk"),
            status=CheckIn.Status.ANSWERED,
            answered_at__gte=now - RECENT_CHECKINS,
        )
    )
    late = (
        Meeting.objects.filter(
            mentorship=OuterRef("pk"),
            cancelled_late=True,
            cancelled_at__gte=now - LATE_CANCEL_WINDOW,
        )
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return rows.annotate(
        # Case, not the bare condition: a pair without norms compares NULL with each rhythm,
        # and NULL must read as "not stalled", never as unknown.
        stalled=Case(
            When(stalled, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        unhappy=unhappy,
        late_cancels=Coalesce(Subquery(late), Value(0)),
    )


@dataclass(frozen=True)
class HealthState:
    """One active mentorship's health, as the counts and the table's order need it."""

    pk: int
    state: str
    quiet_since: datetime | None


def health_states(*, program: Program, now: datetime | None = None) -> list[HealthState]:
    """Every active mentorship's health (one query; the counts and the table share it: as
    conditions of the counts, PostgreSQL evaluated each pair's subqueries once per count)."""
    now = now or timezone.now()
    rows = _with_health(program, now).values_list(
        "pk", "stalled", "unhappy", "late_cancels", "quiet_since"
    )
    return [
        HealthState(pk, _state(stalled, unhappy, late_cancels), quiet_since)
        for pk, stalled, unhappy, late_cancels, quiet_since in rows
    ]


def _state(stalled: bool, unhappy: bool, late_cancels: int) -> str:
    if stalled:
        return STALLED
    if unhappy or late_cancels >= AT_RISK_LATE_CANCELS:
        return AT_RISK
    return HEALTHY


def health_counts(
    *, program: Program, now: datetime | None = None, states: list[HealthState] | None = None
) -> dict[str, int]:
    """Active mentorships per health state (one query, none given ``health_states``)."""
    return count_states(states if states is not None else health_states(program=program, now=now))


def count_states(states: Iterable[HealthState]) -> dict[str, int]:
    counts = dict.fromkeys(HEALTH_LABELS, 0)
    for row in states:
        counts[row.state] += 1
    return counts


class HealthTable(ShownOnly[int, Mentorship]):
    """The table's pairs in order; only the rows of the page shown are read, with their
    people and the facts that put them there (one query)."""

    def __init__(self, program: Program, now: datetime, ids: list[int]) -> None:
        super().__init__(ids)
        self._program, self._now = program, now

    def _load(self, keys: list[int]) -> list[Mentorship]:
        # When an admin last nudged the pair, shown before the next click (the same query).
        nudged = (
            Delivery.objects.filter(
                # Sent to each of the two (nudge_pair): naming them lets the ledger's unique
                # index, which starts with the recipient, find the rows (without them PostgreSQL
                # read the whole index for each pair: 16 of 17 ms at 50,000 people).
                Q(recipient=OuterRef("mentor__user_id")) | Q(recipient=OuterRef("mentee__user_id")),
                kind=Reminder.ADMIN_NUDGE,
                subject_key=Concat(Value("mentorship:"), Cast(OuterRef("pk"), CharField())),
            )
            .order_by("-due_at")
            .values("due_at")[:1]
        )
        rows = (
            _with_health(self._program, self._now)
            .select_related("mentor__user", "mentee__user")
            .annotate(last_nudged=Subquery(nudged))
        )
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return [found[pk] for pk in keys if pk in found]


def health_table(
    *,
    program: Program,
    health: str | None = None,
    now: datetime | None = None,
    flagged: list[tuple[int, str]] | None = None,
) -> HealthTable:
    """The at-risk and stalled pairs (or one of the two), quietest first, with the facts
    that put them there; the caller pages it. ``flagged``, when given, is the kept figures'
    (their ids and states, quietest first)."""
    now = now or timezone.now()
    if flagged is None:
        flagged = flagged_quietest_first(health_states(program=program, now=now), now)
    wanted = {health} if health in (AT_RISK, STALLED) else {AT_RISK, STALLED}
    return HealthTable(program, now, [pk for pk, state in flagged if state in wanted])


def flagged_quietest_first(rows: list[HealthState], now: datetime) -> list[tuple[int, str]]:
    """The at-risk and stalled pairs' ids and states, quietest first (as PostgreSQL orders them,
    a pair without a date last): plain tuples, as the kept figures hold them (16,000 dataclasses
    took 55 ms to read back at 50,000 people, the dashboard's largest part)."""
    flagged = sorted(
        (row for row in rows if row.state != HEALTHY),
        key=lambda row: (row.quiet_since is None, row.quiet_since or now, row.pk),
    )
    return [(row.pk, row.state) for row in flagged]


def health_of(row: Mentorship) -> str:
    """The state of a row from `health_table` (its annotations)."""
    return _state(
        getattr(row, "stalled", False),
        getattr(row, "unhappy", False),
        getattr(row, "late_cancels", 0),
    )


def nudge_pair(*, program: Program, mentorship: Mentorship, now: datetime | None = None) -> bool:
    """A nudge to both people of a quiet pair, at most once a week per mentorship (the ledger's
    period is the ISO week); False when this week's nudge went already."""
    now = now or timezone.now()
    year, week, _ = timezone.localdate(now).isocalendar()
    link = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
    sent = False
    for person, other in mentorship.each_with_other():
        sent |= reminder_schedule(
            recipient=person,
            kind=Reminder.ADMIN_NUDGE,
            subject_key=f"mentorship:{mentorship.pk}",
            period_key=f"{year}-W{week:02d}",
            title=format_lazy(
                gettext_lazy("Time to catch up with {name}?"), name=other.get_full_name()
            ),
            body=format_lazy(
                gettext_lazy(
                    "{program}: it has been quiet for a while. Propose a time, or tell your "
                    "partner what would help."
                ),
                program=program.name,
            ),
            link=link,
            due_at=now,
        )
    return sent


# ---------------------------------------------------------------------------
# Activity over time
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    """One chart: labels and one or more lines of numbers (None: nothing to show)."""

    title: str
    labels: list[str]
    lines: dict[str, list[float | None]]
    unit: str = ""
    notes: tuple[str, ...] = ()  # what is left out and why, a line each


def _weeks(now: datetime) -> list[date]:
    monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _weekly(rows: QuerySet[Any], field: str, weeks: list[date]) -> list[float | None]:
    counts = {
        row["week"].date() if isinstance(row["week"], datetime) else row["week"]: row["n"]
        for row in rows.annotate(week=TruncWeek(field)).values("week").annotate(n=Count("pk"))
    }
    return [float(counts.get(week, 0)) for week in weeks]


def activity(*, program: Program, now: datetime | None = None) -> list[Series]:
    """Meetings held, requests sent and accepted, goals achieved and messages written per week,
    and check-in satisfaction and energy per period (six queries)."""
    now = now or timezone.now()
    weeks = _weeks(now)
    since = datetime.combine(weeks[0], datetime.min.time(), tzinfo=timezone.get_current_timezone())
    labels = [dateformat.format(week, "d M") for week in weeks]  # month names localized
    held = Meeting.objects.filter(
        in_program(program), status=Meeting.Status.HELD, starts_at__gte=since
    ).order_by()
    requests = MentorshipRequest.objects.filter(program=program).order_by()
    accepted = requests.filter(status=MentorshipRequest.Status.ACCEPTED, answered_at__gte=since)
    written = Message.objects.filter(
        Q(conversation__mentorship__program=program) | Q(conversation__group__program=program),
        created_at__gte=since,
    ).order_by()
    achieved = Goal.objects.filter(
        owner__program=program, status=Goal.Status.ACHIEVED, achieved_at__gte=since
    ).order_by()
    periods = [
        group
        for group in answers_by_period(checkins=CheckIn.objects.filter(mentorship__program=program))
        if group.answered
    ]
    return [
        Series(
            gettext("Meetings held per week"),
            labels,
            {gettext("Meetings"): _weekly(held, "starts_at", weeks)},
        ),
        Series(
            gettext("Requests per week"),
            labels,
            {
                pgettext("requests", "Sent"): _weekly(
                    requests.filter(created_at__gte=since), "created_at", weeks
                ),
                pgettext("requests", "Accepted"): _weekly(accepted, "answered_at", weeks),
            },
        ),
        Series(
            gettext("Goals achieved per week"),
            labels,
            {gettext("Goals"): _weekly(achieved, "achieved_at", weeks)},
        ),
        # How much people write, as counts only: admins never read messages.
        Series(
            gettext("Messages per week"),
            labels,
            {gettext("Messages"): _weekly(written, "created_at", weeks)},
        ),
        Series(
            gettext("Check-ins per period (average of 5)"),
            [group.group for group in periods],
            {
                gettext("Satisfaction"): [group.satisfaction for group in periods],
                gettext("Energy"): [group.energy for group in periods],
            },
            unit="of 5",  # not words: the charts' scale (reports.views.dashboard)
            notes=tuple(f"{group.group}: {group.withheld}" for group in periods if group.withheld),
        ),
    ]


# ---------------------------------------------------------------------------
# Mentor load and time to match
# ---------------------------------------------------------------------------
class MentorLoad(ShownOnly[int, MentorProfile]):
    """Each active mentor, fullest first; only the page shown is read with its figures."""

    def __init__(self, program: Program, ids: list[int]) -> None:
        super().__init__(ids)
        self._program = program

    def _load(self, keys: list[int]) -> list[MentorProfile]:
        found = {row.pk: row for row in _mentor_figures(self._program).filter(pk__in=keys)}
        return [found[pk] for pk in keys if pk in found]


def _live() -> Q:
    return Q(participant__mentorships_as_mentor__status__in=Mentorship.LIVE_STATUSES)


def _active_mentors(program: Program) -> QuerySet[MentorProfile]:
    return MentorProfile.objects.filter(
        participant__program=program,
        participant__role=Role.MENTOR,
        participant__status=Participant.Status.ACTIVE,
    )


def mentor_load(*, program: Program) -> MentorLoad:
    """Each active mentor: live mentees against capacity, requests waiting on them, and their
    average time to answer, fullest first (one query for the order; the caller pages it, and
    the page's mentors are read with their figures in one more). Tens of thousands of mentors
    are put in order without working out every one's waiting requests and answer times."""
    return MentorLoad(program, mentor_load_order(program))


def mentor_load_order(program: Program) -> list[int]:
    """The program's active mentors' profile ids, fullest first, then by name: kept under the
    directory's versions of the program, which every write that can change it (a mentorship, a
    profile, a participation, a name) changes, so the order is never older than the data.
    Putting 10,000 mentors in order took most of the dashboard's time at 50,000 people."""

    def order() -> list[int]:
        # Each mentor's live count as a subquery (live_mentorship_count): joining every
        # mentorship before grouping cost a third more at 10,000 mentors.
        return list(
            _active_mentors(program)
            .annotate(live=live_mentorship_count())
            .order_by(F("live").desc(), "participant__user__full_name", "pk")
            .values_list("pk", flat=True)
        )

    return kept(
        [DIRECTORY_VERSION, directory_version(program.pk)],
        f"mentor-load:{program.pk}",
        order,
        timeout=settings.DIRECTORY_RANKING_SECONDS,
    )


def _mentor_figures(program: Program) -> QuerySet[MentorProfile]:
    waiting = (
        MentorshipRequest.objects.filter(
            mentor=OuterRef("participant_id"),
            status=MentorshipRequest.Status.PENDING,
            waiting_on=MentorshipRequest.WaitingOn.MENTOR,
        )
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answer = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    response = (
        MentorshipRequest.objects.filter(
            mentor=OuterRef("participant_id"), answered_at__isnull=False
        )
        .order_by()
        .values("mentor")
        .annotate(avg=Avg(answer))
        .values("avg")
    )
    return (
        _active_mentors(program)
        .annotate(
            live=Count("participant__mentorships_as_mentor", filter=_live()),
            seats=seats_of(),
            waiting=Coalesce(Subquery(waiting), Value(0)),
            response=Subquery(response, output_field=DurationField()),
        )
        .select_related("participant__user")
    )


def median_days_to_match(*, program: Program) -> float | None:
    """The median number of days from joining the program to a first mentorship, among the
    mentees who have one (two queries: a count, then the middle row or two)."""
    waits = (
        Participant.objects.filter(program=program, role=Role.MENTEE, joined_at__isnull=False)
        .annotate(first=Min("mentorships_as_mentee__started_at"))
        .filter(first__isnull=False)
        .annotate(wait=ExpressionWrapper(F("first") - F("joined_at"), output_field=DurationField()))
        .order_by("wait", "pk")
    )
    total = waits.count()
    if not total:
        return None
    middle = list(waits.values_list("wait", flat=True)[(total - 1) // 2 : total // 2 + 1])
    days = [max(timedelta(0), wait).total_seconds() / 86400 for wait in middle]
    return round(sum(days) / len(days), 1)


# ---------------------------------------------------------------------------
# Check-in comments for admins
# ---------------------------------------------------------------------------
COMMENTS_SHOWN = 30  # per period on the dashboard; the check-ins export has every one


@dataclass(frozen=True)
class PeriodComments:
    period: str
    answers: int
    comments: list[str]
    more: int = 0  # the period's comments beyond those shown
    withheld: str | None = None  # why the period's comments are not shown, when they are not


def admin_comments(
    *, program: Program, periods: int = 2, shown: int = COMMENTS_SHOWN
) -> list[PeriodComments]:
    """The comments people wrote for the program's admins in the latest periods, by text and
    never with a name, withheld where too few people answered (two queries), and at most
    ``shown`` of each period (a large program's hundreds would bury the page)."""
    checkins = CheckIn.objects.filter(mentorship__program=program)
    recent = [group for group in answers_by_period(checkins=checkins) if group.answered]
    recent = recent[::-1][:periods]
    texts: dict[str, list[str]] = {group.group: [] for group in recent}
    more = dict.fromkeys(texts, 0)
    for key, comment in comments_for_admins(checkins=checkins, periods=list(texts)):
        if len(texts[key]) < shown:
            texts[key].append(comment)
        else:
            more[key] += 1
    return [
        PeriodComments(
            group.group, group.answered, texts[group.group], more[group.group], group.withheld
        )
        for group in recent
    ]


# ---------------------------------------------------------------------------
# The figures, together
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """The program-wide figures of the dashboard and the summary, computed at one moment
    (kept in the database and worked out again by a task: reports.figures)."""

    computed_at: datetime
    funnel: list[Step]
    counts: dict[str, int]
    flagged: list[tuple[int, str]]  # the at-risk and stalled pairs' ids and states, quietest first
    activity: list[Series]
    median_days: float | None
    comments: list[PeriodComments]


def program_figures(*, program: Program, now: datetime | None = None) -> Figures:
    """Every program-wide figure, as of ``now``."""
    now = now or timezone.now()
    states = health_states(program=program, now=now)
    return Figures(
        computed_at=now,
        funnel=funnel(program=program),
        counts=count_states(states),
        flagged=flagged_quietest_first(states, now),
        activity=activity(program=program, now=now),
        median_days=median_days_to_match(program=program),
        comments=admin_comments(program=program, shown=COMMENTS_SHOWN),
    )


# ---------------------------------------------------------------------------
# End-of-cohort summary
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Totals:
    mentors: int
    mentees: int
    started: int
    active: int
    completed: int
    ended: int
    meetings_held: int
    requests_sent: int
    requests_accepted: int
    goals_achieved: int
    checkins_answered: int
    satisfaction: float | None
    energy: float | None
    checkins_withheld: str | None  # why the averages are not shown, when they are not

    @property
    def acceptance(self) -> int | None:
        """Percent of answered-or-closed requests that were accepted."""
        if not self.requests_sent:
            return None
        return round(100 * self.requests_accepted / self.requests_sent)


def cohort_totals(*, program: Program) -> Totals:
    """The program's totals since it began (five queries)."""
    people = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
    roles = people.aggregate(
        mentors=Count("pk", filter=Q(role=Role.MENTOR)),
        mentees=Count("pk", filter=Q(role=Role.MENTEE)),
    )
    status = Mentorship.Status
    pairs = Mentorship.objects.filter(program=program).aggregate(
        started=Count("pk"),
        active=Count("pk", filter=Q(status__in=Mentorship.LIVE_STATUSES)),
        completed=Count("pk", filter=Q(status=status.COMPLETED)),
        ended=Count("pk", filter=Q(status=status.ENDED)),
    )
    requests = MentorshipRequest.objects.filter(program=program).aggregate(
        sent=Count("pk"),
        accepted=Count("pk", filter=Q(status=MentorshipRequest.Status.ACCEPTED)),
    )
    checkins = answers_overall(checkins=CheckIn.objects.filter(mentorship__program=program))
    held = Meeting.objects.filter(in_program(program), status=Meeting.Status.HELD)
    achieved = Goal.objects.filter(owner__program=program, status=Goal.Status.ACHIEVED)
    # Two counts in one query: the meetings held and the goals achieved.
    counts = (
        Program.objects.filter(pk=program.pk)
        .annotate(
            held=Subquery(
                held.order_by().values("mentorship__program").annotate(n=Count("pk")).values("n")
            ),
            achieved=Subquery(
                achieved.order_by().values("owner__program").annotate(n=Count("pk")).values("n")
            ),
        )
        .values("held", "achieved")
        .get()
    )
    return Totals(
        mentors=roles["mentors"],
        mentees=roles["mentees"],
        started=pairs["started"],
        active=pairs["active"],
        completed=pairs["completed"],
        ended=pairs["ended"],
        meetings_held=counts["held"] or 0,
        requests_sent=requests["sent"],
        requests_accepted=requests["accepted"],
        goals_achieved=counts["achieved"] or 0,
        checkins_answered=checkins.answered,
        satisfaction=checkins.satisfaction,
        energy=checkins.energy,
        checkins_withheld=checkins.withheld,
    )
