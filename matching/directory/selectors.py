"""Reads for the mentor directory: the facts matching.score ranks mentors by, gathered in a fixed
number of queries whatever the number of mentors (one each for the viewer, their goal topics, the
topic list, the departments, the mentors, the mentors' topics, their cannot-help topics and their
contact windows), and the ranking kept in the cache for one mentee, their filters and one day."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import date, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
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
    MenteeFacts,
    MentorFacts,
    Score,
    availability_words,
    can_take_request,
    compatibility,
    overlap_minutes,
    rank_totals,
)
from matching.windows import Window, monday_of, utc_week_intervals, working_hours_windows
from mentorship.cache import DIRECTORY_VERSION, directory_version, kept
from mentorship.fields import choice_set_lookup
from mentorship.paging import ShownOnly
from programs.models import Participant, Program, Role, Topic

RANKING_FORMAT = 1  # what the cache keeps of a ranking: a list of Place
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


# A mentor's place in one mentee's ranking, as the cache keeps it: participant id, total score,
# whether they can take a request now.
Place = tuple[int, float, bool]
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
    """A mentor profile's live mentorships, for ``annotate(live=...)`` (a subquery)."""
    live = (
        Mentorship.objects.filter(
            mentor=OuterRef("participant_id"), status__in=Mentorship.LIVE_STATUSES
        )
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(live), Value(0))


def directory_filter_lists(*, program: Program) -> tuple[list[str], list[str]]:
    """The departments the program's mentors belong to and the codes of the languages they
    speak, for the directory's filters (one query)."""
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


def _filtered_mentors(
    *, program: Program, viewer: DirectoryViewer, filters: DirectoryFilters, today: date
) -> QuerySet[Any]:
    """Mentor profiles with ``live``, ``seats`` and ``is_my_mentor`` annotated."""
    mentee, department = viewer.mentee, viewer.user.department.strip()
    mine = Mentorship.objects.filter(
        mentor=OuterRef("participant_id"), mentee=mentee, status__in=Mentorship.LIVE_STATUSES
    )
    mentors: QuerySet[Any] = with_load(
        active_mentor_profiles(program).exclude(participant__user_id=viewer.user.pk)
    ).annotate(is_my_mentor=Exists(mine))  # peer programs: never yourself
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
    by_participant: dict[int, tuple[str, list[tuple[int, time, time]]]] = {}
    rows = ContactWindow.objects.filter(
        availability__participant_id__in=participant_ids
    ).values_list(
        "availability__participant_id",
        "availability__time_zone",
        "weekday",
        "start_time",
        "end_time",
    )
    for participant_id, zone, weekday, start, end in rows:
        by_participant.setdefault(participant_id, (zone, []))[1].append((weekday, start, end))
    # Many mentors keep the same hours in the same zone: convert each set once.
    converted: dict[tuple[str, tuple[tuple[int, time, time], ...]], tuple[Interval, ...]] = {}
    week = monday_of(today)
    result = {}
    for participant_id, (zone, windows) in by_participant.items():
        key = (zone, tuple(sorted(windows)))
        if key not in converted:
            converted[key] = utc_week_intervals(
                [Window(*w) for w in key[1]], zone=zone, week_starting=week
            )
        result[participant_id] = converted[key]
    return result


def mentors_as_facts(
    mentors: QuerySet[Any], *, today: date, names: dict[int, str], extra: Sequence[str] = ()
) -> list[tuple[MentorFacts, dict[str, Any]]]:
    """Mentor profiles (annotated by ``with_load``) as the score sees them, each with its row
    (four queries: the mentors, their topics, their cannot-help topics, their windows)."""
    fields = (
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
        *extra,
    )
    rows = list(mentors.values(*fields))
    # A page of cards goes to the next queries as its ids (compiling the filtered query three
    # more times cost more than running them); all the mentors go as the subquery.
    short = len(rows) <= SHORT_LIST
    ids: Any = [row["pk"] for row in rows] if short else mentors.values("pk")
    people: Any = (
        [row["participant_id"] for row in rows] if short else mentors.values("participant_id")
    )
    topic_ids = grouped_pairs(
        MentorTopic.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", "topic_id"
        )
    )
    cannot_ids = grouped_pairs(
        MentorCannotTopic.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", "topic_id"
        )
    )
    windows = _window_intervals(people, today)
    found = []
    for row in rows:
        away_until = row["away_until"]
        mentor = MentorFacts(
            participant_id=row["participant_id"],
            topic_ids=frozenset(topic_ids.get(row["pk"], ())),
            cannot_topic_ids=frozenset(cannot_ids.get(row["pk"], ())),
            topic_names=names,
            help_offered=frozenset(row["help_offered"]),
            formats=frozenset(row["formats"]),
            department=row["participant__user__department"],
            languages=frozenset(row["participant__user__languages"]),
            seniority_rank=SENIORITY_RANKS.get(row["seniority"]),
            window_intervals=windows.get(row["participant_id"], ()),
            room=row["seats"] - row["live"],
            accepting=row["accepting_requests"],
            away=bool(away_until and away_until > today),
            name=row["participant__user__full_name"] or row["participant__user__email"],
        )
        found.append((mentor, row))
    return found


def mentor_directory(
    *,
    program: Program,
    viewer: DirectoryViewer,
    filters: DirectoryFilters,
    topics: list[Topic],
    today: date | None = None,
) -> Directory:
    """The program's mentors for this mentee, filtered and best first.

    The ranking (scoring every mentor in the filters, the page's main cost in a large program)
    is kept in the cache under ``DIRECTORY_VERSION`` and the program's own version for this
    mentee, these filters and this day; then only the shown page's mentors are read (four queries)."""
    today = today or timezone.localdate(timezone=viewer.user.zoneinfo)
    me = mentee_facts(viewer=viewer, today=today)
    scope = _filtered_mentors(program=program, viewer=viewer, filters=filters, today=today)
    names = {t.pk: t.name for t in topics}
    reverse = program.kind == Program.Kind.REVERSE
    computed: dict[int, tuple[MentorFacts, _Card]] = {}

    def cards(mentors: QuerySet[Any]) -> dict[int, tuple[MentorFacts, _Card]]:
        found = mentors_as_facts(mentors, today=today, names=names, extra=("is_my_mentor",))
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

    def rank() -> list[Place]:
        computed.update(cards(scope))
        ranked = rank_totals(me, [mentor for mentor, _ in computed.values()], reverse=reverse)
        return [(m.participant_id, total, can_take_request(m)) for m, total in ranked]

    # RANKING_FORMAT: a release that changes what is kept changes it, so no reader meets the
    # shape an older release kept.
    key = (
        f"directory:{RANKING_FORMAT}:{program.pk}:{viewer.mentee.pk}:{today.isoformat()}:"
        f"{filters.key()}"
    )
    ranked = kept(
        [DIRECTORY_VERSION, directory_version(program.pk)],
        key,
        rank,
        timeout=settings.DIRECTORY_RANKING_SECONDS,
    )
    return Directory(
        ranked,
        mentee=me,
        reverse=reverse,
        cards=lambda ids: computed or cards(scope.filter(participant_id__in=ids)),
        goal_topic_ids=me.goal_topic_ids,
        topic_names=names,
    )
