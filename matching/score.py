"""How well a mentor fits a mentee: a pure score with its reasons in words.

No ORM here: plain dataclasses in, a ``Score`` out, so the directory ranks mentors with it
today and the matching-round engine can reuse it for thousands of pairs. Of Django, only its
translations: the reasons are worded in the reader's language.

Weights (a score is the sum of its parts; each part can be tested alone):

=================  ========================================================  ============
part               rule                                                      range
=================  ========================================================  ============
topics             +3 per goal topic the mentor helps with,                  unbounded
                   −4 per goal topic on the mentor's cannot-help list
help               +2 per kind of help the mentee wants and the mentor       0 … +6
                   offers
formats            +1 per meeting format both accept, at most 2              0 … +2
overlap            +1 per hour a week that the mentor's contact windows      0 … +4
                   overlap the mentee's working hours, at most 4
seniority          +0.5 per level the mentor is more senior (−0.5 per level  −1.5 … +1.5
                   less), at most 3 levels; ``reverse=True`` inverts it
department         +0.5 when both name a department and they differ          0 … +0.5
languages          +1 when they speak a language in common                   0 … +1
=================  ========================================================  ============

Topics weigh most because a request must name one; a goal topic the mentor has said they
cannot help with counts against them more than a match counts for them, so nobody is sent
to ask for what the mentor ruled out. Overlap and formats are capped: beyond a few hours a
week, more overlap does not make a better mentor. Seniority and department only break
near-ties. A shared language counts once: a second one adds nothing. Availability (room, accepting, away) is not part of the fit: ``rank`` sorts
mentors who cannot take a request last, whatever their score.

Times are minutes of the week in UTC: 0 is Monday 00:00 UTC, ``MINUTES_PER_WEEK`` is the
next Monday. An interval is ``(start, end)`` with ``start < end``; it may run past the end
of the week (``end > MINUTES_PER_WEEK``) or start before it (``start < 0``), and then wraps
round, because a Sunday-evening window in one zone is a Monday-morning one in another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_name

MINUTES_PER_WEEK = 7 * 24 * 60

Interval = tuple[int, int]

TOPIC_MATCH_WEIGHT = 3.0
TOPIC_CONFLICT_WEIGHT = -4.0
HELP_WEIGHT = 2.0
FORMAT_WEIGHT = 1.0
FORMAT_CAP = 2.0
OVERLAP_WEIGHT_PER_HOUR = 1.0
OVERLAP_CAP = 4.0
SENIORITY_WEIGHT_PER_LEVEL = 0.5
SENIORITY_MAX_LEVELS = 3
DEPARTMENT_BONUS = 0.5
LANGUAGE_WEIGHT = 1.0

# Words for the codes of matching.models.HelpKind and MeetingFormat (a test keeps them in
# step): this module cannot import the models.
HELP_WORDS = {"coach": _("coaching"), "sponsor": _("sponsorship"), "connector": _("connections")}
# Translators: how two people meet, said after "meets": "meets by video call or over coffee".
FORMAT_WORDS = {
    "video": _("by video call"),
    "phone": _("by phone"),
    "in_person": _("in person"),
    "coffee": _("over coffee"),
    "async": _("in writing"),
}


@dataclass(frozen=True, slots=True)
class MenteeFacts:
    """What the score needs to know of a mentee."""

    goal_topic_ids: frozenset[int] = frozenset()  # topics of the mentee's ACTIVE goals
    help_wanted: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    department: str = ""
    seniority_rank: int | None = None
    working_intervals: tuple[Interval, ...] = ()
    languages: frozenset[str] = frozenset()  # codes of the languages they speak


@dataclass(frozen=True, slots=True)
class MentorFacts:
    """What the score needs to know of a mentor; ``room`` is capacity minus live mentorships."""

    participant_id: int
    topic_ids: frozenset[int] = frozenset()
    cannot_topic_ids: frozenset[int] = frozenset()
    topic_names: Mapping[int, str] = field(default_factory=dict)
    help_offered: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    department: str = ""
    seniority_rank: int | None = None
    window_intervals: tuple[Interval, ...] = ()
    languages: frozenset[str] = frozenset()
    room: int = 0
    accepting: bool = True
    away: bool = False
    name: str = ""  # only to order equal scores alphabetically


class Part(NamedTuple):
    """One part of a score: its points, and short reasons when it speaks for or against."""

    points: float = 0.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Score:
    total: float
    reasons: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Interval maths on minutes of the week
# ---------------------------------------------------------------------------
def split_at_week_end(interval: Interval) -> tuple[Interval, ...]:
    """The interval as pieces inside ``[0, MINUTES_PER_WEEK)``: two when it wraps round."""
    start, end = interval
    length = end - start
    if length <= 0:
        return ()
    if length >= MINUTES_PER_WEEK:
        return ((0, MINUTES_PER_WEEK),)
    start %= MINUTES_PER_WEEK
    end = start + length
    if end <= MINUTES_PER_WEEK:
        return ((start, end),)
    return ((start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK))


def normalize(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, non-overlapping pieces inside the week; touching pieces are merged."""
    return _normalize(tuple(intervals))


