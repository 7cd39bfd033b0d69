"""Reads for the mentor directory: the facts matching.score ranks mentors by, gathered in a fixed
number of queries whatever the number of mentors (one each for the viewer, their goal topics, the
topic list, the departments, the mentors, the mentors' topics, their cannot-help topics and their
contact windows); a program's mentors as arrays (``MentorPool``), kept in the cache between the
program's writes, which each mentee's ranking scores in a few array operations; and the ranking
kept in the cache for one mentee, their filters and one day."""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from datetime import date, time
from functools import cached_property, lru_cache
from itertools import chain
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import initials_of
from goals.models import Goal
from matching.access import DirectoryViewer
from matching.models import (
    ContactWindow,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    Seniority,
    seats_of,
)
from matching.score import (
    Interval,
    MemberSets,
    MenteeFacts,
    MentorFacts,
    MentorTable,
    Place,
    Score,
    availability_words,
    can_take,
    can_take_request,
    compatibility,
    overlap_minutes,
    ranked_places,
)
from matching.windows import Window, monday_of, utc_week_intervals, working_hours_windows
from mentorship.cache import DIRECTORY_VERSION, directory_version, kept
from mentorship.fields import choice_set_lookup
from mentorship.paging import ShownOnly
from programs.models import Participant, Program, Role, Topic

RANKING_FORMAT = 1  # what the cache keeps of a ranking: a list of Place
POOL_FORMAT = 1  # what the cache keeps of a program's mentors: a MentorPool
SHORT_LIST = 100  # mentors read by their ids rather than by a subquery (a page's cards)
MAX_SEARCH_WORDS = 8
SENIORITY_RANKS = {code: level for level, code in enumerate(Seniority.values)}

MentorTopic = MentorProfile.topics.through
MentorCannotTopic = MentorProfile.cannot_help_topics.through
GoalTopic = Goal.topics.through


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    topic_id: int | None = None
    help: str = ""
    format: str = ""
    department: str = ""
    outside_department: bool = False
    overlap: bool = False
    has_room: bool = True
    language: str = ""

    def key(self) -> str:
        """A short name for these filters in a cache key."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class TopicTag:
    name: str
    is_goal_topic: bool


@dataclass(frozen=True)
class DirectoryEntry:
    """One mentor card: who, what they offer, why they fit, whether they can take a request."""

    participant_id: int
    user_id: int
    name: str
    job_title: str
    department: str
    headline: str
    topics: tuple[TopicTag, ...]
    score: Score
    availability: str
    can_request: bool
    is_my_mentor: bool = False
    photo: str = ""  # the stored name of their photo, "" for none

    @property
    def initials(self) -> str:
        return initials_of(self.name)


@dataclass(frozen=True)
class _Card:
    """What a card shows beyond the score's facts."""

    user_id: int
    job_title: str
    headline: str
    is_my_mentor: bool
    photo: str = ""


# The facts and card of the mentors of some participant ids (those still in the filters).
CardLoader = Callable[[list[int]], dict[int, tuple[MentorFacts, "_Card"]]]


class Directory(ShownOnly[Place, DirectoryEntry]):
    """Ranked mentors; a card is built only when its page is shown."""

    def __init__(
        self,
        ranked: list[Place],
        *,
        mentee: MenteeFacts,
        reverse: bool,
        cards: CardLoader,
        goal_topic_ids: frozenset[int],
        topic_names: dict[int, str],
    ) -> None:
        super().__init__(ranked)
        self._cards = cards
        self._mentee, self._reverse = mentee, reverse
        self._goal_topic_ids, self._topic_names = goal_topic_ids, topic_names
        self.with_room = sum(1 for _, _, can_request in ranked if can_request)

    def _load(self, keys: list[Place]) -> list[DirectoryEntry]:
        ids = [participant_id for participant_id, _, _ in keys]
        found = self._cards(ids)
        # A mentor who left the filters since the ranking was kept is left out.
        return [self._entry(*found[i]) for i in ids if i in found]

    def _entry(self, mentor: MentorFacts, card: _Card) -> DirectoryEntry:
        # The reasons in words, for the cards of the page shown only.
        score = compatibility(self._mentee, mentor, reverse=self._reverse)
        names = self._topic_names
        return DirectoryEntry(
            participant_id=mentor.participant_id,
            user_id=card.user_id,
            name=mentor.name,
            job_title=card.job_title,
            department=mentor.department,
            headline=card.headline,
            topics=tuple(
                TopicTag(names[t], t in self._goal_topic_ids)
                for t in sorted(mentor.topic_ids, key=lambda t: names.get(t, "").casefold())
                if t in names
            ),
            score=score,
            availability=availability_words(mentor),
            can_request=can_take_request(mentor),
            is_my_mentor=card.is_my_mentor,
            photo=card.photo,
        )


