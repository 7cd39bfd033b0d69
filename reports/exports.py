"""The program admins' CSV exports: a header and a stream of rows each, read in chunks.

Every figure is aggregated in the database (subqueries per row of the one query), so an
export runs the same few queries for ten participants or ten thousand, and rows leave the
database a chunk at a time instead of being loaded into memory at once.

Privacy: only what a program admin may read leaves here. Goal titles, request messages,
private notes and check-in comments shared with the other person are never selected; a
check-in comment is selected only when its author wrote it for program admins. What people
answered in check-ins leaves by the one rule of ``meetings.checkin_privacy``: as a period's
figures and comments, never beside a name, a pair, a role or a time, and not at all for a
group in which fewer people answered than the privacy threshold.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from goals.models import Goal
from matching.models import (
    ClosingReason,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
)
from meetings.checkin_privacy import answers_by_period, comments_for_admins, withheld_because
from meetings.models import CheckIn, Meeting, of_mentorship_outer
from programs.models import Participant, Program, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Rows fetched from the database at a time (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2000

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_read(text: str) -> str:
    """The text as a spreadsheet may read it: look-alike forms folded into the plain ones
    (NFKC: a full-width ＝ is =) and invisible format characters dropped (category Cf: zero-width
    space and joiners, the byte order mark, bidi controls, the soft hyphen)."""
    if text.isascii():
        return text  # nothing to fold or drop (most cells: the export stays fast)
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")


def csv_safe(value: object) -> object:
    """The cell with a leading apostrophe when a spreadsheet would read it as a formula, also
    behind look-alike, invisible or blank characters; the text itself is kept as written."""
    if not isinstance(value, str):
        return value
    read = _as_read(value)
    if read.startswith(FORMULA_STARTS) or read.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(*, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text, a line at a time, with every cell neutralised against formulas."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[Sequence[object]]


@dataclass(frozen=True)
class Export:
    name: str  # its address and file name: not words
    title: StrOrPromise  # the words (title, contains, leaves_out): lazy text
    contains: StrOrPromise
    leaves_out: StrOrPromise
    build: Callable[..., Table]

    @property
    def url_name(self) -> str:
        return f"export_{self.name}"


# Formatting ----------------------------------------------------------------------------------


def _zone_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", tz))


def _when(value: datetime | None, tz: tzinfo) -> str:
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value: datetime | None, tz: tzinfo) -> str:
    return timezone.localtime(value, tz).date().isoformat() if value else ""


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _average(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def _name(full_name: str, email: str) -> str:
    return full_name or email


def _count(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(*) of a correlated queryset, as one column of the outer query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _people_of(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(DISTINCT person) of a correlated queryset of check-ins, as one column."""
    counted = (
        queryset.order_by()
        .annotate(
            n=Func(F("person"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
        )
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _average_of(queryset: QuerySet[Any], field: str) -> Subquery:
    averaged = queryset.order_by().annotate(a=Func(F(field), function="AVG")).values("a")
    return Subquery(averaged, output_field=FloatField())


# Participants --------------------------------------------------------------------------------

_ROLE_ORDER = Case(
    When(role=Role.ADMIN, then=Value(0)),
    When(role=Role.MENTOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def participants_export(*, program: Program, tz: tzinfo) -> Table:
    """One row per participant of the program, with counts (never goal titles)."""
    rows = (
        Participant.objects.filter(program=program)
        .annotate(
            has_mentor_profile=Exists(MentorProfile.objects.filter(participant=OuterRef("pk"))),
            has_mentee_profile=Exists(MenteeProfile.objects.filter(participant=OuterRef("pk"))),
            active_goals=_count(
                Goal.objects.filter(owner=OuterRef("pk"), status=Goal.Status.ACTIVE)
            ),
            live_mentorships=_count(
                Mentorship.objects.filter(
                    Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")),
                    status__in=Mentorship.LIVE_STATUSES,
                )
            ),
        )
        .order_by(_ROLE_ORDER, "user__full_name", "user__email", "pk")
        .values_list(
            "user__full_name",
            "user__email",
            "role",
            "status",
            "joined_at",
            "user__department",
            "user__job_title",
            "has_mentor_profile",
            "has_mentee_profile",
            "active_goals",
            "live_mentorships",
        )
    )
    roles = dict(Role.choices)
    statuses = dict(Participant.Status.choices)
    yes, no = gettext("yes"), gettext("no")

    def generate() -> Iterator[Sequence[object]]:
        for (
            full_name,
            email,
            role,
            status,
            joined_at,
            department,
            job_title,
            has_mentor_profile,
            has_mentee_profile,
            active_goals,
            live_mentorships,
        ) in rows.iterator(chunk_size=CHUNK_SIZE):
            if role == Role.MENTOR:
                profile = yes if has_mentor_profile else no
            elif role == Role.MENTEE:
                profile = yes if has_mentee_profile else no
            else:
                profile = ""  # program admins have no profile to complete
            yield [
                _name(full_name, email),
                email,
                roles.get(role, role),
                statuses.get(status, status),
                _day(joined_at, tz),
                department,
                job_title,
                profile,
                active_goals or 0,
                live_mentorships or 0,
            ]

    header = [
        gettext("Name"),
        gettext("Email"),
        gettext("Role"),
        gettext("Status"),
        gettext("Joined on (date, %(zone)s)") % {"zone": _zone_name(tz)},
        gettext("Department"),
        gettext("Job title"),
        gettext("Profile complete"),
        gettext("Active goals (count)"),
        gettext("Live mentorships (active or paused)"),
    ]
    return Table(header=header, rows=generate())


# Mentorships ---------------------------------------------------------------------------------


def mentorships_export(*, program: Program, tz: tzinfo) -> Table:
    """One row per mentorship: state, dates, meetings held and check-in averages (withheld
    when fewer people answered than the privacy threshold, always so at its default)."""
    held = Meeting.objects.filter(of_mentorship_outer(), status=Meeting.Status.HELD)
    answered = CheckIn.objects.filter(mentorship=OuterRef("pk"), status=CheckIn.Status.ANSWERED)
    rows = (
        Mentorship.objects.filter(program=program)
        .annotate(
            meetings_held=_count(held),
            last_held=Subquery(held.order_by("-starts_at").values("starts_at")[:1]),
            checkins_answered=_count(answered),
            people=_people_of(answered),
            satisfaction=_average_of(answered, "satisfaction"),
            energy=_average_of(answered, "energy"),
        )
        .order_by("started_at", "pk")
        .values_list(
            "mentor__user__full_name",
            "mentor__user__email",
            "mentee__user__full_name",
            "mentee__user__email",
            "status",
            "started_at",
            "closed_at",
            "ends_on",
            "meetings_held",
            "last_held",
            "checkins_answered",
            "people",
            "satisfaction",
            "energy",
            "closing_reason",
        )
    )
    statuses = dict(Mentorship.Status.choices)
    reasons = dict(ClosingReason.choices)

    def generate() -> Iterator[Sequence[object]]:
        for (
            mentor_name,
            mentor_email,
            mentee_name,
            mentee_email,
            status,
            started_at,
            closed_at,
            ends_on,
            meetings_held,
            last_held,
            checkins_answered,
            people,
            satisfaction,
            energy,
            closing_reason,
        ) in rows.iterator(chunk_size=CHUNK_SIZE):
            # A pair is a group of two at most: its averages are shown only when the privacy
            # threshold allows a group that small (meetings.checkin_privacy).
            withheld = withheld_because(people or 0)
            yield [
                _name(mentor_name, mentor_email),
                mentor_email,
                _name(mentee_name, mentee_email),
                mentee_email,
                statuses.get(status, status),
                _day(started_at, tz),
                _day(closed_at, tz),
                _date(ends_on),
                meetings_held or 0,
                _day(last_held, tz),
                checkins_answered or 0,
                withheld or _average(satisfaction),
                withheld or _average(energy),
                reasons.get(closing_reason, closing_reason),
            ]

    zone = _zone_name(tz)
    header = [
        gettext("Mentor"),
        gettext("Mentor email"),
        gettext("Mentee"),
        gettext("Mentee email"),
        gettext("State"),
        gettext("Started on (date, %(zone)s)") % {"zone": zone},
        gettext("Ended on (date, %(zone)s)") % {"zone": zone},
        gettext("Planned end (date)"),
        gettext("Meetings held"),
        gettext("Last meeting held (date, %(zone)s)") % {"zone": zone},
        gettext("Check-ins answered"),
        gettext("Average satisfaction (1-5)"),
        gettext("Average energy (1-5)"),
        gettext("Closing reason"),
    ]
    return Table(header=header, rows=generate())


# Requests ------------------------------------------------------------------------------------


def requests_export(*, program: Program, tz: tzinfo) -> Table:
    """One row per mentorship request: who, state and dates, never the messages."""
    rows = (
        MentorshipRequest.objects.filter(program=program)
        .order_by("created_at", "pk")
        .values_list(
            "mentee__user__full_name",
            "mentee__user__email",
            "mentor__user__full_name",
            "mentor__user__email",
            "status",
            "created_at",
            "answered_at",
            "closed_at",
            "topic__name",
            "waiting_on",
        )
    )
    statuses = dict(MentorshipRequest.Status.choices)
    waiting = dict(MentorshipRequest.WaitingOn.choices)

    def generate() -> Iterator[Sequence[object]]:
        for (
            mentee_name,
            mentee_email,
            mentor_name,
            mentor_email,
            status,
            created_at,
            answered_at,
            closed_at,
            topic,
            waiting_on,
        ) in rows.iterator(chunk_size=CHUNK_SIZE):
            yield [
                _name(mentee_name, mentee_email),
                mentee_email,
                _name(mentor_name, mentor_email),
                mentor_email,
                statuses.get(status, status),
                _when(created_at, tz),
                _when(answered_at, tz),
                _when(closed_at, tz),
                topic or "",
                # A closed request waits on nobody, whatever the column last said.
                waiting.get(waiting_on, waiting_on)
                if status == MentorshipRequest.Status.PENDING
                else "",
            ]

    zone = _zone_name(tz)
    header = [
        gettext("Mentee"),
        gettext("Mentee email"),
        gettext("Mentor"),
        gettext("Mentor email"),
        gettext("Status"),
        gettext("Sent (%(zone)s time)") % {"zone": zone},
        gettext("First answered (%(zone)s time)") % {"zone": zone},
        gettext("Closed (%(zone)s time)") % {"zone": zone},
        gettext("Topic"),
        gettext("Waiting on (pending requests)"),
    ]
    return Table(header=header, rows=generate())


# Check-ins -----------------------------------------------------------------------------------


def checkins_export(*, program: Program, tz: tzinfo) -> Table:
    """Per period, a row of figures, then the comments written for admins a row each, by
    text: never who wrote them, their pair, role or time, and nothing of what was said in a
    period where fewer than PRIVACY_THRESHOLD people answered (``meetings.checkin_privacy``)."""
    checkins = CheckIn.objects.filter(mentorship__program=program)

    def generate() -> Iterator[Sequence[object]]:
        comments = comments_for_admins(checkins=checkins).iterator(chunk_size=CHUNK_SIZE)
        waiting = next(comments, None)
        for group in answers_by_period(checkins=checkins):
            yield [
                group.group,
                group.asked,
                group.answered,
                group.skipped,
                group.people,
                _average(group.satisfaction),
                _average(group.energy),
                "" if group.revisit is None else group.revisit,
                group.withheld or "",
            ]
            # Both come in the database's order of periods.
            while waiting is not None and waiting[0] == group.group:
                yield [group.group, "", "", "", "", "", "", "", waiting[1]]
                waiting = next(comments, None)

    header = [
        gettext("Period"),
        gettext("Check-ins asked"),
        pgettext("check-ins", "Answered"),
        pgettext("check-ins", "Skipped"),
        gettext("People who answered"),
        gettext("Average satisfaction (1-5)"),
        gettext("Average energy (1-5)"),
        gettext("Asked to revisit their norms"),
        gettext("Comment for program admins"),
    ]
    return Table(header=header, rows=generate())


EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (
        Export(
            name="participants",
            title=gettext_lazy("Participants"),
            contains=gettext_lazy(
                "One row per participant: name, email, role, status, the date they joined, "
                "department, job title, whether their mentor or mentee profile exists, how "
                "many active goals they have and how many live (active or paused) mentorships."
            ),
            leaves_out=gettext_lazy("Goal titles and everything written in profiles or goals."),
            build=participants_export,
        ),
        Export(
            name="mentorships",
            title=gettext_lazy("Mentorships"),
            contains=gettext_lazy(
                "One row per mentorship: mentor, mentee, state, start, end and planned end "
                "dates, meetings held and the date of the last one, check-ins answered, and "
                "the closing reason. A pair's average satisfaction and energy are withheld "
                "when fewer people answered than the privacy threshold (two people are "
                "always fewer than its default of five)."
            ),
            leaves_out=gettext_lazy(
                "Meeting notes, private notes, agendas, advice and reflections."
            ),
            build=mentorships_export,
        ),
        Export(
            name="requests",
            title=gettext_lazy("Requests"),
            contains=gettext_lazy(
                "One row per mentorship request: mentee, mentor, status, when it was sent, "
                "first answered and closed, its topic, and who a pending request waits on."
            ),
            leaves_out=gettext_lazy(
                "What the mentee wrote, the goals they cited and the messages exchanged."
            ),
            build=requests_export,
        ),
        Export(
            name="checkins",
            title=gettext_lazy("Check-in answers"),
            contains=gettext_lazy(
                "Per period: check-ins asked, answered and skipped, how many people answered, "
                "average satisfaction and energy, how many asked to revisit their norms; then "
                "the comments written for program admins, a row each, in the order of their "
                "text. A period where fewer people answered than the privacy threshold shows "
                "its counts and a line saying its answers are withheld."
            ),
            leaves_out=gettext_lazy(
                "Who answered what, and when: no name, pair, role or time beside a figure or a "
                "comment. Comments shared only with the other person, and goal progress."
            ),
            build=checkins_export,
        ),
    )
}
