"""The matching-round engine: who is matched with whom, from scores, capacities and rules.

Pure (numpy arrays and plain values in, plain values out; no Django, no ORM): row ``i`` of
the scores is mentee ``i``, column ``j`` mentor ``j``, dense (NaN: pair not allowed) or as
``Candidates``; ``capacities`` are never exceeded, ``min_score`` and ``blocked`` rule pairs
out, ``pinned`` pairs are kept. ``solve`` maximises the total score, the number matched
(``coverage``) or the lowest score (``fairness``) with min-cost flows (OR-tools) on short
candidate lists, and proves the answer optimal over all pairs with a dual certificate,
adding the pairs that break it (``Assignment.proven_optimal``); deterministic for the same
input. The model, the proof, the bounds and coverage's big-M are in docs/matching.md.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

Objective = Literal["total", "coverage", "fairness"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

OBJECTIVES: tuple[Objective, ...] = ("total", "coverage", "fairness")
DEFAULT_CANDIDATES_PER_MENTEE = 40
DEFAULT_SCALE = 1000

# About 32 MB of float64 per block when the dense scores are read a block of rows at a time.
_BLOCK_CELLS = 1 << 22
# "Nothing there" for scaled scores; far below any real one, far from overflowing.
_NONE = np.int64(-(1 << 60))


def gettext_noop(message: str) -> str:
    """Marks text for translation without translating it (the engine knows nothing of Django):
    ``matching.rounds.solve`` words the unmatched in the reader's language."""
    return message


# Why a mentee is unmatched, in words (``Unmatched.words``; ``%(minimum)s``: the minimum score).
UNMATCHED_WORDS: dict[str, str] = {
    "no_candidates": gettext_noop("No allowed mentor: no mentor has a score for this mentee."),
    "all_blocked": gettext_noop(
        "No allowed mentor: every scored mentor is blocked for this mentee (a conflict of "
        "interest or an existing pair)."
    ),
    "below_min_score": gettext_noop(
        "No allowed mentor: every candidate scores below the minimum score of %(minimum)s."
    ),
    "no_room": gettext_noop("Every allowed mentor was already full before this round."),
    "mentors_full": gettext_noop(
        "Allowed mentors are full: their places went to mentees they fit better or who had "
        "fewer options."
    ),
    "no_gain": gettext_noop(
        "The allowed mentors with room left score zero or less with this mentee, so matching "
        "them would not raise the total."
    ),
    "not_chosen": gettext_noop(
        "Not chosen: a mentor with room was allowed, but the objective preferred leaving this "
        "mentee out."
    ),
}


class Pair(NamedTuple):
    mentee: int
    mentor: int
    score: float


class UnmatchedReason(StrEnum):
    NO_CANDIDATES = "no_candidates"
    ALL_BLOCKED = "all_blocked"
    BELOW_MIN_SCORE = "below_min_score"
    NO_ROOM = "no_room"
    MENTORS_FULL = "mentors_full"
    NO_GAIN = "no_gain"
    NOT_CHOSEN = "not_chosen"


class Unmatched(NamedTuple):
    mentee: int
    reason: UnmatchedReason
    words: str


@dataclass(frozen=True)
class Candidates:
    """Scores in sparse form: ``values[n]`` is the score of mentee ``rows[n]`` with mentor ``cols[n]``.

    ``best_outside[i]``, when given, is the best score mentee ``i`` has with a mentor *not*
    listed (NaN: none, the list is complete). ``top_k_candidates`` fills it in, and ``solve``
    uses it to tell whether its answer is the optimum of all pairs or only of the listed ones.
    """

    rows: IntArray
    cols: IntArray
    values: FloatArray
    shape: tuple[int, int]
    best_outside: FloatArray | None = None


@dataclass(frozen=True)
class Assignment:
    """The outcome of a round: pairs sorted by mentee, the unmatched with their reasons, figures.

    ``round_load[j]`` is how many mentees mentor ``j`` gets in this round (pins included);
    their load after the round is their load before plus that. ``top_choice_count`` is how
    many matched mentees got a mentor with their best allowed score.
    ``candidates_per_mentee`` is the longest candidate list the solver saw, ``added_pairs``
    how many pairs the proof of optimality added to the lists. ``proven_optimal`` is
    False only for ``Candidates`` with lists cut for good (``best_outside``) whose optimum
    could not be shown to be that of all pairs (``solve`` with dense scores, or with
    ``Candidates`` listing every allowed pair, always proves it; see docs/matching.md).
    """

    objective: str
    pairs: list[Pair]
    unmatched: list[Unmatched]
    total: float
    top_choice_count: int
    lowest_score: float | None
    round_load: tuple[int, ...]
    candidates_per_mentee: int
    added_pairs: int
    solves: int
    proven_optimal: bool

    @property
    def matched_count(self) -> int:
        return len(self.pairs)

    def mentor_of(self) -> dict[int, int]:
        return {pair.mentee: pair.mentor for pair in self.pairs}


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------
def top_k_candidates(dense: npt.ArrayLike, k: int = DEFAULT_CANDIDATES_PER_MENTEE) -> Candidates:
    """Each mentee's ``k`` best-scored mentors (NaN skipped; ties go to the lower mentor index)."""
    scores = _dense_scores(dense)
    if k < 1:
        raise ValueError("k must be at least 1.")
    n_mentees, n_mentors = scores.shape
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    best_outside = np.full(n_mentees, np.nan)
    for rows, block in _row_blocks(scores, np.arange(n_mentees, dtype=np.int64)):
        scored = ~np.isnan(block)
        keep, outside = _top_of_block(np.where(scored, block, -np.inf), scored, k)
        r, c = np.nonzero(keep)
        parts.append((rows[r], c.astype(np.int64), block[r, c]))
        best_outside[rows] = np.where(np.isneginf(outside), np.nan, outside)
    return Candidates(
        rows=_concat_int([p[0] for p in parts]),
        cols=_concat_int([p[1] for p in parts]),
        values=_concat_float([p[2] for p in parts]),
        shape=(n_mentees, n_mentors),
        best_outside=best_outside,
    )


