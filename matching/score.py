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
# them with the same windows: remember recent answers.
@lru_cache(maxsize=4096)
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
def _incidence(sets: Sequence[frozenset[Any]], columns: dict[Any, int]) -> np.ndarray:
    """A 0/1 matrix: row i has a 1 in the column of each member of ``sets[i]``."""
    matrix = np.zeros((len(sets), max(1, len(columns))))
    for i, members in enumerate(sets):
        for member in members:
            matrix[i, columns[member]] = 1.0
    return matrix


def _shared(left: Sequence[frozenset[Any]], right: Sequence[frozenset[Any]]) -> np.ndarray:
    """How many members each left set shares with each right set (a matrix product)."""
    columns: dict[Any, int] = {}
    for members in (*left, *right):
        for member in members:
            columns.setdefault(member, len(columns))
    return _incidence(left, columns) @ _incidence(right, columns).T


def _codes(values: Sequence[Any]) -> np.ndarray:
    """Equal values get equal integer codes; None and "" get -1."""
    codes: dict[Any, int] = {}
    return np.array(
        [-1 if value in (None, "") else codes.setdefault(value, len(codes)) for value in values],
        dtype=np.int64,
    )


def compatibility_matrix(
    mentees: Sequence[MenteeFacts],
    mentors: Sequence[MentorFacts],
    *,
    reverse: bool = False,
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """``compatibility(mentee, mentor).total`` for every pair, as a (mentees, mentors) array.

    The same parts and the same arithmetic, element by element, with matrix products for the
    set overlaps and one ``overlap_minutes`` per distinct pair of weekly hours: thousands of
    mentees against thousands of mentors in seconds, where calling ``compatibility`` for each
    pair takes minutes. A test holds it equal to ``compatibility`` on random facts.
    """
    weights = weights or {}
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.zeros((n, m))
    goals = [e.goal_topic_ids for e in mentees]
    with_topic = _shared(goals, [o.topic_ids for o in mentors])
    conflicts = _shared(goals, [o.cannot_topic_ids for o in mentors])
    helped_but_cannot = _shared(goals, [o.topic_ids & o.cannot_topic_ids for o in mentors])
    matches = with_topic - helped_but_cannot
    parts: dict[str, np.ndarray] = {
        "topics": TOPIC_MATCH_WEIGHT * matches + TOPIC_CONFLICT_WEIGHT * conflicts,
        "help": HELP_WEIGHT
        * _shared([e.help_wanted for e in mentees], [o.help_offered for o in mentors]),
        "formats": np.minimum(
            FORMAT_WEIGHT * _shared([e.formats for e in mentees], [o.formats for o in mentors]),
            FORMAT_CAP,
        ),
    }
    # Overlap: people share hours (same zone, same working day), so compute each distinct
    # pair of weekly hours once and spread it.
    hours = _codes([e.working_intervals or None for e in mentees])
    windows = _codes([o.window_intervals or None for o in mentors])
    distinct_hours = {code: e.working_intervals for code, e in zip(hours, mentees, strict=True)}
    distinct_windows = {code: o.window_intervals for code, o in zip(windows, mentors, strict=True)}
    table = np.zeros((max(1, len(distinct_hours)), max(1, len(distinct_windows))))
    for a, mine in distinct_hours.items():
        for b, theirs in distinct_windows.items():
            if a >= 0 and b >= 0:
                table[a, b] = overlap_minutes(mine, theirs)
    minutes = table[np.maximum(hours, 0)][:, np.maximum(windows, 0)]
    minutes[hours < 0, :] = 0
    minutes[:, windows < 0] = 0
    parts["overlap"] = np.minimum(OVERLAP_WEIGHT_PER_HOUR * minutes / 60, OVERLAP_CAP)
    mine_rank = np.array(
        [np.nan if e.seniority_rank is None else e.seniority_rank for e in mentees]
    )
    their_rank = np.array(
        [np.nan if o.seniority_rank is None else o.seniority_rank for o in mentors]
    )
    levels = their_rank[None, :] - mine_rank[:, None]
    if reverse:
        levels = -levels
    levels = np.clip(levels, -SENIORITY_MAX_LEVELS, SENIORITY_MAX_LEVELS)
    parts["seniority"] = np.nan_to_num(SENIORITY_WEIGHT_PER_LEVEL * levels, nan=0.0)
    departments = _codes(
        [e.department.strip().casefold() for e in mentees]
        + [o.department.strip().casefold() for o in mentors]
    )
    mine_dept, their_dept = departments[:n, None], departments[None, n:]
    other = (mine_dept >= 0) & (their_dept >= 0) & (mine_dept != their_dept)
    parts["department"] = np.where(other, DEPARTMENT_BONUS, 0.0)
    spoken = _shared([e.languages for e in mentees], [o.languages for o in mentors])
    parts["languages"] = LANGUAGE_WEIGHT * np.minimum(spoken, 1.0)
    total = np.zeros((n, m))
    for name in PARTS:
        total = total + weights.get(name, 1.0) * parts[name]
    return np.round(total, 2)


# ---------------------------------------------------------------------------
# Availability and order
# ---------------------------------------------------------------------------
def can_take_request(mentor: MentorFacts) -> bool:
    """Accepting, not away, and with room for one more."""
    return mentor.accepting and not mentor.away and mentor.room > 0


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
    """``rank``'s order with each total only (every pair at once through
    ``compatibility_matrix``): a directory of thousands scores them all and words the reasons
    of one page."""
    listed = list(mentors)
    totals = compatibility_matrix([mentee], listed, reverse=reverse)[0] if listed else []
    scored = [(mentor, float(total)) for mentor, total in zip(listed, totals, strict=True)]
    scored.sort(
        key=lambda pair: (
            not can_take_request(pair[0]),
            -pair[1],
            pair[0].name.casefold(),
            pair[0].participant_id,
        )
    )
    return scored


def _code_order(words: Mapping[str, Any]) -> Callable[[str], tuple[int, str]]:
    """Sort codes in the order their words are listed, unknown codes last."""
    order = {code: i for i, code in enumerate(words)}
    return lambda code: (order.get(code, len(order)), code)


_HELP_ORDER = _code_order(HELP_WORDS)
_FORMAT_ORDER = _code_order(FORMAT_WORDS)