# Pure, and the directory scores thousands of mentors against one mentee's hours, many of
# them with the same windows: remember recent answers (a program of 10,000 mentors can hold
# several thousand distinct sets).
@lru_cache(maxsize=16384)
def _normalize(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    pieces = sorted(piece for interval in intervals for piece in split_at_week_end(interval))
    merged: list[Interval] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> tuple[Interval, ...]:
    """The times of the week that are in both sets of intervals."""
    left, right = normalize(a), normalize(b)
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(result)


def overlap_minutes(a: Iterable[Interval], b: Iterable[Interval]) -> int:
    """How many minutes a week the two sets of intervals share."""
    return sum(end - start for start, end in intersect(a, b))


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------
def join_words(words: Sequence[Any], conjunction: str = "and") -> str:
    """["a"] → "a"; ["a", "b"] → "a and b"; ["a", "b", "c"] → "a, b and c" (``conjunction``
    "and" or "or", in the reader's language)."""
    words = [str(word) for word in words]
    if len(words) <= 1:
        return "".join(words)
    values = {"items": ", ".join(words[:-1]), "last": words[-1]}
    if conjunction == "or":
        # Translators: the end of a list of choices: "by phone, by video call or over coffee".
        return gettext("%(items)s or %(last)s") % values
    if conjunction == "and":
        # Translators: the end of a list: "coaching, sponsorship and connections".
        return gettext("%(items)s and %(last)s") % values
    return f"{values['items']} {conjunction} {values['last']}"


def hours_words(minutes: int) -> str:
    """90 → "1.5 hours"; 60 → "1 hour"; 30 → "30 minutes"."""
    if minutes < 60:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60, 1)
    number = f"{hours:g}"
    return ngettext("%(count)s hour", "%(count)s hours", 1 if number == "1" else 2) % {
        "count": number_format(Decimal(number))
    }


# ---------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------
def topic_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """Goal topics the mentor helps with, minus goal topics they said they cannot help with."""
    conflicts = mentee.goal_topic_ids & mentor.cannot_topic_ids
    matches = (mentee.goal_topic_ids & mentor.topic_ids) - conflicts
    points = TOPIC_MATCH_WEIGHT * len(matches) + TOPIC_CONFLICT_WEIGHT * len(conflicts)
    reasons: list[str] = []
    if matches:
        reasons.append(gettext("%(count)s of your goal topics") % {"count": len(matches)})
    if conflicts:
        names = sorted(mentor.topic_names.get(t, "") for t in conflicts)
        if all(names):
            reasons.append(gettext("cannot help with %(topics)s") % {"topics": join_words(names)})
        else:
            reasons.append(
                gettext("cannot help with %(count)s of your goal topics")
                % {"count": len(conflicts)}
            )
    return Part(points, tuple(reasons))


