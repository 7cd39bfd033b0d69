"""The mentor directory: a program's mentors, filtered, searched and ranked for one mentee.

It reads contact windows (meetings) beside profiles (matching) and goals, so it lives here,
at the top of the dependency order. The ranking is matching.score's pure function; this
module only gathers its facts, in a fixed number of queries whatever the number of mentors:
one each for the viewer, their goal topics, the topic list, the departments, the mentors,
the mentors' topics, their cannot-help topics and their contact windows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import date, time
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, signals
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from goals.models import Goal
from matching.models import (
    Availability,
    ContactWindow,
    HelpKind,
    MeetingFormat,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    Seniority,
)
from matching.rounds import RoundFacts
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
from mentorship.cache import DIRECTORY_VERSION, kept
from mentorship.fields import choice_set_lookup
from mentorship.http import AuthedHttpRequest
from mentorship.paging import ShownOnly
from mentorship.widgets import QuickSelect
from programs.access import get_program_for_user
from programs.models import Participant, Program, Role, Topic

PAGE_SIZE = 20
RANKING_FORMAT = 1  # what the cache keeps of a ranking: a list of Place
SHORT_LIST = 100  # mentors read by their ids rather than by a subquery (a page's cards)
MAX_SEARCH_WORDS = 8
LIVE = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
SENIORITY_RANKS = {code: level for level, code in enumerate(Seniority.values)}

MentorTopic = MentorProfile.topics.through
MentorCannotTopic = MentorProfile.cannot_help_topics.through
GoalTopic = Goal.topics.through


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectoryViewer:
    """The mentee browsing the directory, with what their ranking needs."""

    user: User
    mentee: Participant
    mentee_profile: MenteeProfile
    peer_mentor_profile: MentorProfile | None = None  # peer programs: they mentor too

    @property
    def working_hours(self) -> tuple[time, time]:
        return self.mentee_profile.working_hours_start, self.mentee_profile.working_hours_end


def _profile_or_none(participant: Participant | None, name: str) -> Any:
    try:
        return getattr(participant, name) if participant else None
    except (MenteeProfile.DoesNotExist, MentorProfile.DoesNotExist):
        return None


def get_directory_viewer(*, program: Program, user: User) -> DirectoryViewer:
    """The person as an active mentee of the program; 403 for anyone else who may see it."""
    rows = list(
        Participant.objects.filter(
            program=program, user=user, status=Participant.Status.ACTIVE
        ).select_related("mentee_profile", "mentor_profile")
    )
    mentee = next((p for p in rows if p.role == Role.MENTEE), None)
    if mentee is None:
        raise PermissionDenied(
            "The mentor directory is for this program's active mentees: "
            "your role here does not include requesting a mentor."
        )
    mentee.user = user
    mentor = next((p for p in rows if p.role == Role.MENTOR), None)
    return DirectoryViewer(
        user=user,
        mentee=mentee,
        # No profile saved yet: the model's defaults (09:00–17:00, no wishes) stand in.
        mentee_profile=_profile_or_none(mentee, "mentee_profile")
        or MenteeProfile(participant=mentee),
        peer_mentor_profile=_profile_or_none(mentor, "mentor_profile"),
    )


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------
class Room(models.TextChoices):
    NOW = "now", "Has room now"
    ALL = "all", "Everyone (full, away or not accepting shown last)"


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

    def key(self) -> str:
        """A short name for these filters in a cache key."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:24]


class DirectoryFilterForm(forms.Form):
    """The directory's GET form; every choice comes from the program or the models."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Name, headline, bio or topic.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.TypedChoiceField(
        label="Topic", required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    help = forms.ChoiceField(
        label="Help offered",
        required=False,
        choices=[("", "Any"), *HelpKind.choices],
        widget=QuickSelect,
    )
    format = forms.ChoiceField(
        label="Meets by",
        required=False,
        choices=[("", "Any"), *MeetingFormat.choices],
        widget=QuickSelect,
    )
    department = forms.ChoiceField(label="Department", required=False, widget=QuickSelect)
    outside_department = forms.BooleanField(label="Outside my department", required=False)
    overlap = forms.BooleanField(label="Contact windows overlap my working hours", required=False)
    room = forms.ChoiceField(
        label="Availability", required=False, choices=Room.choices, widget=QuickSelect
    )

    def __init__(
        self, *args: Any, topics: Iterable[Topic], departments: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("topic", [("", "Any"), *((str(t.pk), t.name) for t in topics)])
        self._set_choices("department", [("", "Any"), *((d, d) for d in departments)])

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        form_field = self.fields[name]
        assert isinstance(form_field, forms.ChoiceField)
        form_field.choices = choices

    def clean_room(self) -> str:
        return self.cleaned_data.get("room") or Room.NOW

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid one is left out (and the form shows its error)."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            query=data.get("q") or "",
            topic_id=data.get("topic"),
            help=data.get("help") or "",
            format=data.get("format") or "",
            department=data.get("department") or "",
            outside_department=bool(data.get("outside_department")),
            overlap=bool(data.get("overlap")),
            has_room=(data.get("room") or Room.NOW) == Room.NOW,
        )

    def query_string(self) -> str:
        """The filters in use, for page links."""
        f = self.filters()
        pairs = [
            ("q", f.query),
            ("topic", "" if f.topic_id is None else str(f.topic_id)),
            ("help", f.help),
            ("format", f.format),
            ("department", f.department),
            ("outside_department", "on" if f.outside_department else ""),
            ("overlap", "on" if f.overlap else ""),
            ("room", "" if f.has_room else Room.ALL),
        ]
        return urlencode([(k, v) for k, v in pairs if v])


# ---------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------
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


@dataclass(frozen=True)
class _Card:
    """What a card shows beyond the score's facts."""

    user_id: int
    job_title: str
    headline: str
    is_my_mentor: bool


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
        )


