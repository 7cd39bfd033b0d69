"""Scoring a matching round, pure: the facts (gathered by ``rounds.selectors.round_facts``) in,
which pairs are allowed and their weighted scores out, as one matrix for the engine or one
mentee's swap candidates for an admin. No ORM inside."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext

from matching.models import Proposal
from matching.score import (
    PARTS,
    MenteeFacts,
    MentorFacts,
    Score,
    compatibility,
    compatibility_matrix,
)
from mentorship.errors import DomainError

WEIGHT_RANGE = (0.0, 5.0)


@dataclass(frozen=True)
class RoundFacts:
    """What scoring a round needs, keyed by participant id."""

    mentees: dict[int, MenteeFacts]
    mentors: dict[int, MentorFacts]  # a mentor's ``room`` is what is left of their capacity
    users: dict[int, int]  # participant → user, so nobody is paired with themselves
    names: dict[int, str]
    live_pairs: frozenset[tuple[int, int]] = frozenset()  # (mentee, mentor) already together
    reverse: bool = False  # reverse mentoring: a more junior mentor scores higher
    other_department_only: bool = False


@dataclass(frozen=True)
class Candidate:
    """One mentor as a swap target for a mentee: score, reasons, and whether it is allowed."""

    mentor_id: int
    name: str
    score: Score
    refused: str = ""  # why the pair is not allowed, empty if it is
    room_left: int = 0


def mentor_load(proposals: Iterable[Proposal]) -> Counter[int]:
    """How many mentees each mentor gets in these proposals."""
    return Counter(p.mentor_id for p in proposals if p.mentor_id is not None)


def found_a_mentor_since_the_run(mentee_name: str) -> str:
    """Publishing's words for a mentee who started a mentorship after the round ran."""
    return gettext("%(name)s found a mentor since the run.") % {"name": mentee_name}


def pair_refusal(
    facts: RoundFacts, mentee_id: int, mentor_id: int, blocked: frozenset[tuple[int, int]]
) -> str:
    """Why this pair may not be matched, or "" when it may. Pure."""
    if facts.users.get(mentee_id) == facts.users.get(mentor_id):
        return gettext("the same person")
    if (mentee_id, mentor_id) in facts.live_pairs:
        return gettext("already working together")
    if (mentee_id, mentor_id) in blocked:
        return gettext("blocked by an admin")
    if facts.other_department_only:
        mine = facts.mentees[mentee_id].department.strip().casefold()
        theirs = facts.mentors[mentor_id].department.strip().casefold()
        if mine and mine == theirs:
            return gettext("same department (this program matches across departments)")
    mentor = facts.mentors[mentor_id]
    if mentor.away or not mentor.accepting:
        return gettext("away") if mentor.away else gettext("not taking new mentees")
    return ""


def round_score_matrix(
    facts: RoundFacts,
    *,
    weights: Mapping[str, float],
    blocked: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[list[int], list[int], np.ndarray]:
    """Mentee ids, mentor ids and their weighted scores; NaN where ``pair_refusal`` refuses
    the pair (the same checks, on whole rows and columns at once)."""
    mentee_ids, mentor_ids = list(facts.mentees), list(facts.mentors)
    mentors = [facts.mentors[m] for m in mentor_ids]
    matrix = compatibility_matrix(
        [facts.mentees[e] for e in mentee_ids], mentors, reverse=facts.reverse, weights=weights
    )
    if not matrix.size:
        return mentee_ids, mentor_ids, matrix
    mentee_users = np.array([facts.users.get(e, -1) for e in mentee_ids])
    mentor_users = np.array([facts.users.get(m, -2) for m in mentor_ids])
    matrix[mentee_users[:, None] == mentor_users[None, :]] = np.nan
    row = {pid: i for i, pid in enumerate(mentee_ids)}
    col = {pid: j for j, pid in enumerate(mentor_ids)}
    for mentee_id, mentor_id in facts.live_pairs | blocked:
        if mentee_id in row and mentor_id in col:
            matrix[row[mentee_id], col[mentor_id]] = np.nan
    if facts.other_department_only:
        codes: dict[str, int] = {"": -1}
        mine = np.array(
            [
                codes.setdefault(facts.mentees[e].department.strip().casefold(), len(codes))
                for e in mentee_ids
            ]
        )
        theirs = np.array(
            [codes.setdefault(o.department.strip().casefold(), len(codes)) for o in mentors]
        )
        matrix[(mine[:, None] == theirs[None, :]) & (mine[:, None] >= 0)] = np.nan
    unavailable = [j for j, o in enumerate(mentors) if o.away or not o.accepting]
    matrix[:, unavailable] = np.nan
    return mentee_ids, mentor_ids, matrix


def pair_score(
    facts: RoundFacts, mentee_id: int, mentor_id: int, weights: Mapping[str, float]
) -> Score:
    """One pair's weighted score with its reasons."""
    return compatibility(
        facts.mentees[mentee_id], facts.mentors[mentor_id], reverse=facts.reverse, weights=weights
    )


def clean_weights(raw: Mapping[str, object]) -> dict[str, float]:
    """A weight per part within WEIGHT_RANGE; anything else is refused with the part's name."""
    weights: dict[str, float] = {}
    low, high = WEIGHT_RANGE
    for name, label in PARTS.items():
        value = raw.get(name, 1.0)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DomainError(
                gettext("%(part)s: enter a number.") % {"part": label}, field=f"weight_{name}"
            ) from None
        if not math.isfinite(number) or not low <= number <= high:
            raise DomainError(
                gettext("%(part)s: a weight from %(low)s to %(high)s.")
                % {"part": label, "low": f"{low:g}", "high": f"{high:g}"},
                field=f"weight_{name}",
            )
        weights[name] = number
    return weights


def clean_min_score(value: object) -> float:
    """The minimum score a pair needs, from -50 to 100; anything else is refused."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DomainError(gettext("Minimum score: enter a number."), field="min_score") from None
    if not math.isfinite(number) or not -50 <= number <= 100:
        raise DomainError(gettext("Minimum score: a number from -50 to 100."), field="min_score")
    return number


def swap_candidates(
    *,
    facts: RoundFacts,
    proposals: list[Proposal],
    mentee_id: int,
    weights: Mapping[str, float],
    blocked: frozenset[tuple[int, int]],
) -> list[Candidate]:
    """Every mentor for one mentee, best first, with the score and the room left in the round."""
    load = mentor_load(p for p in proposals if p.mentee_id != mentee_id)
    found = []
    for mentor_id, mentor in facts.mentors.items():
        if facts.users.get(mentor_id) == facts.users.get(mentee_id):
            continue  # the same person (a participant id is not a user id)
        found.append(
            Candidate(
                mentor_id=mentor_id,
                name=facts.names[mentor_id],
                score=pair_score(facts, mentee_id, mentor_id, weights),
                refused=pair_refusal(facts, mentee_id, mentor_id, blocked),
                room_left=max(0, mentor.room) - load[mentor_id],
            )
        )
    found.sort(key=lambda c: (bool(c.refused), c.room_left <= 0, -c.score.total, c.name))
    return found


def round_total(value: float) -> float:
    """A run's figure as it is kept (four decimals)."""
    return round(value, 4)