def directory_topic_list(*, program: Program) -> list[Topic]:
    """The organization's topics, by name: the topic filter's choices and the cards' words."""
    return list(Topic.objects.filter(organization_id=program.organization_id).order_by("name"))


def active_mentor_profiles(program: Program) -> QuerySet[MentorProfile]:
    """The profiles of the program's active mentors."""
    return MentorProfile.objects.filter(
        participant__program=program,
        participant__role=Role.MENTOR,
        participant__status=Participant.Status.ACTIVE,
    )


def with_room(profiles: QuerySet[MentorProfile], today: date) -> QuerySet[MentorProfile]:
    """Profiles (annotated by ``with_load``) that can take a request now: taking requests, not
    away, with a place left."""
    return profiles.filter(
        Q(away_until__isnull=True) | Q(away_until__lte=today),
        accepting_requests=True,
        seats__gt=F("live"),  # type: ignore[misc]  # annotated by with_load
    )


def with_load(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """Profiles annotated with ``live`` (their live mentorships) and ``seats`` (the places their
    capacity holds: circles times the circle size in a group program)."""
    return profiles.annotate(live=live_mentorship_count(), seats=seats_of())


def live_mentorship_count() -> Coalesce:
    """A mentor profile's live mentorships, for ``annotate(live=...)`` (a subquery). Counting
    the mentees, not the rows, lets PostgreSQL count from the index of live pairs (mentor,
    mentee) alone: for 10,000 mentors, 37 ms instead of 58-63 reading every mentorship's row."""
    live = (
        Mentorship.objects.filter(
            mentor=OuterRef("participant_id"), status__in=Mentorship.LIVE_STATUSES
        )
        .order_by()
        .values("mentor")
        .annotate(n=Count("mentee"))
        .values("n")
    )
    return Coalesce(Subquery(live), Value(0))


def directory_filter_lists(*, program: Program) -> tuple[list[str], list[str]]:
    """The departments the program's mentors belong to and the codes of the languages they
    speak, for the directory's filters: kept under the program's directory version (a write to
    a mentor forgets it), as reading 10,000 mentors' took a third of the page."""
    return kept(
        [DIRECTORY_VERSION, directory_version(program.pk)],
        f"directory-filters:{program.pk}",
        lambda: _filter_lists(program),
        timeout=settings.DIRECTORY_RANKING_SECONDS,
    )


def _filter_lists(program: Program) -> tuple[list[str], list[str]]:
    """``directory_filter_lists`` worked out (one query)."""
    departments: set[str] = set()
    spoken: set[str] = set()
    for department, languages in (
        active_mentor_profiles(program)
        .order_by()
        .values_list("participant__user__department", "participant__user__languages")
        .distinct()
    ):
        if department:
            departments.add(department)
        spoken.update(languages)
    return sorted(departments), sorted(spoken)


def mentee_facts(*, viewer: DirectoryViewer, today: date) -> MenteeFacts:
    """The viewing mentee as the score sees them (one query: their active goals' topics)."""
    profile, peer = viewer.mentee_profile, viewer.peer_mentor_profile
    goal_topic_ids = frozenset(
        GoalTopic.objects.filter(
            goal__owner=viewer.mentee, goal__status=Goal.Status.ACTIVE
        ).values_list("topic_id", flat=True)
    )
    return MenteeFacts(
        goal_topic_ids=goal_topic_ids,
        help_wanted=frozenset(profile.help_wanted),
        formats=frozenset(profile.formats),
        department=viewer.user.department,
        languages=frozenset(viewer.user.languages),
        seniority_rank=_seniority(profile, peer),
        working_intervals=utc_week_intervals(
            working_hours_windows(*viewer.working_hours),
            zone=viewer.user.time_zone,
            week_starting=monday_of(today),
        ),
    )


def _seniority(profile: MenteeProfile, peer: MentorProfile | None) -> int | None:
    """The mentee's own level, or in peer programs the one on their mentor profile."""
    if profile.seniority:
        return SENIORITY_RANKS.get(profile.seniority)
    return SENIORITY_RANKS.get(peer.seniority) if peer else None


def _search(mentors: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Every word must appear in the name, headline, bio or a topic's name."""
    for word in query.split()[:MAX_SEARCH_WORDS]:
        in_topics = MentorTopic.objects.filter(
            mentorprofile_id=OuterRef("pk"), topic__name__icontains=word
        )
        mentors = mentors.filter(
            Q(participant__user__full_name__icontains=word)
            | Q(headline__icontains=word)
            | Q(bio__icontains=word)
            | Q(Exists(in_topics))
        )
    return mentors


def _is_my_mentor(viewer: DirectoryViewer) -> Exists:
    """Whether a mentor profile's mentor is in a live mentorship with the viewer (annotate)."""
    return Exists(
        Mentorship.objects.filter(
            mentor=OuterRef("participant_id"),
            mentee=viewer.mentee,
            status__in=Mentorship.LIVE_STATUSES,
        )
    )


def _filtered_mentors(
    *, program: Program, viewer: DirectoryViewer, filters: DirectoryFilters, today: date
) -> QuerySet[Any]:
    """Mentor profiles with ``live``, ``seats`` and ``is_my_mentor`` annotated."""
    department = viewer.user.department.strip()
    mentors: QuerySet[Any] = with_load(
        active_mentor_profiles(program).exclude(participant__user_id=viewer.user.pk)
    ).annotate(is_my_mentor=_is_my_mentor(viewer))  # peer programs: never yourself
    if filters.topic_id is not None:
        mentors = mentors.filter(
            Exists(
                MentorTopic.objects.filter(
                    mentorprofile_id=OuterRef("pk"), topic_id=filters.topic_id
                )
            )
        )
    if filters.help:
        mentors = mentors.filter(help_offered__contains=choice_set_lookup(filters.help))
    if filters.format:
        mentors = mentors.filter(formats__contains=choice_set_lookup(filters.format))
    if filters.department:
        mentors = mentors.filter(participant__user__department=filters.department)
    if filters.language:
        mentors = mentors.filter(
            participant__user__languages__contains=choice_set_lookup(filters.language)
        )
    if filters.outside_department and department:
        mentors = mentors.exclude(participant__user__department__iexact=department)
    if filters.has_room:
        mentors = with_room(mentors, today)
    if filters.query:
        mentors = _search(mentors, filters.query)
    return mentors


def grouped_pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """(key, value) rows as each key's set of values."""
    grouped: dict[int, set[int]] = defaultdict(set)
    for key, value in rows:
        grouped[key].add(value)
    return grouped


def _window_intervals(participant_ids: Any, today: date) -> dict[int, tuple[Interval, ...]]:
    """Each mentor participant's contact windows as UTC minutes of this week."""
    by_participant: dict[int, tuple[str, list[tuple[int, str, str]]]] = {}
    # The times as the database writes them ("09:30:00"): each distinct one is read once, in
    # _week_intervals, instead of once a row.
    rows = (
        ContactWindow.objects.filter(availability__participant_id__in=participant_ids)
        .annotate(start=Cast("start_time", CharField()), end=Cast("end_time", CharField()))
        .values_list(
            "availability__participant_id", "availability__time_zone", "weekday", "start", "end"
        )
    )
    for participant_id, zone, weekday, start, end in rows:
        by_participant.setdefault(participant_id, (zone, []))[1].append((weekday, start, end))
    week = monday_of(today)
    # Sorted as times: the written times are zero-padded, so they sort as the times do.
    return {
        participant_id: _week_intervals(zone, tuple(sorted(windows)), week)
        for participant_id, (zone, windows) in by_participant.items()
    }


# Many mentors keep the same hours in the same zone: each set is converted once a week.
@lru_cache(maxsize=16384)
def _week_intervals(
    zone: str, windows: tuple[tuple[int, str, str], ...], week: date
) -> tuple[Interval, ...]:
    return utc_week_intervals(
        [
            Window(day, time.fromisoformat(start), time.fromisoformat(end))
            for day, start, end in windows
        ],
        zone=zone,
        week_starting=week,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a program's mentors are read: thousands of rows,
    sets and tuples, none in a cycle, made the collector walk every object again and again
    (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


MENTOR_FIELDS = (
    "pk",
    "participant_id",
    "participant__user_id",
    "participant__user__full_name",
    "participant__user__email",
    "participant__user__job_title",
    "participant__user__department",
    "participant__user__languages",
    "participant__user__photo",
    "headline",
    "seniority",
    "help_offered",
    "formats",
    "seats",
    "accepting_requests",
    "away_until",
    "live",
)


class _MentorRows:
    """Mentor profiles' rows (annotated by ``with_load``) with their topics, cannot-help topics
    and contact windows: what ``mentors_as_facts`` and ``_pool`` are made of."""

    def __init__(self, mentors: QuerySet[Any], *, today: date, extra: Sequence[str] = ()) -> None:
        """Four queries: the mentors, their topics, their cannot-help topics, their windows."""
        self.today = today
        self.rows = rows = list(mentors.values(*MENTOR_FIELDS, *extra))
        # A page of cards goes to the next queries as its ids (compiling the filtered query
        # three more times cost more than running them); all the mentors go as the subquery.
        short = len(rows) <= SHORT_LIST
        ids: Any = [row["pk"] for row in rows] if short else mentors.values("pk")
        people: Any = (
            [row["participant_id"] for row in rows] if short else mentors.values("participant_id")
        )
        # (profile id, topic id) rows, grouped only when asked for.
        self.topic_pairs = list(
            MentorTopic.objects.filter(mentorprofile_id__in=ids).values_list(
                "mentorprofile_id", "topic_id"
            )
        )
        self.cannot_pairs = list(
            MentorCannotTopic.objects.filter(mentorprofile_id__in=ids).values_list(
                "mentorprofile_id", "topic_id"
            )
        )
        self.windows = _window_intervals(people, today)

    @cached_property
    def topic_ids(self) -> dict[int, set[int]]:
        return grouped_pairs(self.topic_pairs)

    @cached_property
    def cannot_ids(self) -> dict[int, set[int]]:
        return grouped_pairs(self.cannot_pairs)

    def availability(self, row: dict[str, Any]) -> tuple[int, bool, bool]:
        """The mentor's room, whether they take requests and whether they are away."""
        away_until = row["away_until"]
        return (
            row["seats"] - row["live"],
            row["accepting_requests"],
            bool(away_until and away_until > self.today),
        )

    def facts(self, row: dict[str, Any], names: dict[int, str]) -> MentorFacts:
        room, accepting, away = self.availability(row)
        return MentorFacts(
            participant_id=row["participant_id"],
            topic_ids=frozenset(self.topic_ids.get(row["pk"], ())),
            cannot_topic_ids=frozenset(self.cannot_ids.get(row["pk"], ())),
            topic_names=names,
            help_offered=frozenset(row["help_offered"]),
            formats=frozenset(row["formats"]),
            department=row["participant__user__department"],
            languages=frozenset(row["participant__user__languages"]),
            seniority_rank=SENIORITY_RANKS.get(row["seniority"]),
            window_intervals=self.windows.get(row["participant_id"], ()),
            room=room,
            accepting=accepting,
            away=away,
            name=_name(row),
        )

    def member_sets(self, pairs: list[tuple[int, int]]) -> MemberSets:
        """(profile id, topic id) rows as each row's set of topics."""
        found = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs))
        found = found.reshape(-1, 2)
        pks = np.array([row["pk"] for row in self.rows], dtype=np.int64)
        order = np.argsort(pks)
        at = order[np.searchsorted(pks, found[:, 0], sorter=order).clip(0, max(0, len(pks) - 1))]
        # A profile that came after the mentors were read (between the queries) is left out.
        known = pks[at] == found[:, 0] if len(pks) else np.zeros(len(found), dtype=bool)
        return MemberSets.of_pairs(len(self.rows), at[known], found[known, 1])


def _name(row: dict[str, Any]) -> str:
    return row["participant__user__full_name"] or row["participant__user__email"]  # type: ignore[no-any-return]


def mentors_as_facts(
    mentors: QuerySet[Any], *, today: date, names: dict[int, str], extra: Sequence[str] = ()
) -> list[tuple[MentorFacts, dict[str, Any]]]:
    """Mentor profiles (annotated by ``with_load``) as the score sees them, each with its row
    (four queries: the mentors, their topics, their cannot-help topics, their windows)."""
    read = _MentorRows(mentors, today=today, extra=extra)
    return [(read.facts(row, names), row) for row in read.rows]


@dataclass(frozen=True)
class MentorPool:
    """A program's active mentors on one day as the score sees them (``MentorTable``), with
    each one's account: what the cache keeps to rank each mentee without reading them again."""

    table: MentorTable
    user_ids: np.ndarray


def _pool(read: _MentorRows) -> MentorPool:
    """The mentors read, as arrays (no ``MentorFacts`` for each: thousands cost)."""
    rows = read.rows
    sets: dict[tuple[str, ...], frozenset[str]] = {}  # the same few sets of codes again and again

    def codes(values: list[str]) -> frozenset[str]:
        key = tuple(values)
        found = sets.get(key)
        if found is None:
            found = sets[key] = frozenset(values)
        return found

    can_request = []
    for row in rows:
        room, accepting, away = read.availability(row)
        can_request.append(can_take(accepting=accepting, away=away, room=room))
    table = MentorTable(
        participant_ids=[row["participant_id"] for row in rows],
        topics=read.member_sets(read.topic_pairs),
        cannot_topics=read.member_sets(read.cannot_pairs),
        help_offered=[codes(row["help_offered"]) for row in rows],
        formats=[codes(row["formats"]) for row in rows],
        departments=[row["participant__user__department"] for row in rows],
        seniority_ranks=[SENIORITY_RANKS.get(row["seniority"]) for row in rows],
        window_intervals=[read.windows.get(row["participant_id"], ()) for row in rows],
        languages=[codes(row["participant__user__languages"]) for row in rows],
        can_request=can_request,
        names=[_name(row) for row in rows],
    )
    user_ids = np.array([row["participant__user_id"] for row in rows], dtype=np.int64)
    return MentorPool(table, user_ids)


def _asks_the_database(filters: DirectoryFilters) -> bool:
    """Whether the ranking reads the mentors in ``filters`` from the database rather than
    scoring the program's kept ``MentorPool``: the pool answers "has room" and "overlaps my
    hours" (as the database and ``overlap_minutes`` would), the database every other filter
    (words, topics, kinds of help, formats, departments, languages)."""
    return replace(filters, has_room=True, overlap=False) != DirectoryFilters()


def mentor_directory(
    *,
    program: Program,
    viewer: DirectoryViewer,
    filters: DirectoryFilters,
    topics: list[Topic],
    today: date | None = None,
) -> Directory:
    """The program's mentors for this mentee, filtered and best first.

    The ranking is kept in the cache under ``DIRECTORY_VERSION`` and the program's own version
    for this mentee, these filters and this day. So are the program's mentors as the score
    sees them (``MentorPool``) for this day: ranking another mentee, or with "has room" or
    "overlaps my hours" changed, reads no mentor again but scores the kept arrays
    (``ranked_places``); other filters read the mentors in them (four queries). Then only the
    shown page's mentors are read (four queries), unless this request read them already."""
    today = today or timezone.localdate(timezone=viewer.user.zoneinfo)
    me = mentee_facts(viewer=viewer, today=today)
    scope = _filtered_mentors(program=program, viewer=viewer, filters=filters, today=today)
    names = {t.pk: t.name for t in topics}
    reverse = program.kind == Program.Kind.REVERSE
    versions = [DIRECTORY_VERSION, directory_version(program.pk)]
    read: list[_MentorRows] = []  # the program's mentors, when this request read them

    def cards(
        found: list[tuple[MentorFacts, dict[str, Any]]],
    ) -> dict[int, tuple[MentorFacts, _Card]]:
        return {
            mentor.participant_id: (
                mentor,
                _Card(
                    row["participant__user_id"],
                    row["participant__user__job_title"],
                    row["headline"],
                    row["is_my_mentor"],
                    row["participant__user__photo"] or "",
                ),
            )
            for mentor, row in found
            if not filters.overlap or overlap_minutes(me.working_intervals, mentor.window_intervals)
        }

    def load(ids: list[int]) -> dict[int, tuple[MentorFacts, _Card]]:
        if read:  # read for the ranking just now: the page's cards are among them
            wanted = set(ids)
            rows = [row for row in read[0].rows if row["participant_id"] in wanted]
            return cards([(read[0].facts(row, names), row) for row in rows])
        found = mentors_as_facts(
            scope.filter(participant_id__in=ids), today=today, names=names, extra=("is_my_mentor",)
        )
        return cards(found)

    def read_pool(mentors: QuerySet[Any]) -> MentorPool:
        with _collector_paused():
            read.append(_MentorRows(mentors, today=today, extra=("is_my_mentor",)))
            return _pool(read[0])

    def rank() -> list[Place]:
        if _asks_the_database(filters):
            # Only the mentors in the filters are read (and their cards are the page's).
            found = read_pool(scope)
            among = np.ones(found.table.count, dtype=bool)
        else:
            # The program's mentors as the cache keeps them between its writes. The viewer's
            # own mentors are marked on the cards of this request's page; the pool kept is the
            # same for every mentee.
            found = kept(
                versions,
                f"directory-mentors:{POOL_FORMAT}:{program.pk}:{today.isoformat()}",
                lambda: read_pool(
                    with_load(active_mentor_profiles(program)).annotate(
                        is_my_mentor=_is_my_mentor(viewer)
                    )
                ),
                timeout=settings.DIRECTORY_RANKING_SECONDS,
            )
            among = found.user_ids != viewer.user.pk  # peer programs: never yourself
            if filters.has_room:
                among &= found.table.can_request
        if filters.overlap:
            among &= found.table.overlap(me.working_intervals) > 0
        return ranked_places(me, found.table, reverse=reverse, among=among)

    # RANKING_FORMAT: a release that changes what is kept changes it, so no reader meets the
    # shape an older release kept.
    key = (
        f"directory:{RANKING_FORMAT}:{program.pk}:{viewer.mentee.pk}:{today.isoformat()}:"
        f"{filters.key()}"
    )
    ranked = kept(versions, key, rank, timeout=settings.DIRECTORY_RANKING_SECONDS)
    return Directory(
        ranked,
        mentee=me,
        reverse=reverse,
        cards=load,
        goal_topic_ids=me.goal_topic_ids,
        topic_names=names,
    )