def help_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """Kinds of help the mentee wants that the mentor offers."""
    shared = sorted(mentee.help_wanted & mentor.help_offered, key=_HELP_ORDER)
    if not shared:
        return Part()
    words = [HELP_WORDS.get(code, code) for code in shared]
    return Part(
        HELP_WEIGHT * len(shared), (gettext("offers %(help)s") % {"help": join_words(words)},)
    )


def format_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """Meeting formats both accept."""
    shared = sorted(mentee.formats & mentor.formats, key=_FORMAT_ORDER)
    if not shared:
        return Part()
    words = [FORMAT_WORDS.get(code, code) for code in shared]
    return Part(
        min(FORMAT_WEIGHT * len(shared), FORMAT_CAP),
        (gettext("meets %(formats)s") % {"formats": join_words(words, "or")},),
    )


def overlap_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """Hours a week the mentor's contact windows fall inside the mentee's working hours."""
    minutes = overlap_minutes(mentee.working_intervals, mentor.window_intervals)
    if not minutes:
        return Part()
    points = min(OVERLAP_WEIGHT_PER_HOUR * minutes / 60, OVERLAP_CAP)
    return Part(points, (gettext("%(hours)s of overlap a week") % {"hours": hours_words(minutes)},))


def seniority_part(mentee: MenteeFacts, mentor: MentorFacts, *, reverse: bool = False) -> Part:
    """A more senior mentor scores higher; in reverse mentoring, a more junior one does."""
    if mentee.seniority_rank is None or mentor.seniority_rank is None:
        return Part()
    levels = mentor.seniority_rank - mentee.seniority_rank
    if reverse:
        levels = -levels
    levels = max(-SENIORITY_MAX_LEVELS, min(SENIORITY_MAX_LEVELS, levels))
    if levels <= 0:
        return Part(SENIORITY_WEIGHT_PER_LEVEL * levels)
    if reverse:
        words = ngettext("%(count)s level more junior", "%(count)s levels more junior", levels) % {
            "count": levels
        }
    else:
        words = ngettext("%(count)s level more senior", "%(count)s levels more senior", levels) % {
            "count": levels
        }
    return Part(SENIORITY_WEIGHT_PER_LEVEL * levels, (words,))


def department_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """A small bonus for a mentor from another department: ideas cross over."""
    theirs, mine = mentor.department.strip(), mentee.department.strip()
    if theirs and mine and theirs.casefold() != mine.casefold():
        return Part(DEPARTMENT_BONUS, (gettext("from another department"),))
    return Part()


def language_part(mentee: MenteeFacts, mentor: MentorFacts) -> Part:
    """A language both speak: they can talk in it."""
    shared = sorted(mentee.languages & mentor.languages)
    if not shared:
        return Part()
    names = [language_name(code) for code in shared]
    return Part(
        LANGUAGE_WEIGHT, (gettext("speaks %(languages)s") % {"languages": join_words(names)},)
    )


# The parts by name, in the order their reasons are given; matching rounds weigh each.
PARTS: dict[str, Any] = {
    "topics": _("Goal topics"),
    "help": _("Kind of help"),
    "formats": _("Meeting formats"),
    "overlap": _("Overlapping hours"),
    "seniority": _("Seniority"),
    "department": _("Other department"),
    "languages": _("Shared language"),
}


def compatibility_parts(
    mentee: MenteeFacts, mentor: MentorFacts, *, reverse: bool = False
) -> dict[str, Part]:
    """Each part of the pair's score by name (see PARTS)."""
    return {
        "topics": topic_part(mentee, mentor),
        "help": help_part(mentee, mentor),
        "formats": format_part(mentee, mentor),
        "overlap": overlap_part(mentee, mentor),
        "seniority": seniority_part(mentee, mentor, reverse=reverse),
        "department": department_part(mentee, mentor),
        "languages": language_part(mentee, mentor),
    }


