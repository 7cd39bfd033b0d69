"""Solving a matching round, pure: its score matrix, the mentors' room, its pins and blocks in;
the pairs, the unmatched with the reason in words and the number of first choices out, by the
engine's optimum or, in a stable round, by deferred acceptance on the preferences people gave.
No ORM inside."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from django.utils.translation import gettext, ngettext

from matching import engine
from matching.rounds.scoring import RoundFacts, pair_refusal
from mentorship.errors import DomainError


@dataclass(frozen=True)
class Grid:
    """A round's score matrix: mentees (participant ids) by row, mentors by column."""

    mentee_ids: list[int]
    mentor_ids: list[int]
    matrix: np.ndarray
    rows: dict[int, int] = field(init=False)
    columns: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", {pid: i for i, pid in enumerate(self.mentee_ids)})
        object.__setattr__(self, "columns", {pid: j for j, pid in enumerate(self.mentor_ids)})

    def cells(self, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        """(mentee, mentor) pairs as (row, column), leaving out those no longer in the round."""
        return {
            (self.rows[mentee_id], self.columns[mentor_id])
            for mentee_id, mentor_id in pairs
            if mentee_id in self.rows and mentor_id in self.columns
        }


@dataclass(frozen=True)
class Preferences:
    """A stable round's answers: (chooser, chosen) by chooser and rank, and the mentors who
    gave a ranking (the others' order is by score)."""

    ranked: Sequence[tuple[int, int]]
    mentors_answered: Iterable[int]


@dataclass(frozen=True)
class Outcome:
    pairs: list[tuple[int, int]]  # (mentee index, mentor index)
    unmatched: list[tuple[int, str]]  # (mentee index, why in words)
    top_choice: int


def pinned_cells(
    facts: RoundFacts,
    grid: Grid,
    pins: Mapping[int, int],
    blocked: frozenset[tuple[int, int]],
    blocked_cells: set[tuple[int, int]],
) -> set[tuple[int, int]]:
    """The pins as cells; a pin whose pair is no longer allowed is refused, naming why."""
    pinned = set()
    for mentee_id, mentor_id in pins.items():
        if mentee_id not in grid.rows or mentor_id not in grid.columns:
            continue  # one of the two left the program or was matched meanwhile
        i, j = grid.rows[mentee_id], grid.columns[mentor_id]
        if math.isnan(grid.matrix[i, j]) or (i, j) in blocked_cells:
            reason = pair_refusal(facts, mentee_id, mentor_id, blocked)
            raise DomainError(
                gettext(
                    "The pin of %(mentee)s to %(mentor)s no longer holds (%(reason)s); unpin it "
                    "and run again."
                )
                % {
                    "mentee": facts.names[mentee_id],
                    "mentor": facts.names[mentor_id],
                    "reason": reason,
                }
            )
        pinned.add((i, j))
    return pinned


def mentor_capacities(facts: RoundFacts, grid: Grid, pinned: set[tuple[int, int]]) -> np.ndarray:
    """Each mentor's room now; refused when more mentees are pinned to one than it holds."""
    capacities = np.array([max(0, facts.mentors[m].room) for m in grid.mentor_ids], dtype=np.int64)
    for j, room in enumerate(capacities):
        held = sorted(facts.names[grid.mentee_ids[i]] for i, pinned_j in pinned if pinned_j == j)
        if len(held) > room:
            raise DomainError(
                ngettext(
                    "%(mentor)s has room for %(room)s now, but %(mentees)s is pinned to them; "
                    "unpin or move one and run again.",
                    "%(mentor)s has room for %(room)s now, but %(mentees)s are pinned to them; "
                    "unpin or move one and run again.",
                    len(held),
                )
                % {
                    "mentor": facts.names[grid.mentor_ids[j]],
                    "room": room,
                    "mentees": ", ".join(held),
                }
            )
    return capacities


def solve_optimal(
    grid: Grid,
    capacities: np.ndarray,
    blocked: set[tuple[int, int]],
    pinned: set[tuple[int, int]],
    *,
    min_score: float,
    objective: str,
) -> Outcome:
    """The engine's optimum for the round's objective, pins held and blocks kept apart."""
    try:
        result = engine.solve(
            grid.matrix,
            capacities,
            min_score=min_score,
            blocked=blocked,
            pinned=pinned,
            objective=cast(engine.Objective, objective),
        )
    except ValueError as exc:
        raise DomainError(
            gettext("The pins cannot all hold: %(problem)s") % {"problem": exc}
        ) from None
    minimum = f"{min_score:g}"
    return Outcome(
        pairs=[(pair.mentee, pair.mentor) for pair in result.pairs],
        # The engine's words, in the reader's language.
        unmatched=[
            (u.mentee, gettext(engine.UNMATCHED_WORDS[u.reason]) % {"minimum": minimum})
            for u in result.unmatched
        ],
        top_choice=result.top_choice_count,
    )


def solve_stable(
    grid: Grid,
    capacities: np.ndarray,
    blocked: set[tuple[int, int]],
    pinned: set[tuple[int, int]],
    preferences: Preferences,
) -> Outcome:
    """Mentee-proposing deferred acceptance on the preferences people gave: no mentee and
    mentor would both rather be together than with whom they got. Pins hold first; a pair
    that is blocked or not allowed is dropped from both sides' lists."""
    mentee_ids, mentor_ids, matrix = grid.mentee_ids, grid.mentor_ids, grid.matrix
    row, col = grid.rows, grid.columns
    pinned_mentees = {i for i, _j in pinned}

    def allowed(i: int, j: int) -> bool:
        return not math.isnan(matrix[i, j]) and (i, j) not in blocked and i not in pinned_mentees

    mentee_prefs: list[list[int]] = [[] for _ in mentee_ids]
    ranked_by_mentor: dict[int, list[int]] = {}
    for chooser, chosen in preferences.ranked:
        if chooser in row and chosen in col and allowed(row[chooser], col[chosen]):
            mentee_prefs[row[chooser]].append(col[chosen])
        elif chooser in col:
            ranked_by_mentor.setdefault(col[chooser], []).append(chosen)
    answered = {col[m] for m in preferences.mentors_answered if m in col}
    chose: dict[int, list[int]] = {}
    for i, prefs in enumerate(mentee_prefs):
        for j in prefs:
            chose.setdefault(j, []).append(i)
    mentor_prefs: list[list[int]] = []
    for j in range(len(mentor_ids)):
        who = set(chose.get(j, []))
        if j in answered:
            mentor_prefs.append(
                [row[m] for m in ranked_by_mentor.get(j, []) if m in row and row[m] in who]
            )
        else:  # no ranking given: those who chose them, best score first
            scores = matrix[:, j]
            mentor_prefs.append(sorted(who, key=lambda i: (-scores[i], mentee_ids[i])))
    room = capacities.copy()
    for _i, j in pinned:
        room[j] -= 1
    matched = engine.deferred_acceptance(mentee_prefs, mentor_prefs, [int(c) for c in room])
    pairs = sorted(set(matched.items()) | pinned)
    got = dict(pairs)
    unmatched = []
    for i in range(len(mentee_ids)):
        if i in got:
            continue
        if not mentee_prefs[i]:
            unmatched.append((i, gettext("Ranked no mentor who can be matched with them.")))
        else:
            unmatched.append(
                (i, gettext("The mentors they ranked were full with mentees they ranked higher."))
            )
    first_choice = sum(1 for i, j in matched.items() if mentee_prefs[i] and mentee_prefs[i][0] == j)
    return Outcome(pairs=pairs, unmatched=unmatched, top_choice=first_choice)
