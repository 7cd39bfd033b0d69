"""Matching rounds: a program admin runs the engine over a set of mentees, adjusts, publishes.

The facts the score needs (profiles, goal topics, contact windows) are gathered by the caller
(`meetings.directory.round_facts`: windows live in meetings) and passed in as `RoundFacts`; this
module scores the pairs with `matching.score`, solves with `matching.engine`, and writes runs,
proposals, pins and blocks. Publishing starts each mentorship through `mentorship_start`, which
locks the mentor's profile and re-checks capacity, so a mentor who filled up since the run is
reported, never overfilled.
"""

from __future__ import annotations

import math
import time as clock
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching import engine
from matching.models import (
    MatchingRound,
    MatchingRun,
    Mentorship,
    Proposal,
    RoundPreference,
    RoundRule,
)
from matching.requests import record_change
from matching.score import PARTS, MenteeFacts, MentorFacts, Score, compatibility
from matching.score import score_matrix as all_pairs_score_matrix
from matching.services import mentorship_start
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify, notify_many
from programs.models import AuditEntry, Participant, Program, Role

LIVE = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)
MAX_CHOICES = 5  # a mentee's choices in a stable round
WEIGHT_RANGE = (0.0, 5.0)
Status = MatchingRound.Status


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


@dataclass
class PublishReport:
    created: list[Mentorship] = field(default_factory=list)
    refused: list[tuple[Proposal, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Access and selectors
# ---------------------------------------------------------------------------
def _is_admin(user: User, program: Program) -> bool:
    return Participant.objects.filter(
        program=program, user=user, role=Role.ADMIN, status=Participant.Status.ACTIVE
    ).exists()


def get_round_for_admin(program: Program, pk: int) -> MatchingRound:
    """A round of this program (the caller has checked the person runs it); 404 otherwise."""
    found = MatchingRound.objects.filter(program=program, pk=pk).first()
    if found is None:
        raise Http404("No such matching round.")
    return found


def rounds_of(program: Program) -> QuerySet[MatchingRound]:
    return MatchingRound.objects.filter(program=program)


def unmatched_mentees(program: Program) -> QuerySet[Participant]:
    """Active mentees of the program without a live mentorship in it."""
    return (
        Participant.objects.filter(
            program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
        )
        .exclude(mentorships_as_mentee__status__in=LIVE)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def latest_run(matching_round: MatchingRound) -> MatchingRun | None:
    return matching_round.runs.order_by("-number").first()


def current_proposals(run: MatchingRun) -> list[Proposal]:
    """The run's proposals with both people loaded (one query)."""
    return list(
        run.proposals.select_related("mentee__user", "mentor__user").order_by(
            "mentee__user__full_name", "mentee__user__email", "pk"
        )
    )


def mentor_load(proposals: Iterable[Proposal]) -> Counter[int]:
    """How many mentees each mentor gets in these proposals."""
    return Counter(p.mentor_id for p in proposals if p.mentor_id is not None)


# ---------------------------------------------------------------------------
# Scoring (pure)
# ---------------------------------------------------------------------------
def pair_refusal(
    facts: RoundFacts, mentee_id: int, mentor_id: int, blocked: frozenset[tuple[int, int]]
) -> str:
    """Why this pair may not be matched, or "" when it may. Pure."""
    if facts.users.get(mentee_id) == facts.users.get(mentor_id):
        return "the same person"
    if (mentee_id, mentor_id) in facts.live_pairs:
        return "already working together"
    if (mentee_id, mentor_id) in blocked:
        return "blocked by an admin"
    if facts.other_department_only:
        mine = facts.mentees[mentee_id].department.strip().casefold()
        theirs = facts.mentors[mentor_id].department.strip().casefold()
        if mine and mine == theirs:
            return "same department (this program matches across departments)"
    mentor = facts.mentors[mentor_id]
    if mentor.away or not mentor.accepting:
        return "away" if mentor.away else "not taking new mentees"
    return ""


def score_matrix(
    facts: RoundFacts,
    *,
    weights: Mapping[str, float],
    blocked: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[list[int], list[int], np.ndarray]:
    """Mentee ids, mentor ids and their weighted scores; NaN where ``pair_refusal`` refuses
    the pair (the same checks, on whole rows and columns at once)."""
    mentee_ids, mentor_ids = list(facts.mentees), list(facts.mentors)
    mentors = [facts.mentors[m] for m in mentor_ids]
    matrix = all_pairs_score_matrix(
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
            raise DomainError(f"{label}: enter a number.", field=f"weight_{name}") from None
        if not math.isfinite(number) or not low <= number <= high:
            raise DomainError(
                f"{label}: a weight from {low:g} to {high:g}.", field=f"weight_{name}"
            )
        weights[name] = number
    return weights


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
def _audit(matching_round: MatchingRound, actor: User, action: str, **detail: object) -> None:
    AuditEntry.objects.create(
        program=matching_round.program,
        actor=actor,
        action=action,
        subject=matching_round.name[:200],
        detail=detail,
    )


def _lock(matching_round: MatchingRound, actor: User) -> MatchingRound:
    locked = (
        MatchingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if not _is_admin(actor, locked.program):
        raise DomainError("Only this program's admins can change its matching rounds.")
    return locked


def _require_open(matching_round: MatchingRound) -> None:
    if not matching_round.is_open:
        raise DomainError(
            f"This round is {matching_round.get_status_display().lower()}; start a new round to match again."
        )


@transaction.atomic
def round_create(
    *,
    program: Program,
    actor: User,
    name: str,
    mentee_ids: Iterable[int] | None = None,
    weights: Mapping[str, object] | None = None,
    min_score: float = 1.0,
    objective: str = MatchingRound.Objective.TOTAL,
    method: str = MatchingRound.Method.OPTIMAL,
) -> MatchingRound:
    """A draft round for the program's unmatched mentees, or the chosen ones among them.
    A stable round asks its mentees and the program's mentors for their preferences."""
    if not _is_admin(actor, program):
        raise DomainError("Only this program's admins can start a matching round.")
    if not Program.MatchingMode(program.matching_mode).admins_match:
        raise DomainError(
            f"In {program.name} mentees choose their mentors; switch the program's matching "
            "setting to admin rounds (or both) to run a round.",
            field="name",
        )
    name = name.strip()
    if not name:
        raise DomainError("Give the round a name.", field="name")
    candidates = unmatched_mentees(program)
    if mentee_ids is not None:
        wanted = set(mentee_ids)
        chosen = list(candidates.filter(pk__in=wanted))
        if len(chosen) != len(wanted):
            raise DomainError(
                "Choose among the program's active mentees who have no mentor yet.",
                field="mentees",
            )
    else:
        chosen = list(candidates)
    if not chosen:
        raise DomainError("Every active mentee already has a mentor.", field="mentees")
    if objective not in MatchingRound.Objective.values:
        raise DomainError("Choose what to maximise.", field="objective")
    if method not in MatchingRound.Method.values:
        raise DomainError("Choose how to match.", field="method")
    matching_round = MatchingRound.objects.create(
        program=program,
        name=name[:120],
        created_by=actor,
        weights=clean_weights(weights or {}),
        min_score=_clean_min_score(min_score),
        objective=objective,
        method=method,
    )
    matching_round.mentees.set(chosen)
    _audit(matching_round, actor, "matching_round_created", mentees=len(chosen))
    if method == MatchingRound.Method.STABLE:
        _ask_for_preferences(matching_round, chosen)
    return matching_round


def _clean_min_score(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DomainError("Minimum score: enter a number.", field="min_score") from None
    if not math.isfinite(number) or not -50 <= number <= 100:
        raise DomainError("Minimum score: a number from -50 to 100.", field="min_score")
    return number


def _ask_for_preferences(matching_round: MatchingRound, mentees: list[Participant]) -> None:
    link = reverse(
        "meetings:round_preferences",
        kwargs={"slug": matching_round.program.slug, "pk": matching_round.pk},
    )
    mentors = Participant.objects.filter(
        program=matching_round.program, role=Role.MENTOR, status=Participant.Status.ACTIVE
    ).select_related("user")
    notify_many(
        recipients=[p.user for p in mentees],
        kind=Notification.Kind.MENTORSHIP,
        title=f"{matching_round.program.name}: choose up to {MAX_CHOICES} mentors",
        body="Rank the mentors you would most like to work with; the round matches everyone at once.",
        link=link,
    )
    notify_many(
        recipients=[p.user for p in mentors],
        kind=Notification.Kind.MENTORSHIP,
        title=f"{matching_round.program.name}: rank the mentees who chose you",
        body="Once mentees have chosen, put those who asked for you in your order of preference.",
        link=link,
    )


# ---------------------------------------------------------------------------
# Preferences (stable rounds)
# ---------------------------------------------------------------------------
def preference_role(matching_round: MatchingRound, user: User) -> Participant | None:
    """The person's part in a stable round: a mentee of the round, else an active mentor of
    the program; None for anyone else."""
    if matching_round.method != MatchingRound.Method.STABLE:
        return None
    mine = Participant.objects.filter(
        program=matching_round.program, user=user, status=Participant.Status.ACTIVE
    ).select_related("user", "program")
    mentee = mine.filter(role=Role.MENTEE, pk__in=matching_round.mentees.values("pk")).first()
    return mentee or mine.filter(role=Role.MENTOR).first()


def preferences_of(matching_round: MatchingRound, chooser: Participant) -> list[int]:
    """Whom this person ranked, first choice first."""
    return list(
        matching_round.preferences.filter(chooser=chooser)
        .order_by("rank")
        .values_list("chosen_id", flat=True)
    )


def chosen_by(matching_round: MatchingRound, mentor: Participant) -> QuerySet[Participant]:
    """The round's mentees who put this mentor among their choices."""
    return (
        Participant.objects.filter(
            pk__in=matching_round.preferences.filter(chosen=mentor).values("chooser_id")
        )
        .filter(pk__in=matching_round.mentees.values("pk"))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def _replace_preferences(
    matching_round: MatchingRound, chooser: Participant, ranked: list[int]
) -> None:
    RoundPreference.objects.filter(round=matching_round, chooser=chooser).delete()
    RoundPreference.objects.bulk_create(
        RoundPreference(round=matching_round, chooser=chooser, chosen_id=pk, rank=rank)
        for rank, pk in enumerate(ranked, start=1)
    )


def _lock_for_preferences(matching_round: MatchingRound) -> MatchingRound:
    locked = (
        MatchingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if locked.method != MatchingRound.Method.STABLE or locked.status != Status.DRAFT:
        raise DomainError("This round no longer takes preferences: it has been run or closed.")
    return locked


@transaction.atomic
def mentee_preferences_save(
    *, matching_round: MatchingRound, mentee: Participant, mentor_ids: list[int]
) -> None:
    """A mentee's choices, first first: 1 to MAX_CHOICES different active mentors."""
    matching_round = _lock_for_preferences(matching_round)
    if not matching_round.mentees.filter(pk=mentee.pk).exists():
        raise DomainError("Only the mentees in this round choose mentors in it.")
    if not mentor_ids:
        raise DomainError("Choose at least one mentor.", field="choice_1")
    if len(mentor_ids) > MAX_CHOICES:
        raise DomainError(f"Choose at most {MAX_CHOICES} mentors.", field="choice_1")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise DomainError("Each mentor can be chosen once.", field="choice_1")
    mentors = Participant.objects.filter(
        pk__in=mentor_ids,
        program=matching_round.program,
        role=Role.MENTOR,
        status=Participant.Status.ACTIVE,
    ).exclude(user_id=mentee.user_id)
    if mentors.count() != len(mentor_ids):
        raise DomainError("Choose among the program's active mentors.", field="choice_1")
    _replace_preferences(matching_round, mentee, mentor_ids)


@transaction.atomic
def mentor_preferences_save(
    *, matching_round: MatchingRound, mentor: Participant, mentee_ids: list[int]
) -> None:
    """A mentor's order of the mentees who chose them; the ones left out are not a fit."""
    matching_round = _lock_for_preferences(matching_round)
    if mentor.role != Role.MENTOR or mentor.program_id != matching_round.program_id:
        raise DomainError("Only the program's mentors rank mentees in this round.")
    if len(set(mentee_ids)) != len(mentee_ids):
        raise DomainError("Give each mentee a different place.", field="ranking")
    allowed = set(chosen_by(matching_round, mentor).values_list("pk", flat=True))
    if not set(mentee_ids) <= allowed:
        raise DomainError("Rank only the mentees who chose you.", field="ranking")
    _replace_preferences(matching_round, mentor, mentee_ids)
    matching_round.mentors_ranked.add(mentor)


@transaction.atomic
def round_settings_save(
    *,
    matching_round: MatchingRound,
    actor: User,
    weights: Mapping[str, object],
    min_score: object,
    objective: str,
) -> MatchingRound:
    """The parameters of the next run."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    if objective not in MatchingRound.Objective.values:
        raise DomainError("Choose what to maximise.", field="objective")
    matching_round.weights = clean_weights(weights)
    matching_round.min_score = _clean_min_score(min_score)
    matching_round.objective = objective
    matching_round.save(update_fields=["weights", "min_score", "objective", "updated_at"])
    return matching_round


def _rules(matching_round: MatchingRound) -> tuple[dict[int, int], frozenset[tuple[int, int]]]:
    pins: dict[int, int] = {}
    blocked: set[tuple[int, int]] = set()
    for kind, mentee_id, mentor_id in matching_round.rules.values_list(
        "kind", "mentee_id", "mentor_id"
    ):
        if kind == RoundRule.Kind.PIN:
            pins[mentee_id] = mentor_id
        else:
            blocked.add((mentee_id, mentor_id))
    return pins, frozenset(blocked)


@transaction.atomic
def round_run(*, matching_round: MatchingRound, actor: User, facts: RoundFacts) -> MatchingRun:
    """Solve the round with its parameters, pins and blocks; keep the run and its proposals."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    if not facts.mentees:
        raise DomainError("None of this round's mentees is still waiting for a mentor.")
    weights = clean_weights(matching_round.weights)
    pins, blocked = _rules(matching_round)
    started = clock.perf_counter()
    # Blocks go to the engine as such, so an unmatched mentee's reason can name them.
    mentee_ids, mentor_ids, matrix = score_matrix(facts, weights=weights)
    row = {pid: i for i, pid in enumerate(mentee_ids)}
    col = {pid: j for j, pid in enumerate(mentor_ids)}
    blocked_cells = {
        (row[mentee_id], col[mentor_id])
        for mentee_id, mentor_id in blocked
        if mentee_id in row and mentor_id in col
    }
    pinned = set()
    for mentee_id, mentor_id in pins.items():
        if mentee_id not in row or mentor_id not in col:
            continue  # one of the two left the program or was matched meanwhile
        i, j = row[mentee_id], col[mentor_id]
        if math.isnan(matrix[i, j]) or (i, j) in blocked_cells:
            reason = pair_refusal(facts, mentee_id, mentor_id, blocked)
            raise DomainError(
                f"The pin of {facts.names[mentee_id]} to {facts.names[mentor_id]} no longer "
                f"holds ({reason}); unpin it and run again."
            )
        pinned.add((i, j))
    capacities = np.array([max(0, facts.mentors[m].room) for m in mentor_ids], dtype=np.int64)
    for j, room in enumerate(capacities):
        held = sorted(facts.names[mentee_ids[i]] for i, pinned_j in pinned if pinned_j == j)
        if len(held) > room:
            raise DomainError(
                f"{facts.names[mentor_ids[j]]} has room for {room} now, but "
                f"{', '.join(held)} {'is' if len(held) == 1 else 'are'} pinned to them; "
                "unpin or move one and run again."
            )
    if matching_round.method == MatchingRound.Method.STABLE:
        outcome = _solve_stable(
            matching_round, mentee_ids, mentor_ids, matrix, capacities, blocked_cells, pinned
        )
    else:
        try:
            result = engine.solve(
                matrix,
                capacities,
                min_score=matching_round.min_score,
                blocked=blocked_cells,
                pinned=pinned,
                objective=cast(engine.Objective, matching_round.objective),
            )
        except ValueError as exc:
            raise DomainError(f"The pins cannot all hold: {exc}") from None
        outcome = _Outcome(
            pairs=[(pair.mentee, pair.mentor) for pair in result.pairs],
            unmatched=[(u.mentee, u.words) for u in result.unmatched],
            top_choice=result.top_choice_count,
        )
    seconds = clock.perf_counter() - started
    number = (
        matching_round.runs.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    run = MatchingRun.objects.create(
        round=matching_round,
        number=number,
        created_by=actor,
        weights=weights,
        min_score=matching_round.min_score,
        objective=matching_round.objective,
        total_score=round_total(float(sum(matrix[i, j] for i, j in outcome.pairs))),
        matched=len(outcome.pairs),
        unmatched=len(mentee_ids) - len(outcome.pairs),
        top_choice=outcome.top_choice,
        seconds=round_total(seconds),
    )
    proposals = []
    for i, j in outcome.pairs:
        mentee_id, mentor_id = mentee_ids[i], mentor_ids[j]
        score = pair_score(facts, mentee_id, mentor_id, weights)
        proposals.append(
            Proposal(
                run=run,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                score=score.total,
                reasons=list(score.reasons),
            )
        )
    for i, words in outcome.unmatched:
        proposals.append(Proposal(run=run, mentee_id=mentee_ids[i], unmatched_reason=words[:200]))
    Proposal.objects.bulk_create(proposals)
    matching_round.status = Status.PROPOSED
    matching_round.save(update_fields=["status", "updated_at"])
    return run


@dataclass(frozen=True)
class _Outcome:
    pairs: list[tuple[int, int]]  # (mentee index, mentor index)
    unmatched: list[tuple[int, str]]  # (mentee index, why in words)
    top_choice: int


def _solve_stable(
    matching_round: MatchingRound,
    mentee_ids: list[int],
    mentor_ids: list[int],
    matrix: np.ndarray,
    capacities: np.ndarray,
    blocked: set[tuple[int, int]],
    pinned: set[tuple[int, int]],
) -> _Outcome:
    """Mentee-proposing deferred acceptance on the preferences people gave: no mentee and
    mentor would both rather be together than with whom they got. Pins hold first; a pair
    that is blocked or not allowed is dropped from both sides' lists."""
    row = {pid: i for i, pid in enumerate(mentee_ids)}
    col = {pid: j for j, pid in enumerate(mentor_ids)}
    pinned_mentees = {i for i, _j in pinned}

    def allowed(i: int, j: int) -> bool:
        return not math.isnan(matrix[i, j]) and (i, j) not in blocked and i not in pinned_mentees

    mentee_prefs: list[list[int]] = [[] for _ in mentee_ids]
    ranked_by_mentor: dict[int, list[int]] = {}
    for chooser, chosen in matching_round.preferences.order_by("chooser_id", "rank").values_list(
        "chooser_id", "chosen_id"
    ):
        if chooser in row and chosen in col and allowed(row[chooser], col[chosen]):
            mentee_prefs[row[chooser]].append(col[chosen])
        elif chooser in col:
            ranked_by_mentor.setdefault(col[chooser], []).append(chosen)
    answered = {
        col[m] for m in matching_round.mentors_ranked.values_list("pk", flat=True) if m in col
    }
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
            unmatched.append((i, "Ranked no mentor who can be matched with them."))
        else:
            unmatched.append(
                (i, "The mentors they ranked were full with mentees they ranked higher.")
            )
    first_choice = sum(1 for i, j in matched.items() if mentee_prefs[i] and mentee_prefs[i][0] == j)
    return _Outcome(pairs=pairs, unmatched=unmatched, top_choice=first_choice)


def round_total(value: float) -> float:
    return round(value, 4)


def _proposal_of_latest(matching_round: MatchingRound, proposal_id: int) -> Proposal:
    run = latest_run(matching_round)
    proposal = (
        run.proposals.select_related("mentee__user", "mentor__user")
        .select_for_update(of=("self",))
        .filter(pk=proposal_id)
        .first()
        if run
        else None
    )
    if proposal is None:
        raise DomainError("That proposal is not in this round's latest run; reload the page.")
    return proposal


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


@transaction.atomic
def proposal_swap(
    *,
    matching_round: MatchingRound,
    proposal_id: int,
    mentor_id: int,
    actor: User,
    facts: RoundFacts,
) -> Proposal:
    """Move a mentee to another mentor by hand; the pair is pinned so a re-run keeps it."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    if mentor_id not in facts.mentors:
        raise DomainError("Choose one of the program's active mentors.", field="mentor")
    if proposal.mentee_id not in facts.mentees:
        raise DomainError("This mentee is no longer waiting for a mentor.", field="mentor")
    _pins, blocked = _rules(matching_round)
    refusal = pair_refusal(facts, proposal.mentee_id, mentor_id, blocked)
    if refusal:
        raise DomainError(
            f"{facts.names[mentor_id]} cannot be matched here: {refusal}.", field="mentor"
        )
    others = Proposal.objects.filter(run_id=proposal.run_id, mentor_id=mentor_id).exclude(
        pk=proposal.pk
    )
    room = max(0, facts.mentors[mentor_id].room)
    if others.count() >= room:
        raise DomainError(
            f"{facts.names[mentor_id]} has no room left in this round ({room} in all): "
            "move one of their mentees elsewhere first.",
            field="mentor",
        )
    score = pair_score(facts, proposal.mentee_id, mentor_id, clean_weights(matching_round.weights))
    before = proposal.mentor_id
    proposal.mentor_id = mentor_id
    proposal.score = score.total
    proposal.reasons = list(score.reasons)
    proposal.unmatched_reason = ""
    proposal.swapped = True
    proposal.save(update_fields=["mentor", "score", "reasons", "unmatched_reason", "swapped"])
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, kind=RoundRule.Kind.PIN
    ).delete()
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.PIN,
        mentee_id=proposal.mentee_id,
        mentor_id=mentor_id,
        created_by=actor,
    )
    _audit(
        matching_round,
        actor,
        "matching_swap",
        mentee=proposal.mentee_id,
        before=before,
        after=mentor_id,
    )
    return proposal


@transaction.atomic
def proposal_pin(
    *, matching_round: MatchingRound, proposal_id: int, actor: User, pin: bool = True
) -> None:
    """Pin a proposed pair so re-runs keep it, or unpin it."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, kind=RoundRule.Kind.PIN
    ).delete()
    if not pin:
        return
    if proposal.mentor_id is None:
        raise DomainError("Only a matched pair can be pinned.")
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.PIN,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        created_by=actor,
    )


@transaction.atomic
def proposal_block(*, matching_round: MatchingRound, proposal_id: int, actor: User) -> None:
    """Never pair these two in this round (a conflict of interest, say); the mentee is
    unmatched until the next run finds someone else."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    if proposal.mentor_id is None:
        raise DomainError("Only a matched pair can be blocked.")
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id
    ).delete()
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.BLOCK,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        created_by=actor,
    )
    proposal.mentor_id = None
    proposal.score = None
    proposal.reasons = []
    proposal.unmatched_reason = "Blocked by an admin: run again to find another mentor."
    proposal.save(update_fields=["mentor", "score", "reasons", "unmatched_reason"])


@transaction.atomic
def round_publish(*, matching_round: MatchingRound, actor: User) -> PublishReport:
    """Start every proposed mentorship in one transaction and tell both people why they were
    matched. A pair whose mentor filled up (or who left) since the run is reported, not forced."""
    matching_round = _lock(matching_round, actor)
    if matching_round.status != Status.PROPOSED:
        raise DomainError(
            "Run the round before publishing it."
            if matching_round.status == Status.DRAFT
            else f"This round is {matching_round.get_status_display().lower()}."
        )
    program = matching_round.program
    if program.ends_on is not None and program.ends_on <= timezone.localdate():
        raise DomainError(
            f"{program.name} has ended (or ends today), so no new mentorships start from this "
            "round; discard it."
        )
    run = latest_run(matching_round)
    assert run is not None
    report = PublishReport()
    for proposal in current_proposals(run):
        if proposal.mentor is None:
            continue
        try:
            with transaction.atomic():  # a savepoint: one refusal leaves the others standing
                if Mentorship.objects.filter(mentee=proposal.mentee, status__in=LIVE).exists():
                    raise DomainError(
                        f"{proposal.mentee.user.get_full_name()} found a mentor since the run."
                    )
                mentorship = mentorship_start(mentor=proposal.mentor, mentee=proposal.mentee)
        except DomainError as exc:
            proposal.publish_note = str(exc)[:200]
            proposal.save(update_fields=["publish_note"])
            report.refused.append((proposal, str(exc)))
            continue
        record_change(
            mentorship=mentorship,
            actor=actor,
            from_status="",
            to_status=mentorship.status,
            note=f"Matching round: {matching_round.name}"[:200],
        )
        proposal.mentorship = mentorship
        proposal.save(update_fields=["mentorship"])
        report.created.append(mentorship)
        _tell_matched(proposal, mentorship)
    matching_round.status = Status.PUBLISHED
    matching_round.published_at = timezone.now()
    matching_round.closed_by = actor
    matching_round.save(update_fields=["status", "published_at", "closed_by", "updated_at"])
    _audit(
        matching_round,
        actor,
        "matching_round_published",
        created=len(report.created),
        refused=len(report.refused),
    )
    return report


def _tell_matched(proposal: Proposal, mentorship: Mentorship) -> None:
    assert proposal.mentor is not None
    link = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
    why = "; ".join(proposal.reasons) or "the program admins matched you"
    mentor, mentee = proposal.mentor.user, proposal.mentee.user
    notify(
        recipient=mentee,
        kind=Notification.Kind.MENTORSHIP,
        title=f"You are matched with {mentor.get_full_name()}",
        body=f"Why: {why}. Start by agreeing how you will work together.",
        link=link,
    )
    notify(
        recipient=mentor,
        kind=Notification.Kind.MENTORSHIP,
        title=f"You are matched with {mentee.get_full_name()} as their mentor",
        body=f"Why: {why}. Their shared goals are on the mentorship page.",
        link=link,
    )


@transaction.atomic
def round_discard(*, matching_round: MatchingRound, actor: User) -> MatchingRound:
    """Drop a round that is not published; nothing it proposed happens."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    matching_round.status = Status.DISCARDED
    matching_round.closed_by = actor
    matching_round.save(update_fields=["status", "closed_by", "updated_at"])
    _audit(matching_round, actor, "matching_round_discarded")
    return matching_round