def directory_topic_list(*, program: Program) -> list[Topic]:
    """The organization's topics, by name: the topic filter's choices and the cards' words."""
    return list(Topic.objects.filter(organization_id=program.organization_id).order_by("name"))


def _mentor_scope(program: Program) -> QuerySet[MentorProfile]:
    return MentorProfile.objects.filter(
        participant__program=program,
        participant__role=Role.MENTOR,
        participant__status=Participant.Status.ACTIVE,
    )


def directory_department_list(*, program: Program) -> list[str]:
    """Departments the program's mentors belong to, for the department filter."""
    return list(
        _mentor_scope(program)
        .exclude(participant__user__department="")
        .order_by("participant__user__department")
        .values_list("participant__user__department", flat=True)
        .distinct()
    )


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
    """Mentor profiles with ``live`` (mentorships) and ``is_my_mentor`` annotated."""
    mentee, department = viewer.mentee, viewer.user.department.strip()
    live = (
        Mentorship.objects.filter(mentor=OuterRef("participant_id"), status__in=LIVE)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine = Mentorship.objects.filter(
        mentor=OuterRef("participant_id"), mentee=mentee, status__in=LIVE
    )
    mentors: QuerySet[Any] = (
        _mentor_scope(program)
        .exclude(participant__user_id=viewer.user.pk)  # peer programs: never yourself
        .annotate(live=Coalesce(Subquery(live), Value(0)), is_my_mentor=Exists(mine))
    )
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
    if filters.outside_department and department:
        mentors = mentors.exclude(participant__user__department__iexact=department)
    if filters.has_room:
        mentors = mentors.filter(
            Q(away_until__isnull=True) | Q(away_until__lte=today),
            accepting_requests=True,
            capacity__gt=F("live"),
        )
    if filters.query:
        mentors = _search(mentors, filters.query)
    return mentors


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
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


def _mentor_facts(
    mentors: QuerySet[Any], *, today: date, names: dict[int, str], extra: Sequence[str] = ()
) -> list[tuple[MentorFacts, dict[str, Any]]]:
    """Mentor profiles (annotated with ``live``) as the score sees them, each with its row
    (four queries: the mentors, their topics, their cannot-help topics, their windows)."""
    fields = (
        "pk",
        "participant_id",
        "participant__user_id",
        "participant__user__full_name",
        "participant__user__email",
        "participant__user__job_title",
        "participant__user__department",
        "headline",
        "seniority",
        "help_offered",
        "formats",
        "capacity",
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
    topic_ids = _pairs(
        MentorTopic.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", "topic_id"
        )
    )
    cannot_ids = _pairs(
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
            seniority_rank=SENIORITY_RANKS.get(row["seniority"]),
            window_intervals=windows.get(row["participant_id"], ()),
            room=row["capacity"] - row["live"],
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
    is kept in the cache under ``DIRECTORY_VERSION`` for this mentee, these filters and this
    day; then only the shown page's mentors are read (four queries)."""
    today = today or timezone.localdate(timezone=viewer.user.zoneinfo)
    me = mentee_facts(viewer=viewer, today=today)
    scope = _filtered_mentors(program=program, viewer=viewer, filters=filters, today=today)
    names = {t.pk: t.name for t in topics}
    reverse = program.kind == Program.Kind.REVERSE
    computed: dict[int, tuple[MentorFacts, _Card]] = {}

    def cards(mentors: QuerySet[Any]) -> dict[int, tuple[MentorFacts, _Card]]:
        found = _mentor_facts(mentors, today=today, names=names, extra=("is_my_mentor",))
        return {
            mentor.participant_id: (
                mentor,
                _Card(
                    row["participant__user_id"],
                    row["participant__user__job_title"],
                    row["headline"],
                    row["is_my_mentor"],
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
    ranked = kept(DIRECTORY_VERSION, key, rank, timeout=settings.DIRECTORY_RANKING_SECONDS)
    return Directory(
        ranked,
        mentee=me,
        reverse=reverse,
        cards=lambda ids: computed or cards(scope.filter(participant_id__in=ids)),
        goal_topic_ids=me.goal_topic_ids,
        topic_names=names,
    )


# Saves of only these fields move no mentor in any ranking (a sign-in stamps last_login).
UNRANKED_FIELDS = frozenset({"last_login", "updated_at", "position", "achieved_at"})


def directory_changed(update_fields: frozenset[str] | None = None, **_: Any) -> None:
    """A write that can move a mentor in somebody's ranking: every kept ranking is forgotten."""
    if update_fields is not None and update_fields <= UNRANKED_FIELDS:
        return
    DIRECTORY_VERSION.change()


def connect_directory_signals() -> None:
    """Every model a ranking reads forgets the kept rankings when it is written (the apps'
    few bulk updates of these models call ``DIRECTORY_VERSION.change()`` themselves)."""
    for model in (
        User,
        Program,
        Topic,
        Participant,
        MentorProfile,
        MenteeProfile,
        Mentorship,
        Goal,
        Availability,
        ContactWindow,
    ):
        uid = f"directory-{model._meta.label_lower}"
        signals.post_save.connect(directory_changed, sender=model, dispatch_uid=uid + "-save")
        signals.post_delete.connect(directory_changed, sender=model, dispatch_uid=uid + "-delete")
    for through in (MentorTopic, MentorCannotTopic, GoalTopic):
        signals.m2m_changed.connect(
            directory_changed, sender=through, dispatch_uid=f"directory-{through._meta.label_lower}"
        )


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------
def directory(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The program's mentors, ranked for the viewing mentee, with filters and search."""
    program = get_program_for_user(request.user, slug)
    viewer = get_directory_viewer(program=program, user=request.user)
    topics = directory_topic_list(program=program)
    form = DirectoryFilterForm(
        request.GET or None,
        topics=topics,
        departments=directory_department_list(program=program),
    )
    found = mentor_directory(program=program, viewer=viewer, filters=form.filters(), topics=topics)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/directory.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "found": found,
            "query_string": form.query_string(),
            "viewer": viewer,
        },
    )


# ---------------------------------------------------------------------------
# Facts for a matching round: many mentees against all the program's mentors
# ---------------------------------------------------------------------------
def round_facts(
    *, program: Program, mentee_ids: Iterable[int], today: date | None = None
) -> RoundFacts:
    """The round's mentees (still active and without a mentor) and the program's active
    mentors, as the score sees them, in a fixed number of queries whatever their numbers."""
    today = today or timezone.localdate()
    mentees = list(
        Participant.objects.filter(
            pk__in=list(mentee_ids),
            program=program,
            role=Role.MENTEE,
            status=Participant.Status.ACTIVE,
        )
        .exclude(mentorships_as_mentee__status__in=LIVE)
        .select_related("user", "mentee_profile")
        .order_by("pk")
    )
    goal_topics = _pairs(
        GoalTopic.objects.filter(
            goal__owner__in=mentees, goal__status=Goal.Status.ACTIVE
        ).values_list("goal__owner_id", "topic_id")
    )
    converted: dict[tuple[str, time, time], tuple[Interval, ...]] = {}
    week = monday_of(today)
    mentee_facts_by_id: dict[int, MenteeFacts] = {}
    names: dict[int, str] = {}
    users: dict[int, int] = {}
    for mentee in mentees:
        profile = _profile_or_none(mentee, "mentee_profile") or MenteeProfile(participant=mentee)
        key = (mentee.user.time_zone, profile.working_hours_start, profile.working_hours_end)
        if key not in converted:
            converted[key] = utc_week_intervals(
                working_hours_windows(key[1], key[2]), zone=key[0], week_starting=week
            )
        mentee_facts_by_id[mentee.pk] = MenteeFacts(
            goal_topic_ids=frozenset(goal_topics.get(mentee.pk, ())),
            help_wanted=frozenset(profile.help_wanted),
            formats=frozenset(profile.formats),
            department=mentee.user.department,
            seniority_rank=SENIORITY_RANKS.get(profile.seniority),
            working_intervals=converted[key],
        )
        names[mentee.pk] = mentee.user.get_full_name() or mentee.user.email
        users[mentee.pk] = mentee.user_id
    live = (
        Mentorship.objects.filter(mentor=OuterRef("participant_id"), status__in=LIVE)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mentors = _mentor_scope(program).annotate(live=Coalesce(Subquery(live), Value(0)))
    topic_names = dict(
        Topic.objects.filter(organization=program.organization).values_list("pk", "name")
    )
    mentor_facts: dict[int, MentorFacts] = {}
    for mentor, row in _mentor_facts(mentors.order_by("pk"), today=today, names=topic_names):
        mentor_facts[mentor.participant_id] = mentor
        names[mentor.participant_id] = mentor.name
        users[mentor.participant_id] = row["participant__user_id"]
    live_pairs = frozenset(
        Mentorship.objects.filter(program=program, status__in=LIVE).values_list(
            "mentee_id", "mentor_id"
        )
    )
    return RoundFacts(
        mentees=mentee_facts_by_id,
        mentors=mentor_facts,
        users=users,
        names=names,
        live_pairs=live_pairs,
        reverse=program.kind == Program.Kind.REVERSE,
        other_department_only=program.other_department_only,
    )