def compatibility(
    mentee: MenteeFacts,
    mentor: MentorFacts,
    *,
    reverse: bool = False,
    weights: Mapping[str, float] | None = None,
) -> Score:
    """The pair's score and the reasons that speak for (or against) it, in the parts' order.
    ``weights`` multiplies parts by name (missing: 1); a part weighed 0 gives no reasons."""
    weights = weights or {}
    parts = [
        (weights.get(name, 1.0), part)
        for name, part in compatibility_parts(mentee, mentor, reverse=reverse).items()
    ]
    total = round(sum(weight * part.points for weight, part in parts), 2)
    reasons = tuple(reason for weight, part in parts if weight for reason in part.reasons)
    return Score(total=total, reasons=reasons)


# ---------------------------------------------------------------------------
# Every pair at once
# ---------------------------------------------------------------------------
class MemberSets:
    """Sets of members (the mentors' topics, kinds of help, ...) as a sparse 0/1 matrix with a
    row for each set: entry k is a 1 in row ``rows[k]``, column ``cols[k]`` (each at most once);
    ``columns`` numbers the members."""

    def __init__(
        self, columns: dict[Any, int], rows: np.ndarray, cols: np.ndarray, count: int
    ) -> None:
        # 32 bits: a program's kept in the cache is half the size.
        self.rows, self.cols = rows.astype(np.int32), cols.astype(np.int32)
        self.columns, self.count = columns, count

    @classmethod
    def of(cls, sets: Sequence[frozenset[Any]]) -> MemberSets:
        columns: dict[Any, int] = {}
        # Many rows hold the same set (the same kinds of help): each distinct set's columns
        # are found once, and spread over its rows by array operations.
        distinct: dict[frozenset[Any], int] = {}
        code = np.fromiter(
            (distinct.setdefault(members, len(distinct)) for members in sets),
            dtype=np.intp,
            count=len(sets),
        )
        found = [[columns.setdefault(m, len(columns)) for m in members] for members in distinct]
        sizes = np.array([len(c) for c in found], dtype=np.intp)
        first = np.cumsum(sizes) - sizes  # where each distinct set's columns start in ``flat``
        flat = np.fromiter(chain.from_iterable(found), dtype=np.intp, count=int(sizes.sum()))
        per_row = sizes[code]  # how many members each row holds
        rows = np.repeat(np.arange(len(sets), dtype=np.intp), per_row)
        within = np.arange(len(rows), dtype=np.intp) - np.repeat(
            np.cumsum(per_row) - per_row, per_row
        )
        cols = flat[np.repeat(first[code], per_row) + within]
        return cls(columns, rows, cols, len(sets))

    @classmethod
    def of_pairs(cls, count: int, rows: np.ndarray, members: np.ndarray) -> MemberSets:
        """``count`` sets of whole numbers, row ``rows[k]`` holding ``members[k]``."""
        values, cols = np.unique(members.astype(np.int64), return_inverse=True)
        width = max(1, len(values))
        entries = np.unique(rows.astype(np.int64) * width + cols.reshape(-1))
        columns = {value: col for col, value in enumerate(values.tolist())}
        return cls(columns, entries // width, entries % width, count)

    def __and__(self, other: MemberSets) -> MemberSets:
        """The members each row holds in both (the same rows)."""
        width = max(1, len(self.columns))
        mapped = np.full(max(1, len(other.columns)), -1, dtype=np.intp)
        for member, col in other.columns.items():
            mapped[col] = self.columns.get(member, -1)
        theirs = mapped[other.cols]
        known = theirs >= 0
        mine = self.rows.astype(np.int64) * width + self.cols
        both = np.intersect1d(mine, other.rows[known].astype(np.int64) * width + theirs[known])
        return MemberSets(self.columns, both // width, both % width, self.count)

    def shared(self, left: Sequence[frozenset[Any]]) -> np.ndarray:
        """How many members each ``left`` set shares with each of these sets, as a (left,
        these) array of whole numbers: one mentee's by a weighted count of the members they
        name, many mentees' by a matrix product."""
        width = max(1, len(self.columns))
        if len(left) == 1:
            named = np.zeros(width)
            for member in left[0]:
                if member in self.columns:
                    named[self.columns[member]] = 1.0
            counts = np.bincount(self.rows, weights=named[self.cols], minlength=self.count)
            return counts[None, :]
        mine = np.zeros((len(left), width))
        for i, members in enumerate(left):
            for member in members:
                if member in self.columns:
                    mine[i, self.columns[member]] = 1.0
        theirs = np.zeros((self.count, width))
        theirs[self.rows, self.cols] = 1.0
        return mine @ theirs.T


def _codes(values: Sequence[Any]) -> tuple[np.ndarray, dict[Any, int]]:
    """Equal values get equal integer codes; None and "" get -1. With the codes given."""
    codes: dict[Any, int] = {}
    array = np.array(
        [-1 if value in (None, "") else codes.setdefault(value, len(codes)) for value in values],
        dtype=np.int64,
    )
    return array, codes


class MentorTable:
    """The mentors' side of ``compatibility_matrix``, worked out once for any number of
    mentees: each fact as an array or a ``MemberSets``, their weekly hours as the distinct
    sets' pieces, whether each can take a request and their place by name. The directory
    keeps a program's in the cache and scores each mentee against it in a few array
    operations; ``rank_totals`` orders with it."""

    def __init__(
        self,
        *,
        participant_ids: Sequence[int],
        topics: MemberSets,
        cannot_topics: MemberSets,
        help_offered: Sequence[frozenset[str]],
        formats: Sequence[frozenset[str]],
        departments: Sequence[str],
        seniority_ranks: Sequence[int | None],
        window_intervals: Sequence[tuple[Interval, ...]],
        languages: Sequence[frozenset[str]],
        can_request: Sequence[bool],
        names: Sequence[str],
    ) -> None:
        self.count = len(participant_ids)
        self.participant_ids = np.array(participant_ids, dtype=np.int64)
        self.topics, self.conflicts = topics, cannot_topics
        self.helped_but_cannot = topics & cannot_topics
        self.help = MemberSets.of(help_offered)
        self.formats = MemberSets.of(formats)
        self.languages = MemberSets.of(languages)
        self.seniority = np.array(
            [np.nan if rank is None else rank for rank in seniority_ranks], dtype=float
        )
        self.departments, self.department_codes = _codes(
            [department.strip().casefold() for department in departments]
        )
        # Weekly hours: people share them (same zone, same usual hours), so each distinct set
        # is kept once, as its normalized pieces, each piece naming its set.
        self.windows, distinct = _codes([intervals or None for intervals in window_intervals])
        pieces = [
            (code, start, end)
            for intervals, code in distinct.items()
            for start, end in normalize(intervals)
        ]
        self.window_count = len(distinct)
        self.piece_set = np.array([p[0] for p in pieces], dtype=np.intp)
        self.piece_start = np.array([p[1] for p in pieces], dtype=np.int64)
        self.piece_end = np.array([p[2] for p in pieces], dtype=np.int64)
        self.can_request = np.array(can_request, dtype=bool)
        # Equal scores go by name, then by participant: each mentor's place in that order.
        by_name = sorted(range(self.count), key=lambda i: (names[i].casefold(), participant_ids[i]))
        self.name_order = np.empty(self.count, dtype=np.int32)
        self.name_order[by_name] = np.arange(self.count)

    @classmethod
    def of(cls, mentors: Sequence[MentorFacts]) -> MentorTable:
        return cls(
            participant_ids=[o.participant_id for o in mentors],
            topics=MemberSets.of([o.topic_ids for o in mentors]),
            cannot_topics=MemberSets.of([o.cannot_topic_ids for o in mentors]),
            help_offered=[o.help_offered for o in mentors],
            formats=[o.formats for o in mentors],
            departments=[o.department for o in mentors],
            seniority_ranks=[o.seniority_rank for o in mentors],
            window_intervals=[o.window_intervals for o in mentors],
            languages=[o.languages for o in mentors],
            can_request=[can_take_request(o) for o in mentors],
            names=[o.name for o in mentors],
        )

    def overlap(self, working_intervals: tuple[Interval, ...]) -> np.ndarray:
        """``overlap_minutes(working_intervals, mentor.window_intervals)`` for every mentor:
        the pieces of both are disjoint, so the minutes they share are the sum of each pair of
        pieces' overlap."""
        by_set = np.zeros(max(1, self.window_count))
        for start, end in normalize(working_intervals):
            shared = np.minimum(self.piece_end, end) - np.maximum(self.piece_start, start)
            by_set += np.bincount(
                self.piece_set, weights=np.maximum(shared, 0), minlength=len(by_set)
            )
        minutes = by_set[np.maximum(self.windows, 0)]
        minutes[self.windows < 0] = 0
        return minutes

    def totals(
        self,
        mentees: Sequence[MenteeFacts],
        *,
        reverse: bool = False,
        weights: Mapping[str, float] | None = None,
    ) -> np.ndarray:
        """``compatibility(mentee, mentor).total`` for every mentee and every mentor of the
        table, as a (mentees, mentors) array."""
        weights = weights or {}
        n, m = len(mentees), self.count
        if not n or not m:
            return np.zeros((n, m))
        goals = [e.goal_topic_ids for e in mentees]
        matches = self.topics.shared(goals) - self.helped_but_cannot.shared(goals)
        conflicts = self.conflicts.shared(goals)
        parts: dict[str, np.ndarray] = {
            "topics": TOPIC_MATCH_WEIGHT * matches + TOPIC_CONFLICT_WEIGHT * conflicts,
            "help": HELP_WEIGHT * self.help.shared([e.help_wanted for e in mentees]),
            "formats": np.minimum(
                FORMAT_WEIGHT * self.formats.shared([e.formats for e in mentees]), FORMAT_CAP
            ),
        }
        # Overlap: mentees share hours too, so each distinct set of hours is worked out once.
        hours, distinct = _codes([e.working_intervals or None for e in mentees])
        table = np.zeros((max(1, len(distinct)), m))
        for intervals, code in distinct.items():
            table[code] = self.overlap(intervals)
        minutes = table[np.maximum(hours, 0)]
        minutes[hours < 0, :] = 0
        parts["overlap"] = np.minimum(OVERLAP_WEIGHT_PER_HOUR * minutes / 60, OVERLAP_CAP)
        mine_rank = np.array(
            [np.nan if e.seniority_rank is None else e.seniority_rank for e in mentees]
        )
        levels = self.seniority[None, :] - mine_rank[:, None]
        if reverse:
            levels = -levels
        levels = np.clip(levels, -SENIORITY_MAX_LEVELS, SENIORITY_MAX_LEVELS)
        parts["seniority"] = np.nan_to_num(SENIORITY_WEIGHT_PER_LEVEL * levels, nan=0.0)
        # A mentee's department none of the mentors has gets a code of its own (-2).
        mine_dept = np.array(
            [
                self.department_codes.get(department, -2) if department else -1
                for department in (e.department.strip().casefold() for e in mentees)
            ],
            dtype=np.int64,
        )[:, None]
        their_dept = self.departments[None, :]
        other = (mine_dept != -1) & (their_dept >= 0) & (mine_dept != their_dept)
        parts["department"] = np.where(other, DEPARTMENT_BONUS, 0.0)
        spoken = self.languages.shared([e.languages for e in mentees])
        parts["languages"] = LANGUAGE_WEIGHT * np.minimum(spoken, 1.0)
        total = np.zeros((n, m))
        for name in PARTS:
            total = total + weights.get(name, 1.0) * parts[name]
        return np.round(total, 2)

    def order(self, totals: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
        """The indices of the mentors (of those ``among`` marks), best first: those who can
        take a request, then by ``totals`` (one mentee's), then by name (``rank``'s order)."""
        index = np.arange(self.count) if among is None else np.flatnonzero(among)
        keys = (self.name_order[index], -totals[index], ~self.can_request[index])
        return index[np.lexsort(keys)]


def compatibility_matrix(
    mentees: Sequence[MenteeFacts],
    mentors: Sequence[MentorFacts],
    *,
    reverse: bool = False,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """``compatibility(mentee, mentor).total`` for every pair, as a (mentees, mentors) array.

    The same parts and the same arithmetic, element by element (``MentorTable.totals``), with
    matrix products for the set overlaps and array sums for the overlapping hours: thousands
    of mentees against thousands of mentors in seconds, where calling ``compatibility`` for
    each pair takes minutes. A test holds it equal to ``compatibility`` on random facts.
    """
    if not mentees or not mentors:
        return np.zeros((len(mentees), len(mentors)))
    return MentorTable.of(mentors).totals(mentees, reverse=reverse, weights=weights)


# ---------------------------------------------------------------------------
# Availability and order
# ---------------------------------------------------------------------------
def can_take_request(mentor: MentorFacts) -> bool:
    """Accepting, not away, and with room for one more."""
    return can_take(accepting=mentor.accepting, away=mentor.away, room=mentor.room)


def can_take(*, accepting: bool, away: bool, room: int) -> bool:
    """``can_take_request`` of a mentor with these facts."""
    return accepting and not away and room > 0


def availability_words(mentor: MentorFacts) -> str:
    """ "room for 2 more", or why the mentor cannot take a request now."""
    if mentor.away:
        return gettext("away for now")
    if not mentor.accepting:
        return gettext("not taking requests")
    if mentor.room <= 0:
        return gettext("full")
    return gettext("room for %(count)s more") % {"count": mentor.room}


def rank(
    mentee: MenteeFacts, mentors: Iterable[MentorFacts], *, reverse: bool = False
) -> list[tuple[MentorFacts, Score]]:
    """Mentors best first: those who can take a request, then by score, then by name."""
    return [
        (mentor, compatibility(mentee, mentor, reverse=reverse))
        for mentor, _total in rank_totals(mentee, mentors, reverse=reverse)
    ]


def rank_totals(
    mentee: MenteeFacts, mentors: Iterable[MentorFacts], *, reverse: bool = False
) -> list[tuple[MentorFacts, float]]:
    """``rank``'s order with each total only (every pair at once through a ``MentorTable``): a
    directory of thousands scores them all and words the reasons of one page."""
    listed = list(mentors)
    if not listed:
        return []
    table = MentorTable.of(listed)
    totals = table.totals([mentee], reverse=reverse)[0]
    return [(listed[i], float(totals[i])) for i in table.order(totals)]


# A mentor's place in a ranking: participant id, total score, whether they can take a request.
Place = tuple[int, float, bool]


def ranked_places(
    mentee: MenteeFacts,
    mentors: MentorTable,
    *,
    reverse: bool = False,
    among: np.ndarray | None = None,
) -> list[Place]:
    """``rank_totals``'s order of the table's mentors (of those ``among`` marks), each as its
    ``Place``: what the directory keeps of a ranking."""
    totals = mentors.totals([mentee], reverse=reverse)[0]
    order = mentors.order(totals, among)
    return list(
        zip(
            mentors.participant_ids[order].tolist(),
            totals[order].tolist(),
            mentors.can_request[order].tolist(),
            strict=True,
        )
    )


def _code_order(words: Mapping[str, Any]) -> Callable[[str], tuple[int, str]]:
    """Sort codes in the order their words are listed, unknown codes last."""
    order = {code: i for i, code in enumerate(words)}
    return lambda code: (order.get(code, len(order)), code)


_HELP_ORDER = _code_order(HELP_WORDS)
_FORMAT_ORDER = _code_order(FORMAT_WORDS)