def solve(
    scores: npt.ArrayLike | Candidates,
    capacities: npt.ArrayLike,
    *,
    min_score: float | None = None,
    blocked: Iterable[tuple[int, int]] = (),
    pinned: Iterable[tuple[int, int]] = (),
    objective: Objective = "total",
    candidates_per_mentee: int = DEFAULT_CANDIDATES_PER_MENTEE,
    scale: int = DEFAULT_SCALE,
) -> Assignment:
    """The optimal assignment for ``objective``; the rules and the proof are in docs/matching.md.

    1. Read each free mentee's best ``candidates_per_mentee`` eligible mentors (and each
       mentor's best few mentees).
    2. Solve the objective on those pairs (min-cost flows).
    3. Check with the solution's prices that no pair off the lists could do better
       (``_check``); if some could, add those pairs and go back to 2.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"Unknown objective {objective!r}: choose one of {', '.join(OBJECTIVES)}.")
    if candidates_per_mentee < 1:
        raise ValueError("candidates_per_mentee must be at least 1.")
    round_ = _Round.prepare(
        scores, capacities, min_score, blocked, pinned, scale, candidates_per_mentee
    )
    lists = round_.lists
    solves = 0
    while True:
        outcome = _run_objective(objective, round_, lists)
        solves += outcome.solves
        if not outcome.resolve:
            break
    assert outcome.mentor is not None
    matched = outcome.mentor >= 0
    return round_.assignment(
        objective,
        lists.free[matched],
        outcome.mentor[matched],
        candidates_per_mentee=lists.longest(),
        added_pairs=lists.added,
        solves=solves,
        proven_optimal=not outcome.unprovable,
    )


def greedy(
    scores: npt.ArrayLike | Candidates,
    capacities: npt.ArrayLike,
    *,
    min_score: float | None = None,
    blocked: Iterable[tuple[int, int]] = (),
    pinned: Iterable[tuple[int, int]] = (),
    scale: int = DEFAULT_SCALE,
) -> Assignment:
    """The baseline: the best remaining pair first, while the mentor has room (ties by index).

    Exact greedy over all allowed pairs: each mentee walks down its own list (best first,
    then lower mentor index), a heap picks the best head, and a mentee whose list runs out
    reads a list twice as long, of the mentors with room left.
    """
    k = DEFAULT_CANDIDATES_PER_MENTEE
    round_ = _Round.prepare(
        scores, capacities, min_score, blocked, pinned, scale, k, mentor_side=False
    )
    lists = round_.lists
    room = round_.room.copy()
    starts = np.searchsorted(lists.rows, np.arange(len(lists.free) + 1))
    longer: dict[int, _Lists] = {}

    def entries(i: int) -> tuple[IntArray, FloatArray, bool]:
        if i in longer:
            return longer[i].cols, longer[i].values, bool(longer[i].truncated[0])
        piece = slice(starts[i], starts[i + 1])
        return lists.cols[piece], lists.values[piece], bool(lists.truncated[i])

    position = np.zeros(len(lists.free), dtype=np.int64)
    length = np.full(len(lists.free), k, dtype=np.int64)
    heap: list[tuple[float, int, int]] = []
    for i in range(len(lists.free)):
        cols, values, _ = entries(i)
        if len(cols):
            heap.append((-float(values[0]), i, int(cols[0])))
    heapq.heapify(heap)
    chosen_free: list[int] = []
    chosen_mentor: list[int] = []
    while heap:
        _, i, j = heapq.heappop(heap)
        if room[j] > 0:
            room[j] -= 1
            chosen_free.append(i)
            chosen_mentor.append(j)
            continue
        cols, values, truncated = entries(i)
        p = int(position[i]) + 1
        while True:
            while p < len(cols) and room[cols[p]] <= 0:
                p += 1
            if p < len(cols) or not truncated:
                break
            # A longer list, of the mentors with room now only (a full one stays full, so its
            # first entry is the best pair left): short however many mentors filled up.
            length[i] *= 2
            longer[i] = round_.source.lists(lists.free[i : i + 1], int(length[i]), room > 0)
            cols, values, truncated = entries(i)
            p = 0
        position[i] = p
        if p < len(cols):
            heapq.heappush(heap, (-float(values[p]), i, int(cols[p])))
        else:
            longer.pop(i, None)  # unmatched for good: its list is not needed any more
    free_idx = np.asarray(chosen_free, dtype=np.int64)
    return round_.assignment(
        "greedy",
        lists.free[free_idx],
        np.asarray(chosen_mentor, dtype=np.int64),
        candidates_per_mentee=int(length.max(initial=0)),
        added_pairs=0,
        solves=0,
        proven_optimal=True,
    )


def deferred_acceptance(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> dict[int, int]:
    """Mentee-proposing deferred acceptance with capacities: the mentee-optimal stable matching.

    ``mentee_prefs[i]`` lists mentors best first (a mentor not listed is unacceptable to the
    mentee; programs collect up to 5, the algorithm takes any number). ``mentor_prefs[j]``
    lists the mentees who ranked mentor ``j``, best first; a mentee not listed is
    unacceptable to the mentor. Returns ``{mentee: mentor}``; mentees left out are unmatched.
    The result does not depend on the order of proposals (it is the mentee-optimal one).
    """
    ranks = _validate_preferences(mentee_prefs, mentor_prefs, capacities)
    next_choice = [0] * len(mentee_prefs)
    held: list[list[tuple[int, int]]] = [[] for _ in mentor_prefs]  # (rank, mentee), a max-heap
    free = deque(range(len(mentee_prefs)))
    while free:
        i = free.popleft()
        while next_choice[i] < len(mentee_prefs[i]):
            j = mentee_prefs[i][next_choice[i]]
            next_choice[i] += 1
            rank = ranks[j].get(i)
            if rank is None or capacities[j] == 0:
                continue
            if len(held[j]) < capacities[j]:
                heapq.heappush(held[j], (-rank, i))
                break
            worst_rank, worst = held[j][0]
            if rank < -worst_rank:
                heapq.heapreplace(held[j], (-rank, i))
                free.append(worst)
                break
    return dict(sorted((i, j) for j, mentees in enumerate(held) for _, i in mentees))


def blocking_pairs(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
    matching: dict[int, int],
) -> list[tuple[int, int]]:
    """The pairs that would both rather be together than keep ``matching`` (empty: stable).

    A mutually acceptable mentee and mentor block when the mentee is unmatched or prefers
    that mentor to its own, and the mentor has room or prefers the mentee to one it holds.
    """
    ranks = _validate_preferences(mentee_prefs, mentor_prefs, capacities)
    held: list[list[int]] = [[] for _ in mentor_prefs]
    for i, j in matching.items():
        held[j].append(i)
    found = []
    for i, prefs in enumerate(mentee_prefs):
        current = matching.get(i)
        for j in prefs:
            if j == current:
                break  # everything after is worse for the mentee
            rank = ranks[j].get(i)
            if rank is None:
                continue
            has_room = len(held[j]) < capacities[j]
            worst = max((ranks[j][h] for h in held[j]), default=-1)
            if has_room or rank < worst:
                found.append((i, j))
    return found


# ---------------------------------------------------------------------------
# The round: scores, rules and pins checked once
# ---------------------------------------------------------------------------
class _NewPairs(NamedTuple):
    rows: IntArray  # local (free mentee) numbers
    cols: IntArray
    values: FloatArray


@dataclass
class _Lists:
    """The candidate graph: for each free mentee, the eligible mentors the solver sees.

    Free mentees are numbered ``0..len(free)-1`` here (``free`` maps back to mentee
    indices). Entries start as each mentee's best ``k`` (and, from dense scores, each
    mentor's best few mentees), sorted by free mentee, then score descending, then mentor;
    pairs the proof asks for are added at the end. ``outside[f]``
    bounds from above the scaled score of every eligible mentor *not* listed (``_NONE``
    when every eligible mentor is listed).
    """

    free: IntArray
    rows: IntArray
    cols: IntArray
    values: FloatArray
    weights: IntArray
    outside: IntArray
    scale: int
    added: int = 0

    @property
    def truncated(self) -> BoolArray:
        return self.outside != _NONE

    def extend(self, more: _NewPairs) -> None:
        """Add pairs at the end (the solver does not need the order, only the same order)."""
        self.rows = np.concatenate([self.rows, more.rows])
        self.cols = np.concatenate([self.cols, more.cols])
        self.values = np.concatenate([self.values, more.values])
        self.weights = np.concatenate([self.weights, _scaled(more.values, self.scale)])
        self.added += len(more.rows)

    def subset(self, local: IntArray) -> _Lists:
        where = np.full(len(self.free), -1, dtype=np.int64)
        where[local] = np.arange(len(local))
        pick = where[self.rows] >= 0
        return _Lists(
            free=self.free[local],
            rows=where[self.rows[pick]],
            cols=self.cols[pick],
            values=self.values[pick],
            weights=self.weights[pick],
            outside=self.outside[local],
            scale=self.scale,
        )

    def longest(self) -> int:
        """The longest list the solver saw."""
        return int(np.bincount(self.rows, minlength=1).max())


@dataclass
class _Round:
    source: _PairSource
    capacities: IntArray
    room: IntArray
    pins: list[tuple[int, int]]
    min_score: float | None
    scale: int
    k: int
    lists: _Lists

    @classmethod
    def prepare(
        cls,
        scores: npt.ArrayLike | Candidates,
        capacities: npt.ArrayLike,
        min_score: float | None,
        blocked: Iterable[tuple[int, int]],
        pinned: Iterable[tuple[int, int]],
        scale: int,
        k: int,
        mentor_side: bool = True,
    ) -> _Round:
        if scale < 1:
            raise ValueError("scale must be a positive integer.")
        if min_score is not None and np.isnan(min_score):
            raise ValueError("min_score must be a number or None.")
        caps = np.asarray(capacities)
        if caps.ndim != 1 or not np.issubdtype(caps.dtype, np.integer):
            raise ValueError("capacities must be a one-dimensional array of integers.")
        caps = caps.astype(np.int64)
        if (caps < 0).any():
            raise ValueError("capacities cannot be negative.")
        blocked_pairs = _index_pairs(blocked)
        source: _PairSource
        if isinstance(scores, Candidates):
            source = _SparsePairs(scores, len(caps), blocked_pairs, min_score, scale)
        else:
            source = _DensePairs(_dense_scores(scores), len(caps), blocked_pairs, min_score, scale)
        pins = _validate_pins(source, caps, _index_pairs(pinned))
        pinned_mentors = np.asarray([j for _, j in pins], dtype=np.int64)
        room = caps - np.bincount(pinned_mentors, minlength=len(caps))
        free = np.ones(source.n_mentees, dtype=bool)
        free[[i for i, _ in pins]] = False
        per_mentor = min(k, max(4, 2 * int(room.max(initial=0)))) if mentor_side else 0
        lists = source.scan(k, room > 0, per_mentor).subset(np.flatnonzero(free))
        return cls(source, caps, room, pins, min_score, scale, k, lists)

    def assignment(
        self,
        objective: str,
        mentees: IntArray,
        mentors: IntArray,
        *,
        candidates_per_mentee: int,
        added_pairs: int,
        solves: int,
        proven_optimal: bool,
    ) -> Assignment:
        pairs_mentee = np.concatenate([mentees, np.asarray([i for i, _ in self.pins], np.int64)])
        pairs_mentor = np.concatenate([mentors, np.asarray([j for _, j in self.pins], np.int64)])
        order = np.argsort(pairs_mentee, kind="stable")
        pairs_mentee, pairs_mentor = pairs_mentee[order], pairs_mentor[order]
        scores = self.source.scores_of(pairs_mentee, pairs_mentor)
        weights = _scaled(scores, self.scale)
        top = int((weights >= self.source.best_weight[pairs_mentee]).sum())
        load = np.bincount(pairs_mentor, minlength=len(self.capacities)).astype(np.int64)
        assert (load <= self.capacities).all(), "capacity exceeded"
        matched = np.zeros(self.source.n_mentees, dtype=bool)
        matched[pairs_mentee] = True
        unmatched = self._unmatched(objective, np.flatnonzero(~matched), load)
        pinned_mentees = {i for i, _ in self.pins}
        free_scores = [
            s for i, s in zip(pairs_mentee, scores, strict=True) if int(i) not in pinned_mentees
        ]
        return Assignment(
            objective=objective,
            pairs=[
                Pair(int(i), int(j), float(s))
                for i, j, s in zip(pairs_mentee, pairs_mentor, scores, strict=True)
            ],
            unmatched=unmatched,
            total=float(scores.sum()),
            top_choice_count=top,
            lowest_score=float(min(free_scores)) if free_scores else None,
            round_load=tuple(int(x) for x in load),
            candidates_per_mentee=candidates_per_mentee,
            added_pairs=added_pairs,
            solves=solves,
            proven_optimal=proven_optimal,
        )

    def _unmatched(self, objective: str, mentees: IntArray, load: IntArray) -> list[Unmatched]:
        source = self.source
        allowed = source.allowed_count[mentees] > 0
        any_had_room = np.zeros(len(mentees), dtype=bool)
        any_room_left = np.zeros(len(mentees), dtype=bool)
        any_had_room[allowed] = source.any_allowed(mentees[allowed], self.capacities > 0)
        room_left = self.capacities - load > 0
        any_room_left[allowed] = source.any_allowed(mentees[allowed], room_left)
        minimum = f"{self.min_score:g}" if self.min_score is not None else ""
        out = []
        for n, i in enumerate(mentees.tolist()):
            if source.scored_count[i] == 0:
                reason = UnmatchedReason.NO_CANDIDATES
            elif source.unblocked_count[i] == 0:
                reason = UnmatchedReason.ALL_BLOCKED
            elif not allowed[n]:
                reason = UnmatchedReason.BELOW_MIN_SCORE
            elif not any_had_room[n]:
                reason = UnmatchedReason.NO_ROOM
            elif not any_room_left[n]:
                reason = UnmatchedReason.MENTORS_FULL
            elif objective == "total":
                reason = UnmatchedReason.NO_GAIN
            else:
                reason = UnmatchedReason.NOT_CHOSEN
            words = UNMATCHED_WORDS[reason] % {"minimum": minimum}
            out.append(Unmatched(i, reason, words))
        return out


class _Found(NamedTuple):
    """Pairs off the lists that beat the current prices, at most ``limit`` a mentee."""

    rows: IntArray  # positions in the mentees asked about
    cols: IntArray
    values: FloatArray
    outside: IntArray  # per mentee: scaled best eligible score still off its list
    unprovable: BoolArray  # per mentee: pairs never given might beat the prices


def _found_in_blocks(
    found: list[tuple[IntArray, IntArray, FloatArray]], outside: IntArray
) -> _Found:
    """The cells found block by block (rows, columns, values per block), joined; every row's
    bound is provable."""
    return _Found(
        rows=_concat_int([f[0] for f in found]),
        cols=_concat_int([f[1] for f in found]),
        values=_concat_float([f[2] for f in found]),
        outside=outside,
        unprovable=np.zeros(len(outside), dtype=bool),
    )


class _PairSource:
    """Where the allowed pairs come from: dense scores or sparse candidates.

    A pair is *allowed* when it has a score, is not blocked and is not below the minimum;
    *eligible* when, in addition, its mentor has room.
    """

    n_mentees: int
    n_mentors: int
    scale: int
    scored_count: IntArray  # per mentee: pairs with a score
    unblocked_count: IntArray  # ... and not blocked
    allowed_count: IntArray  # ... and at least min_score
    best_weight: IntArray  # scaled best allowed score (_NONE if none)
    _lowest_weight: int | None

    @property
    def lowest_weight(self) -> int | None:
        """At most the scaled score of every allowed pair; None when pairs never given to
        the engine (``Candidates.best_outside`` without a minimum score) may score anything."""
        return self._lowest_weight

    def scan(self, k: int, mentor_ok: BoolArray, per_mentor: int) -> _Lists:
        """Every mentee's best ``k`` eligible pairs (and, dense, each mentor's best
        ``per_mentor`` mentees); also fills in the counts above."""
        raise NotImplementedError

    def lists(self, mentees: IntArray, k: int, mentor_ok: BoolArray) -> _Lists:
        raise NotImplementedError

    def count_allowed(self, mentees: IntArray, mentor_ok: BoolArray) -> IntArray:
        raise NotImplementedError

    def any_allowed(self, mentees: IntArray, mentor_ok: BoolArray) -> BoolArray:
        """Whether each of ``mentees`` has an allowed pair with an ok mentor (read only when
        neither none nor every mentor is ok)."""
        if not mentor_ok.any():
            return np.zeros(len(mentees), dtype=bool)
        if mentor_ok.all():
            return self.allowed_count[mentees] > 0
        return self.count_allowed(mentees, mentor_ok) > 0

    def off_list(
        self,
        mentees: IntArray,
        listed: tuple[IntArray, IntArray],
        mentor_ok: BoolArray,
        prices: _Prices,
        outside_from: int | None,
        limit: int,
        columns: IntArray | None,
    ) -> _Found:
        """The eligible pairs of ``mentees`` not in ``listed`` (positions, mentors) scoring
        at least ``outside_from`` that beat ``prices``: W(i, j) > u(i) + v(j). With
        ``columns``, only those mentors are looked at (and ``outside`` means nothing)."""
        raise NotImplementedError

    def scores_of(self, mentees: IntArray, mentors: IntArray) -> FloatArray:
        raise NotImplementedError

    def status_of(self, mentee: int, mentor: int) -> str:
        """ "blocked", "unscored" or "scored"."""
        raise NotImplementedError


class _DensePairs(_PairSource):
    def __init__(
        self,
        scores: npt.NDArray[np.floating],
        n_mentors: int,
        blocked: IntArray,
        min_score: float | None,
        scale: int,
    ) -> None:
        n_mentees, columns = scores.shape
        if columns != n_mentors:
            raise ValueError(
                f"scores has {columns} mentor columns but capacities has {n_mentors} entries."
            )
        _check_indices(blocked, n_mentees, n_mentors, "blocked")
        self.scores = scores
        self.n_mentees, self.n_mentors = n_mentees, n_mentors
        self.blocked = blocked
        self.blocked_set = {(int(i), int(j)) for i, j in blocked}
        self.min_score = min_score
        self.scale = scale
        self._lowest_weight = None  # not read yet (``lowest_weight``)

    def _blocks(
        self, mentees: IntArray, columns: IntArray | None = None
    ) -> Iterator[tuple[IntArray, FloatArray]]:
        """Blocks of rows (of ``columns`` only, if given): the scores, blocked pairs NaN."""
        where = np.full(self.n_mentees, -1, dtype=np.int64)
        blocked_rows = self.blocked[:, 0]  # sorted (``_index_pairs``)
        blocked_cols = self.blocked[:, 1]
        if columns is not None:
            position = np.full(self.n_mentors, -1, dtype=np.int64)
            position[columns] = np.arange(len(columns))
            blocked_cols = position[blocked_cols]
        for rows, block in _row_blocks(self.scores, mentees, columns):
            if len(self.blocked) and len(rows):
                # Only the blocked pairs of mentees between the block's lowest and highest.
                low, high = np.searchsorted(blocked_rows, [rows.min(), rows.max() + 1])
                where[rows] = np.arange(len(rows))
                at = where[blocked_rows[low:high]]
                hit = (at >= 0) & (blocked_cols[low:high] >= 0)
                block[at[hit], blocked_cols[low:high][hit]] = np.nan
                where[rows] = -1
            yield rows, block

    def _allowed_blocks(
        self, mentees: IntArray, columns: IntArray | None = None
    ) -> Iterator[tuple[IntArray, FloatArray, BoolArray]]:
        """``_blocks``, and which pairs are allowed."""
        for rows, block in self._blocks(mentees, columns):
            with np.errstate(invalid="ignore"):
                allowed = ~np.isnan(block) if self.min_score is None else block >= self.min_score
            yield rows, block, allowed

    def scan(self, k: int, mentor_ok: BoolArray, per_mentor: int) -> _Lists:
        n, m = self.n_mentees, self.n_mentors
        self.scored_count = np.zeros(n, dtype=np.int64)
        self.allowed_count = np.zeros(n, dtype=np.int64)
        best = np.full(n, -np.inf)
        outside = np.full(n, -np.inf)
        parts: list[tuple[IntArray, IntArray, FloatArray]] = []
        # Once blocked pairs are NaN, a pair is allowed when its score is at least ``floor``
        # (NaN never is).
        floor = -np.inf if self.min_score is None else float(self.min_score)
        masked = ~mentor_ok
        any_masked = bool(masked.any())
        # Each mentor's best ``per_mentor`` mentees so far.
        tops = _MentorTops(m, per_mentor, floor)
        blocked_rows = self.blocked[:, 0]  # sorted (``_index_pairs``)
        for rows, block in _row_blocks(self.scores, np.arange(n, dtype=np.int64)):
            first = int(rows[0])  # the rows of a block follow one another
            with np.errstate(invalid="ignore", over="ignore"):
                # A mentee with a NaN score has a NaN sum (so has one with inf and -inf): only
                # those rows are counted cell by cell.
                odd = np.flatnonzero(np.isnan(np.add.reduce(block, axis=1)))
                self.scored_count[rows] = m
                if len(odd):
                    self.scored_count[rows[odd]] -= np.count_nonzero(np.isnan(block[odd]), axis=1)
                low, high = np.searchsorted(blocked_rows, [first, first + len(rows)])
                block[blocked_rows[low:high] - first, self.blocked[low:high, 1]] = np.nan
                # fmax skips NaN; a row's largest score is allowed when any is.
                largest = np.fmax.reduce(block, axis=1, initial=-np.inf)
                best[rows] = np.where(largest >= floor, largest, -np.inf)
                self.allowed_count[rows] = np.count_nonzero(block >= floor, axis=1)
            if any_masked:
                block[:, masked] = np.nan
            r, c, v, outside[rows] = _top_entries(block, floor, k)
            parts.append((rows[r], c, v))
            tops.add(rows, block)
        self.unblocked_count = self.scored_count.copy()
        if len(self.blocked):
            # A blocked pair with a score still counts as scored.
            has_score = ~np.isnan(self.scores[self.blocked[:, 0], self.blocked[:, 1]])
            self.unblocked_count -= np.bincount(self.blocked[has_score, 0], minlength=n)
        self.best_weight = _scaled_or_none(best, self.scale)
        found = np.isfinite(tops.values)
        if found.any():
            # Mentors whom few mentees rank high still get their best mentees as candidates,
            # so the first solve can fill them (the proof does not need it; speed does).
            r = tops.rows[found]
            c = np.nonzero(found)[0].astype(np.int64)
            # The mentee-side pairs came out row by row, column by column: already sorted.
            listed = np.concatenate([p[0] * self.n_mentors + p[1] for p in parts])
            keys = r * self.n_mentors + c
            at = np.minimum(np.searchsorted(listed, keys), len(listed) - 1)
            extra = listed[at] != keys if len(listed) else np.ones(len(keys), dtype=bool)
            parts.append((r[extra], c[extra], tops.values[found][extra]))
        return _make_lists(np.arange(n, dtype=np.int64), parts, outside, self.scale)

    @property
    def lowest_weight(self) -> int | None:
        """The scaled lowest allowed score (0 if none), read on first use: only coverage
        and fairness need it."""
        if self._lowest_weight is None:
            lowest = np.inf
            for _, block, allowed in self._allowed_blocks(np.arange(self.n_mentees)):
                lowest = min(lowest, float(np.min(block, where=allowed, initial=np.inf)))
            self._lowest_weight = (
                int(_scaled(np.asarray([lowest]), self.scale)[0]) if lowest < np.inf else 0
            )
        return self._lowest_weight

    def lists(self, mentees: IntArray, k: int, mentor_ok: BoolArray) -> _Lists:
        parts: list[tuple[IntArray, IntArray, FloatArray]] = []
        outside = np.full(len(mentees), -np.inf)
        offset = 0
        for rows, block, allowed in self._allowed_blocks(mentees):
            eligible = allowed & mentor_ok[None, :]
            keep, outside[offset : offset + len(rows)] = _top_of_block(
                np.where(eligible, block, -np.inf), eligible, k
            )
            r, c = np.nonzero(keep)
            parts.append((r + offset, c.astype(np.int64), block[r, c]))
            offset += len(rows)
        return _make_lists(mentees, parts, outside, self.scale)

    def count_allowed(self, mentees: IntArray, mentor_ok: BoolArray) -> IntArray:
        counts = np.zeros(len(mentees), dtype=np.int64)
        offset = 0
        for rows, _, allowed in self._allowed_blocks(mentees):
            counts[offset : offset + len(rows)] = (allowed & mentor_ok[None, :]).sum(axis=1)
            offset += len(rows)
        return counts

    def off_list(
        self,
        mentees: IntArray,
        listed: tuple[IntArray, IntArray],
        mentor_ok: BoolArray,
        prices: _Prices,
        outside_from: int | None,
        limit: int,
        columns: IntArray | None,
    ) -> _Found:
        mentors = np.arange(self.n_mentors, dtype=np.int64) if columns is None else columns
        position = np.full(self.n_mentors, -1, dtype=np.int64)
        position[mentors] = np.arange(len(mentors))
        listed_at, listed_pos = listed[0], position[listed[1]]
        seen = listed_pos >= 0
        order = np.argsort(listed_at[seen], kind="stable")
        listed_at, listed_pos = listed_at[seen][order], listed_pos[seen][order]
        if prices.weigh.shift is not None:
            return self._off_list_past_cut(
                mentees, (listed_at, listed_pos), columns, mentor_ok, prices, outside_from, limit
            )
        ok = mentor_ok[mentors]
        found: list[tuple[IntArray, IntArray, FloatArray]] = []
        outside = np.full(len(mentees), _NONE, dtype=np.int64)
        offset = 0
        for rows, block, allowed in self._allowed_blocks(mentees, columns):
            off = allowed & ok[None, :]
            low, high = np.searchsorted(listed_at, [offset, offset + len(rows)])
            off[listed_at[low:high] - offset, listed_pos[low:high]] = False
            # Whole scaled scores, kept in float64 (exact below 2**53) to spare a conversion.
            weights = np.rint(np.where(off, block, 0.0) * self.scale)
            gain = prices.weigh(weights) - prices.mentor[mentors][None, :]
            gain -= prices.surplus[offset : offset + len(rows), None]
            wanted = off & (gain > -prices.margin)
            if outside_from is not None:
                wanted &= weights >= outside_from
            r, c = np.nonzero(wanted)
            pick = _best_per_row(r, c, gain[r, c], limit, np.arange(len(r)))
            r, c = r[pick], c[pick]
            found.append((r + offset, mentors[c], block[r, c]))
            off[r, c] = False
            best_off = np.where(off, weights, -np.inf).max(axis=1)
            outside[offset : offset + len(rows)] = _scaled_or_none(
                best_off / self.scale, self.scale
            )
            offset += len(rows)
        return _found_in_blocks(found, outside)

    def _off_list_past_cut(
        self,
        mentees: IntArray,
        listed: tuple[IntArray, IntArray],
        columns: IntArray | None,
        mentor_ok: BoolArray,
        prices: _Prices,
        outside_from: int | None,
        limit: int,
    ) -> _Found:
        """``off_list`` when the weights are the scaled scores shifted (total, coverage): a
        pair can come near beating the prices, W(i, j) + shift - u(i) - v(j) > -margin, only
        if its score times the scale is above u(i) + v(j) - shift - margin - 1/2, so only the
        cells above a cut a little lower than that are weighed; the cells listed or found
        are set to NaN, and what is left gives each mentee's best score still off its list.
        The same pairs and bounds as weighing every cell."""
        listed_at, listed_pos = listed
        mentors = np.arange(self.n_mentors, dtype=np.int64) if columns is None else columns
        shift = prices.weigh.shift
        assert shift is not None
        scale = self.scale
        masked = ~mentor_ok[mentors]
        any_masked = bool(masked.any())
        floor = -np.inf if self.min_score is None else float(self.min_score)
        price = prices.mentor[mentors]
        mentor_cut = price / scale
        # Two units of weight below the exact bound: far more than any rounding.
        mentee_cut = (prices.surplus - prices.margin - shift - 2) / scale
        found: list[tuple[IntArray, IntArray, FloatArray]] = []
        outside = np.full(len(mentees), _NONE, dtype=np.int64)
        offset = 0
        for _, block in self._blocks(mentees, columns):
            n_rows, width = block.shape
            here = slice(offset, offset + n_rows)
            if any_masked:
                block[:, masked] = np.nan
            low, high = np.searchsorted(listed_at, [offset, offset + n_rows])
            block[listed_at[low:high] - offset, listed_pos[low:high]] = np.nan
            with np.errstate(invalid="ignore"):
                at = np.flatnonzero(block > mentee_cut[here, None] + mentor_cut[None, :])
            r = at // width
            c = at - r * width
            values = block.reshape(-1)[at]
            weights = _scaled(values, scale)
            gain = prices.weigh(weights) - price[c] - prices.surplus[offset + r]
            with np.errstate(invalid="ignore"):
                wanted = (values >= floor) & (gain > -prices.margin)
            if outside_from is not None:
                wanted &= weights >= outside_from
            index = np.flatnonzero(wanted)
            pick = _best_per_row(r[index], c[index], gain[index], limit, index)
            found.append((r[pick] + offset, mentors[c[pick]], values[pick]))
            block.reshape(-1)[at[pick]] = np.nan
            # fmax skips NaN: the best cell left, allowed if any is.
            best = np.fmax.reduce(block, axis=1, initial=-np.inf)
            with np.errstate(invalid="ignore"):
                outside[here] = _scaled_or_none(np.where(best >= floor, best, -np.inf), scale)
            offset += n_rows
        return _found_in_blocks(found, outside)

    def scores_of(self, mentees: IntArray, mentors: IntArray) -> FloatArray:
        return np.asarray(self.scores[mentees, mentors], dtype=np.float64)

    def status_of(self, mentee: int, mentor: int) -> str:
        if (mentee, mentor) in self.blocked_set:
            return "blocked"
        return "unscored" if np.isnan(self.scores[mentee, mentor]) else "scored"


class _SparsePairs(_PairSource):
    def __init__(
        self,
        candidates: Candidates,
        n_mentors: int,
        blocked: IntArray,
        min_score: float | None,
        scale: int,
    ) -> None:
        n_mentees, columns = candidates.shape
        if columns != n_mentors:
            raise ValueError(
                f"candidates have {columns} mentor columns but capacities has {n_mentors} entries."
            )
        rows = np.asarray(candidates.rows)
        cols = np.asarray(candidates.cols)
        values = np.asarray(candidates.values, dtype=np.float64)
        if not (rows.shape == cols.shape == values.shape) or rows.ndim != 1:
            raise ValueError("candidates: rows, cols and values must be 1-D and of one length.")
        pairs = np.stack([rows, cols], axis=1).astype(np.int64).reshape(-1, 2)
        _check_indices(pairs, n_mentees, n_mentors, "candidates")
        _check_indices(blocked, n_mentees, n_mentors, "blocked")
        rows, cols = pairs[:, 0], pairs[:, 1]
        key = rows * n_mentors + cols
        if len(np.unique(key)) != len(key):
            raise ValueError("candidates list a (mentee, mentor) pair twice.")
        self.n_mentees, self.n_mentors, self.scale = n_mentees, n_mentors, scale
        self.all_scores = dict(zip(key.tolist(), values.tolist(), strict=True))
        scored = ~np.isnan(values)
        self.scored_count = np.bincount(rows[scored], minlength=n_mentees).astype(np.int64)
        block_key = blocked[:, 0] * n_mentors + blocked[:, 1]
        self.blocked_keys = set(block_key.tolist())
        unblocked = scored & ~np.isin(key, block_key)
        self.unblocked_count = np.bincount(rows[unblocked], minlength=n_mentees).astype(np.int64)
        allowed = unblocked
        if min_score is not None:
            allowed = unblocked & (np.nan_to_num(values, nan=-np.inf) >= min_score)
        order = np.lexsort((cols[allowed], -values[allowed], rows[allowed]))
        self.rows = rows[allowed][order]
        self.cols = cols[allowed][order]
        self.values = values[allowed][order]
        self.allowed_count = np.bincount(self.rows, minlength=n_mentees).astype(np.int64)
        best = np.full(n_mentees, -np.inf)
        np.maximum.at(best, self.rows, self.values)
        self.best_weight = _scaled_or_none(best, scale)
        beyond = np.full(n_mentees, -np.inf)
        if candidates.best_outside is not None:
            given = np.asarray(candidates.best_outside, dtype=np.float64)
            if given.shape != (n_mentees,):
                raise ValueError("candidates.best_outside must have one entry per mentee.")
            beyond = np.where(np.isnan(given), -np.inf, given)
            if min_score is not None:
                beyond = np.where(beyond >= min_score, beyond, -np.inf)
        self.beyond = _scaled_or_none(beyond, scale)  # pairs never given, bounded from above
        listed = _scaled(self.values, scale)
        self._lowest_weight = int(listed.min()) if len(listed) else 0
        if (self.beyond != _NONE).any():
            # Pairs never given are at least the minimum score, if there is one.
            floor = None if min_score is None else int(_scaled(np.asarray([min_score]), scale)[0])
            self._lowest_weight = None if floor is None else min(self._lowest_weight, floor)

    def _select(self, mentees: IntArray, mentor_ok: BoolArray) -> tuple[IntArray, IntArray]:
        """The allowed entries of ``mentees`` with an ok mentor (best first within a mentee),
        and the position of their mentee in ``mentees``."""
        where = np.full(self.n_mentees, -1, dtype=np.int64)
        where[mentees] = np.arange(len(mentees))
        at = where[self.rows]
        pick = np.flatnonzero((at >= 0) & mentor_ok[self.cols])
        order = np.argsort(at[pick], kind="stable")
        return pick[order], at[pick][order]

    def scan(self, k: int, mentor_ok: BoolArray, per_mentor: int) -> _Lists:
        return self.lists(np.arange(self.n_mentees, dtype=np.int64), k, mentor_ok)

    def lists(self, mentees: IntArray, k: int, mentor_ok: BoolArray) -> _Lists:
        pick, at = self._select(mentees, mentor_ok)
        rank = np.arange(len(at)) - np.searchsorted(at, at)
        inside = rank < k
        first_out = np.full(len(mentees), -np.inf)
        at_k = rank == k
        first_out[at[at_k]] = self.values[pick[at_k]]
        beyond = self.beyond[mentees]
        outside = np.where(beyond != _NONE, np.maximum(first_out, beyond / self.scale), first_out)
        parts = [(at[inside], self.cols[pick[inside]], self.values[pick[inside]])]
        return _make_lists(mentees, parts, outside, self.scale)

    def count_allowed(self, mentees: IntArray, mentor_ok: BoolArray) -> IntArray:
        _, at = self._select(mentees, mentor_ok)
        return np.bincount(at, minlength=len(mentees)).astype(np.int64)

    def off_list(
        self,
        mentees: IntArray,
        listed: tuple[IntArray, IntArray],
        mentor_ok: BoolArray,
        prices: _Prices,
        outside_from: int | None,
        limit: int,
        columns: IntArray | None,
    ) -> _Found:
        if columns is not None:
            only = np.zeros(self.n_mentors, dtype=bool)
            only[columns] = True
            mentor_ok = mentor_ok & only
        pick, at = self._select(mentees, mentor_ok)
        cols = self.cols[pick]
        off = ~np.isin(at * self.n_mentors + cols, listed[0] * self.n_mentors + listed[1])
        weights = _scaled(self.values[pick], self.scale)
        wanted = off.copy()
        if outside_from is not None:
            wanted &= weights >= outside_from
        gain = prices.excess(at, cols, weights)
        hit = np.flatnonzero(wanted & (gain > -prices.margin))
        hit = _best_per_row(at[hit], cols[hit], gain[hit], limit, hit)
        rest = off.copy()
        rest[hit] = False
        outside = self.beyond[mentees].copy()
        np.maximum.at(outside, at[rest], weights[rest])
        # Pairs never given: their mentor's price is unknown but at least 0, so the bound is
        # their weight itself. If that could beat the prices, nothing here can prove it.
        beyond = self.beyond[mentees]
        unprovable = beyond != _NONE
        if outside_from is not None:
            unprovable &= beyond >= outside_from
        positions = np.flatnonzero(unprovable)
        bound = prices.weigh(beyond[positions]) - prices.surplus[positions]
        unprovable[positions] = bound > 0
        return _Found(at[hit], cols[hit], self.values[pick[hit]], outside, unprovable)

    def scores_of(self, mentees: IntArray, mentors: IntArray) -> FloatArray:
        keys = (mentees * self.n_mentors + mentors).tolist()
        return np.asarray([self.all_scores[key] for key in keys], dtype=np.float64)

    def status_of(self, mentee: int, mentor: int) -> str:
        key = mentee * self.n_mentors + mentor
        if key in self.blocked_keys:
            return "blocked"
        score = self.all_scores.get(key)
        return "unscored" if score is None or np.isnan(score) else "scored"


# ---------------------------------------------------------------------------
# Objectives on the candidate graph, and the proof that short lists lose nothing
# ---------------------------------------------------------------------------
class Weigh(NamedTuple):
    """Scaled scores -> the objective's integer weights: ``w + shift``, or 1 for every pair
    when ``shift`` is None (a count)."""

    shift: int | None

    def __call__(self, w: IntArray) -> IntArray:
        return np.ones_like(w) if self.shift is None else w + self.shift


_INF = np.int64(1 << 62)
# At least this many of the cheapest mentors (or 10% of them) are checked column by column.
_CHEAP_MENTORS = 16
# Pairs within this many points of beating the prices join the lists with those that do.
_NEAR_POINTS = 1.0


@dataclass(frozen=True)
class _Prices:
    """Dual prices of a solution: v(j) for every mentor, u(i) for the mentees asked about."""

    weigh: Weigh
    mentor: IntArray
    surplus: IntArray
    margin: int = 0  # also report pairs this close to beating the prices

    def excess(self, at: IntArray, cols: IntArray, weights: IntArray) -> IntArray:
        """W(i, j) - u(i) - v(j): positive when the pair beats the prices."""
        return self.weigh(weights) - self.mentor[cols] - self.surplus[at]


class _Check(NamedTuple):
    resolve: bool  # pairs joined the lists and the answer may no longer be optimal on them
    unprovable: bool  # pairs never given to the engine might improve it


class _Outcome(NamedTuple):
    mentor: IntArray | None  # per free mentee, -1 unmatched; None when stopped early
    resolve: bool  # the lists grew: solve again
    unprovable: bool
    solves: int


def _run_objective(objective: Objective, round_: _Round, lists: _Lists) -> _Outcome:
    if objective == "total":
        # A pair scoring zero or less would not raise the total: it is left out.
        weigh = Weigh(0)
        select = lists.weights > 0
        mentor = _flow(lists, round_.room, select, -lists.weights[select], keep_unmatched=True)
        check = _check(
            round_,
            lists,
            1,
            weigh,
            mentor,
            outside_from=1,
            keep_solution=True,
            margin=_margin(round_),
        )
        return _Outcome(mentor, check.resolve, check.unprovable, 1)
    if objective == "coverage":
        return _coverage(round_, lists, floor=None, solves=0, unprovable=False)
    return _fairness(round_, lists)


def _coverage(
    round_: _Round, lists: _Lists, *, floor: int | None, solves: int, unprovable: bool
) -> _Outcome:
    """Most mentees matched on the pairs scoring at least ``floor``, then the highest total."""
    select = _at_least(lists, floor)
    mentor = _flow(lists, round_.room, select, -lists.weights[select], keep_unmatched=False)
    # As one weight: a match is worth more than any difference in total score can be, so
    # big must outweigh the scores of all pairs, not only the listed ones: above, a pair off
    # a list scores at most its mentee's bound; below, at least the floor or the lowest
    # allowed score. A pair far below every listed one can still match one more mentee.
    # When nothing bounds the pairs never given from below, none of them can be ruled out.
    bounds = lists.outside[lists.outside != _NONE]
    lowest = floor if floor is not None else round_.source.lowest_weight
    unknown_below = lowest is None
    known = [lists.weights, bounds, np.asarray([0 if lowest is None else lowest], np.int64)]
    largest = int(np.abs(np.concatenate(known)).max(initial=0))
    big = (len(lists.free) + 1) * (2 * largest + 1)
    weigh = Weigh(big)
    check = _check(
        round_,
        lists,
        floor,
        weigh,
        mentor,
        outside_from=floor,
        keep_solution=True,
        margin=_margin(round_),
    )
    unprovable = unprovable or check.unprovable or unknown_below
    return _Outcome(mentor, check.resolve, unprovable, solves + 1)


def _count(
    round_: _Round, lists: _Lists, *, floor: int | None, outside_from: int | None
) -> tuple[IntArray, _Check]:
    """The most mentees matched on the pairs scoring at least ``floor``."""
    select = _at_least(lists, floor)
    costs = np.zeros(int(select.sum()), dtype=np.int64)
    mentor = _flow(lists, round_.room, select, costs, keep_unmatched=False)
    check = _check(
        round_, lists, floor, Weigh(None), mentor, outside_from=outside_from, keep_solution=False
    )
    return mentor, check


def _fairness(round_: _Round, lists: _Lists) -> _Outcome:
    """Coverage's count, then the highest lowest score, then the total.

    Every count is proven for all pairs (or pairs are added first), so the binary search
    over the distinct candidate scores takes the steps it would take on all pairs. When
    the floor ``values[mid]`` is tested, pairs off the lists count from ``values[mid - 1]
    + 1`` up: a "no" then also rules out every floor between the two candidate scores.
    """
    mentor, check = _count(round_, lists, floor=None, outside_from=None)
    solves, unprovable = 1, check.unprovable
    if check.resolve:
        return _Outcome(None, True, unprovable, solves)
    target = int((mentor >= 0).sum())
    if target == 0:
        return _Outcome(mentor, False, unprovable, solves)
    values = np.unique(lists.weights)
    low, high = 0, len(values)  # values[low] keeps the count; values[high:] do not
    while high - low > 1:
        mid = (low + high) // 2
        floor, outside_from = int(values[mid]), int(values[mid - 1]) + 1
        mentor, check = _count(round_, lists, floor=floor, outside_from=outside_from)
        solves, unprovable = solves + 1, unprovable or check.unprovable
        if check.resolve:
            return _Outcome(None, True, unprovable, solves)
        if int((mentor >= 0).sum()) >= target:
            low = mid
        else:
            high = mid
    return _coverage(round_, lists, floor=int(values[low]), solves=solves, unprovable=unprovable)


def _margin(round_: _Round) -> int:
    return int(_NEAR_POINTS * round_.scale)


def _at_least(lists: _Lists, floor: int | None) -> BoolArray:
    if floor is None:
        return np.ones(len(lists.rows), dtype=bool)
    return lists.weights >= floor


def _flow(
    lists: _Lists, room: IntArray, select: BoolArray, costs: IntArray, *, keep_unmatched: bool
) -> IntArray:
    """One min-cost flow on the selected listed pairs; the mentor of each free mentee or -1.

    Nodes: free mentees ``0..f-1`` (supply 1 each), mentors ``f..f+m-1``, the sink (its
    arc from mentor ``j`` has capacity ``room[j]``). With ``keep_unmatched`` a mentee may
    send its unit straight to the sink at no cost; otherwise the flow is the largest
    possible, at the least cost.
    """
    n_free, n_mentors = len(lists.free), len(room)
    sink = n_free + n_mentors
    tails, heads = lists.rows[select], lists.cols[select]
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = np.asarray(
        solver.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32),
            (heads + n_free).astype(np.int32),
            np.ones(len(tails), dtype=np.int64),
            costs.astype(np.int64),
        ),
        dtype=np.int32,
    )
    solver.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_free, n_free + n_mentors, dtype=np.int32),
        np.full(n_mentors, sink, dtype=np.int32),
        room.astype(np.int64),
        np.zeros(n_mentors, dtype=np.int64),
    )
    if keep_unmatched:
        solver.add_arcs_with_capacity_and_unit_cost(
            np.arange(n_free, dtype=np.int32),
            np.full(n_free, sink, dtype=np.int32),
            np.ones(n_free, dtype=np.int64),
            np.zeros(n_free, dtype=np.int64),
        )
    solver.set_nodes_supplies(
        np.append(np.arange(n_free), sink).astype(np.int32),
        np.append(np.ones(n_free, dtype=np.int64), -n_free).astype(np.int64),
    )
    status = solver.solve() if keep_unmatched else solver.solve_max_flow_with_min_cost()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        name = getattr(status, "name", str(status))
        raise RuntimeError(f"The min-cost flow solver stopped with status {name}.")
    used = np.asarray(solver.flows(arcs), dtype=np.int64) > 0
    mentor = np.full(n_free, -1, dtype=np.int64)
    mentor[tails[used]] = heads[used]
    return mentor


def _check(
    round_: _Round,
    lists: _Lists,
    select_from: int | None,
    weigh: Weigh,
    mentor: IntArray,
    *,
    outside_from: int | None,
    keep_solution: bool,
    margin: int = 0,
) -> _Check:
    """Prove the answer on the lists optimal for all pairs, or add the pairs that beat it.

    Prices the answer (a price v(j) >= 0 per mentor from ``_mentor_prices``, a surplus u(i)
    per mentee) and checks u(i) + v(j) >= W(i, j) for every listed pair, then for the pairs
    off the lists through each mentee's bound ``outside[i]`` or by reading them (the cheapest
    mentors first, whole rows only when needed). Pairs that beat the prices (with those within
    ``margin``) join the lists; with ``keep_solution`` the same answer is priced again on the
    longer lists, else (or when no prices exist) the round is solved again (``resolve``).
    Pairs the objective uses are the listed ones scoring at least ``select_from``; pairs off
    the lists below ``outside_from`` are not part of the question. The duality argument and
    why this ends: docs/matching.md, "The proof of optimality".
    """
    room = round_.room
    matched = mentor >= 0
    load = np.bincount(mentor[matched], minlength=len(room))
    unprovable = False
    limit: int | None = None  # Bellman-Ford rounds allowed once the lists have grown
    while True:
        # 1. Price the answer on the lists as they are now, pairs just added included: an
        #    answer is proven only by prices that every listed pair respects. (Reading a
        #    mentee's whole row can leave nothing off its list; the pairs it added still
        #    have to be priced, and they are the ones that beat the last prices.)
        select = _at_least(lists, select_from)
        rows, cols = lists.rows[select], lists.cols[select]
        weights = weigh(lists.weights[select])
        chosen = mentor[rows] == cols
        own = np.zeros(len(lists.free), dtype=np.int64)
        own[rows[chosen]] = weights[chosen]
        found_prices = _mentor_prices(rows, cols, weights, chosen, mentor, own, load, room, limit)
        if found_prices is None:
            return _Check(_resolve_or_fail(limit), unprovable)
        prices, rounds = found_prices
        surplus = np.where(matched, own - prices[np.maximum(mentor, 0)], 0)
        # Valid prices: none negative (a mentor with room is then at 0, an unmatched mentee
        # keeps 0) and no listed pair beats them. Otherwise the answer can be improved.
        valid = (prices[room > 0] >= 0).all() and (surplus >= 0).all()
        if not (valid and (surplus[rows] + prices[cols] >= weights).all()):
            return _Check(_resolve_or_fail(limit), unprovable)
        limit = max(32, 2 * rounds)
        # 2. The pairs off the lists: a mentee is settled when no pair off its list could
        #    beat its surplus (none is left, or its bound is below its surplus).
        doubt = lists.truncated.copy()
        if outside_from is not None:
            doubt &= lists.outside >= outside_from
        bound = weigh(np.where(doubt, lists.outside, 0))
        doubt &= bound > surplus - margin
        if not doubt.any():
            return _Check(False, unprovable)
        # 3. Read the pairs that could beat the prices; add them, and price again (1).
        more, cannot = _beating_pairs(
            round_, lists, doubt, bound, _Prices(weigh, prices, surplus, margin), outside_from
        )
        unprovable = unprovable or cannot
        if more is None:
            return _Check(False, unprovable)
        lists.extend(more)
        if not keep_solution:
            return _Check(True, unprovable)


def _resolve_or_fail(limit: int | None) -> bool:
    """After pairs were added the answer may be improvable: solve again. Straight after a
    solve it cannot be, unless the solver failed."""
    if limit is None:
        raise RuntimeError("The min-cost flow solver returned an answer that is not optimal.")
    return True


def _beating_pairs(
    round_: _Round,
    lists: _Lists,
    doubt: BoolArray,
    bound: IntArray,
    prices: _Prices,
    outside_from: int | None,
) -> tuple[_NewPairs | None, bool]:
    """The pairs off the lists of the ``doubt`` mentees that beat the prices (with those
    within the margin, if any beats them), and whether pairs never given to the engine
    might beat them (then nothing can be proven)."""
    room = round_.room
    eligible = np.flatnonzero(room > 0)
    by_price = eligible[np.argsort(prices.mentor[eligible], kind="stable")]
    n_cheap = min(len(eligible), max(_CHEAP_MENTORS, len(eligible) // 10))
    cheap, dearer = by_price[:n_cheap], by_price[n_cheap:]
    floor_price = prices.mentor[dearer[0]] if len(dearer) else _INF
    whole = doubt & (bound - floor_price > prices.surplus - prices.margin)
    more: list[_NewPairs] = []
    read_whole: tuple[IntArray, IntArray] | None = None  # mentees read whole, their new bound
    unprovable = False
    for which, columns in ((np.flatnonzero(whole), None), (np.flatnonzero(doubt & ~whole), cheap)):
        if not len(which):
            continue
        position = np.full(len(lists.free), -1, dtype=np.int64)
        position[which] = np.arange(len(which))
        at = position[lists.rows]
        listed = at >= 0
        found = round_.source.off_list(
            lists.free[which],
            (at[listed], lists.cols[listed]),
            room > 0,
            _Prices(prices.weigh, prices.mentor, prices.surplus[which], prices.margin),
            outside_from,
            round_.k,
            columns,
        )
        if columns is None:
            read_whole = (which, found.outside)
        if len(found.rows):
            more.append(_NewPairs(which[found.rows], found.cols, found.values))
        unprovable = unprovable or bool(found.unprovable.any())
    pairs = _NewPairs(
        _concat_int([m.rows for m in more]),
        _concat_int([m.cols for m in more]),
        _concat_float([m.values for m in more]),
    )
    weights = _scaled(pairs.values, lists.scale)
    beats = prices.excess(pairs.rows, pairs.cols, weights) > 0
    added = bool(beats.any())
    if read_whole is not None:
        # A whole row read gives the mentee a new bound: its best pair still off the list.
        # The pairs found leave the list's outside only if they join it; near ones that do
        # not join (nothing beats the prices) stay under the bound.
        which, outside = read_whole
        if not added:
            at = np.full(len(lists.free), -1, dtype=np.int64)
            at[which] = np.arange(len(which))
            mine = at[pairs.rows] >= 0
            np.maximum.at(outside, at[pairs.rows[mine]], weights[mine])
        lists.outside[which] = outside
    if not added:
        return None, unprovable  # only near ones, or none: the answer is proven as it is
    return pairs, unprovable


def _mentor_prices(
    rows: IntArray,
    cols: IntArray,
    weights: IntArray,
    chosen: BoolArray,
    mentor: IntArray,
    own: IntArray,
    load: IntArray,
    room: IntArray,
    limit: int | None,
) -> tuple[IntArray, int] | None:
    """v(j): the least weight lost to free one place at mentor j (Bellman-Ford, in numpy),
    and the rounds it took; None if it has not settled after ``limit`` rounds.

    Edges: j -> j' costs W(i, j) - W(i, j') for a mentee i of j listed with j' (it moves);
    j -> end costs W(i, j) (mentee i is dropped); a mentor with room left -> end costs 0.
    No cycle is negative because the flow is optimal, so the distances exist; a mentor
    that cannot be reached (no room at all) keeps ``_INF``.
    """
    n_mentors = len(room)
    end = n_mentors
    moves = ~chosen & (mentor[rows] >= 0)
    matched = np.flatnonzero(mentor >= 0)
    with_room = np.flatnonzero(load < room)
    tails = np.concatenate([mentor[rows[moves]], mentor[matched], with_room])
    heads = np.concatenate([cols[moves], np.full(len(matched), end), np.full(len(with_room), end)])
    costs = np.concatenate(
        [own[rows[moves]] - weights[moves], own[matched], np.zeros(len(with_room), np.int64)]
    )
    distance = np.full(n_mentors + 1, _INF, dtype=np.int64)
    distance[end] = 0
    if not len(tails):
        return distance[:n_mentors], 0
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, tails[1:] != tails[:-1]])
    sources = tails[starts]
    changed: BoolArray | None = None  # the mentors whose distance fell in the last round
    for rounds in range(1, (n_mentors + 2 if limit is None else limit) + 1):
        # Only an edge into a mentor whose distance just fell can lower its tail's now (the
        # others gave the same last round): the same rounds, on fewer edges once few move.
        live = None if changed is None else np.flatnonzero(changed[heads])
        if live is None or 4 * len(live) > len(heads):
            via = distance[heads]
            reach = np.where(via < _INF, costs + via, _INF)
            best = np.minimum(np.minimum.reduceat(reach, starts), distance[sources])
            fell = best < distance[sources]
            changed = np.zeros(n_mentors + 1, dtype=bool)
            changed[sources[fell]] = True
            distance[sources] = best
        else:
            via = distance[heads[live]]
            reach = np.where(via < _INF, costs[live] + via, _INF)
            lower = distance.copy()
            np.minimum.at(lower, tails[live], reach)
            changed = lower < distance
            distance = lower
        if not changed.any():
            return distance[:n_mentors], rounds
    return None


# ---------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------
def _dense_scores(dense: npt.ArrayLike) -> npt.NDArray[np.floating]:
    scores = np.asarray(dense)
    if scores.ndim != 2:
        raise ValueError("scores must be a two-dimensional (mentees x mentors) array.")
    if not np.issubdtype(scores.dtype, np.floating):
        scores = scores.astype(np.float64)
    return scores


def _row_blocks(
    scores: npt.NDArray[np.floating], rows: IntArray, columns: IntArray | None = None
) -> Iterator[tuple[IntArray, FloatArray]]:
    """The rows ``rows`` (and ``columns``) of ``scores`` as float64 copies, a block at a time."""
    width = scores.shape[1] if columns is None else len(columns)
    step = max(1, _BLOCK_CELLS // max(1, width))
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        if columns is not None:
            block = np.array(scores[np.ix_(chunk, columns)], dtype=np.float64)
        elif len(chunk) and chunk[-1] - chunk[0] == len(chunk) - 1:
            block = np.array(scores[chunk[0] : chunk[-1] + 1], dtype=np.float64)
        else:
            block = np.array(scores[chunk], dtype=np.float64)
        yield chunk, block


def _top_of_block(values: FloatArray, allowed: BoolArray, k: int) -> tuple[BoolArray, FloatArray]:
    """The ``k`` best allowed cells of each row (ties: lower column first), and the best left
    out; ``values`` is -inf where not allowed."""
    n_cols = values.shape[1]
    if k >= n_cols:
        return allowed, np.full(values.shape[0], -np.inf)
    # One partition: the best left out sits at n_cols - k - 1, the k best after it.
    edges = np.partition(values, n_cols - k - 1, axis=1)
    outside = edges[:, n_cols - k - 1]
    kth = edges[:, n_cols - k :].min(axis=1)
    keep = values >= kth[:, None]
    short = np.isneginf(kth)  # fewer than k allowed: all of them
    if short.any():
        keep[short] = allowed[short]
    tied = np.count_nonzero(keep, axis=1) > k  # rows where only the first few equal ones fit
    if tied.any():
        values_tied, kth_tied = values[tied], kth[tied][:, None]
        above = values_tied > kth_tied
        equal = values_tied == kth_tied
        need = k - np.count_nonzero(above, axis=1)
        rank = np.cumsum(equal, axis=1, dtype=np.int16 if n_cols < 1 << 15 else np.int32)
        keep[tied] = above | (equal & (rank <= need[:, None]))
    return keep, outside


# A row's sample for ``_top_entries``: about this many times k + 1 of its cells.
_SAMPLE_TIMES = 32


def _top_entries(
    block: FloatArray, floor: float, k: int
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """The ``k`` best cells of each row among those at least ``floor`` (NaN never is; ties:
    lower column first), as rows, columns and values in row then column order, and each
    row's best cell left out (-inf: none); what ``_top_of_block`` gives, without sorting
    whole rows.

    The (k+1)-th best of a sample of a row's cells is at most the row's own (k+1)-th best:
    only the cells at least that high (and at least ``floor``) are ranked.
    """
    n_rows, n_cols = block.shape
    stride = n_cols // (_SAMPLE_TIMES * (k + 1))
    with np.errstate(invalid="ignore"):
        if stride < 2:  # rows too short to gain from a sample
            allowed = block >= floor
            keep, outside = _top_of_block(np.where(allowed, block, -np.inf), allowed, k)
            rows, cols = np.nonzero(keep)
            return rows, cols, block[rows, cols], outside
        sample = block[:, ::stride]
        sample = np.where(sample >= floor, sample, -np.inf)
        width = sample.shape[1]
        cut = np.maximum(floor, np.partition(sample, width - k - 1, axis=1)[:, width - k - 1])
        at = np.flatnonzero(block >= cut[:, None])
    rows = at // n_cols
    cols = at - rows * n_cols
    values = block.reshape(-1)[at]
    outside = np.full(n_rows, -np.inf)
    if not len(at):
        return rows, cols, values, outside
    # The candidates of each row side by side (in column order), -inf after them.
    counts = np.bincount(rows, minlength=n_rows)
    place = np.arange(len(at)) - np.repeat(np.cumsum(counts) - counts, counts)
    side = np.full((n_rows, int(counts.max())), -np.inf)
    side[rows, place] = values
    listed = np.zeros(side.shape, dtype=bool)
    listed[rows, place] = True
    keep, outside = _top_of_block(side, listed, k)
    chosen = keep[rows, place]
    return rows[chosen], cols[chosen], values[chosen], outside


class _MentorTops:
    """Each mentor's best ``size`` allowed mentees so far, best first (ties: the lower
    mentee); blocks of rows are added in the order of their mentees."""

    def __init__(self, n_mentors: int, size: int, floor: float) -> None:
        self.size = size
        self.values = np.full((n_mentors, size), -np.inf)
        self.rows = np.zeros((n_mentors, size), dtype=np.int64)
        # A cell joins when above its mentor's cut: at first, the largest float below the
        # floor (so, when allowed); then, once the mentor has ``size``, the last one's score.
        self.cut = np.full(n_mentors, np.nextafter(floor, -np.inf) if floor > -np.inf else floor)

    def add(self, rows: IntArray, block: FloatArray) -> None:
        if not self.size:
            return
        size = self.size
        n_rows, n_cols = block.shape
        with np.errstate(invalid="ignore"):
            above = block > self.cut[None, :]
            at = np.flatnonzero(above)
            if n_rows > size and len(at) > 2 * size * n_cols:
                # Many cells above the cuts (the first blocks): only a mentor's ``size`` best
                # in this block (and those tied with the last) can join.
                ranked = np.where(above, block, -np.inf)
                last = np.partition(ranked, n_rows - size, axis=0)[n_rows - size]
                at = np.flatnonzero(above & (block >= last[None, :]))
        if not len(at):
            return
        # The cells that join, by mentor then mentee, next to each mentor's best so far.
        r = at // n_cols
        c = at - r * n_cols
        order = np.argsort(c, kind="stable")
        r, c, values = r[order], c[order], block.reshape(-1)[at[order]]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        counts = np.diff(np.r_[starts, len(c)])
        hit = c[starts]
        slot = np.repeat(np.arange(len(hit)), counts)
        place = size + np.arange(len(c)) - np.repeat(starts, counts)
        merged = np.full((len(hit), size + int(counts.max())), -np.inf)
        merged[:, :size] = self.values[hit]
        merged[slot, place] = values
        mentees = np.zeros(merged.shape, dtype=np.int64)
        mentees[:, :size] = self.rows[hit]
        mentees[slot, place] = rows[r]
        # Stable: among equal scores the earlier place, so the lower mentee, comes first.
        best = np.argsort(-merged, axis=1, kind="stable")[:, :size]
        self.values[hit] = np.take_along_axis(merged, best, axis=1)
        self.rows[hit] = np.take_along_axis(mentees, best, axis=1)
        last = self.values[hit, size - 1]
        full = last > -np.inf
        self.cut[hit[full]] = last[full]


def _best_per_row(
    rows: IntArray, cols: IntArray, gain: IntArray, limit: int, index: IntArray
) -> IntArray:
    """``index`` cut to at most ``limit`` entries per row: largest gain first, then lower col."""
    order = np.lexsort((cols, -gain, rows))
    rows = rows[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    return np.sort(index[order][rank < limit])


def _make_lists(
    mentees: IntArray,
    parts: list[tuple[IntArray, IntArray, FloatArray]],
    outside: FloatArray,
    scale: int,
) -> _Lists:
    """Lists from pieces whose rows are positions in ``mentees``."""
    rows = _concat_int([p[0] for p in parts])
    cols = _concat_int([p[1] for p in parts])
    values = _concat_float([p[2] for p in parts])
    order = _by_mentee_score_mentor(rows, cols, values)
    return _Lists(
        free=mentees.astype(np.int64),
        rows=rows[order],
        cols=cols[order],
        values=values[order],
        weights=_scaled(values[order], scale),
        outside=_scaled_or_none(outside, scale),
        scale=scale,
    )


def _by_mentee_score_mentor(rows: IntArray, cols: IntArray, values: FloatArray) -> IntArray:
    """The order of the entries by mentee, then score from high to low, then mentor.

    One sort of a single integer key (mentee, rank of the score, mentor) when it fits in 63
    bits, a few times faster than sorting on three keys; the same order either way, as no
    (mentee, mentor) pair is listed twice.
    """
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    distinct, rank = np.unique(values, return_inverse=True)
    n_ranks, n_cols = len(distinct), int(cols.max()) + 1
    if (int(rows.max()) + 1) * n_ranks * n_cols >= 1 << 63:
        return np.lexsort((cols, -values, rows))
    key = (rows * n_ranks + (n_ranks - 1 - rank.reshape(-1))) * n_cols + cols
    return np.argsort(key)


def _scaled(values: FloatArray, scale: int) -> IntArray:
    return np.rint(values * scale).astype(np.int64)


def _scaled_or_none(values: FloatArray, scale: int) -> IntArray:
    finite = np.isfinite(values)
    out = np.full(values.shape, _NONE, dtype=np.int64)
    out[finite] = _scaled(values[finite], scale)
    return out


def _concat_int(parts: list[IntArray]) -> IntArray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def _concat_float(parts: list[FloatArray]) -> FloatArray:
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0, dtype=np.float64)


def _index_pairs(pairs: Iterable[tuple[int, int]]) -> IntArray:
    listed = sorted({(int(i), int(j)) for i, j in pairs})
    if not listed:
        return np.zeros((0, 2), dtype=np.int64)
    return np.asarray(listed, dtype=np.int64)


def _check_indices(pairs: IntArray, n_mentees: int, n_mentors: int, name: str) -> None:
    if len(pairs) and (
        pairs[:, 0].min() < 0
        or pairs[:, 0].max() >= n_mentees
        or pairs[:, 1].min() < 0
        or pairs[:, 1].max() >= n_mentors
    ):
        raise ValueError(f"{name}: a mentee or mentor index is out of range.")


def _validate_pins(
    source: _PairSource, capacities: IntArray, pins: IntArray
) -> list[tuple[int, int]]:
    _check_indices(pins, source.n_mentees, source.n_mentors, "pinned")
    mentees = pins[:, 0]
    if len(np.unique(mentees)) != len(mentees):
        twice = int(mentees[np.flatnonzero(np.diff(np.sort(mentees)) == 0)[0]])
        raise ValueError(f"Mentee {twice} is pinned to more than one mentor.")
    for i, j in pins.tolist():
        status = source.status_of(i, j)
        if status == "blocked":
            raise ValueError(f"Pinned pair (mentee {i}, mentor {j}) is blocked.")
        if status == "unscored":
            raise ValueError(
                f"Pinned pair (mentee {i}, mentor {j}) is not allowed: it has no score."
            )
    load = np.bincount(pins[:, 1], minlength=len(capacities))
    over = np.flatnonzero(load > capacities)
    if len(over):
        j = int(over[0])
        raise ValueError(
            f"Mentor {j} has {int(load[j])} pinned mentees but room for {int(capacities[j])}."
        )
    return [(int(i), int(j)) for i, j in pins]


def _validate_preferences(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[dict[int, int]]:
    if len(capacities) != len(mentor_prefs):
        raise ValueError("capacities must have one entry per mentor.")
    if any(c < 0 for c in capacities):
        raise ValueError("capacities cannot be negative.")
    for i, prefs in enumerate(mentee_prefs):
        if len(set(prefs)) != len(prefs) or any(not 0 <= j < len(mentor_prefs) for j in prefs):
            raise ValueError(f"Mentee {i}'s ranking repeats a mentor or names an unknown one.")
    ranks = []
    for j, prefs in enumerate(mentor_prefs):
        if len(set(prefs)) != len(prefs) or any(not 0 <= i < len(mentee_prefs) for i in prefs):
            raise ValueError(f"Mentor {j}'s ranking repeats a mentee or names an unknown one.")
        ranks.append({i: rank for rank, i in enumerate(prefs)})
    return ranks
