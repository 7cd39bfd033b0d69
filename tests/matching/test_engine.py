"""The matching engine: hand-checked rounds, the LP optimum on random ones, rules never broken.

Plain pytest, no database: the engine is pure. The reference optima come from HiGHS
(scipy's ``linprog(method="highs")``) on the transportation LP, whose optimum is integral.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

from matching.engine import (
    Assignment,
    Candidates,
    UnmatchedReason,
    blocking_pairs,
    deferred_acceptance,
    greedy,
    solve,
    top_k_candidates,
)

NAN = np.nan


# ---------------------------------------------------------------------------
# A reference written apart from the engine: HiGHS on the LP
# ---------------------------------------------------------------------------
def allowed_pairs(scores, *, min_score=None, blocked=(), pinned=()):
    """(mentee, mentor, score) of the pairs the engine may choose, pinned mentees left out."""
    pinned_mentees = {i for i, _ in pinned}
    out = []
    for i, j in zip(*np.nonzero(~np.isnan(scores)), strict=True):
        s = float(scores[i, j])
        if i in pinned_mentees or (i, j) in blocked or (min_score is not None and s < min_score):
            continue
        out.append((int(i), int(j), s))
    return out


def room_after_pins(capacities, pinned):
    room = np.array(capacities, dtype=float)
    for _, j in pinned:
        room[j] -= 1
    return room


def lp(pairs, n_mentees, room, weights, *, count_at_least=None):
    """Maximise sum(weights * x) over the transportation polytope; returns (value, x)."""
    if not pairs:
        return 0.0, np.zeros(0)
    e = len(pairs)
    rows = [p[0] for p in pairs]
    cols = [p[1] for p in pairs]
    mentee_rows = csr_matrix((np.ones(e), (rows, range(e))), shape=(n_mentees, e))
    mentor_rows = csr_matrix((np.ones(e), (cols, range(e))), shape=(len(room), e))
    a_ub = vstack([mentee_rows, mentor_rows])
    b_ub = np.concatenate([np.ones(n_mentees), room])
    if count_at_least is not None:
        a_ub = vstack([a_ub, csr_matrix(-np.ones((1, e)))])
        b_ub = np.append(b_ub, -count_at_least)
    result = linprog(-np.asarray(weights), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    assert result.status == 0, result.message
    return -result.fun, result.x


def lp_total(scores, capacities, **rules):
    """Best total: the LP optimum plus the pinned pairs."""
    pinned = rules.get("pinned", ())
    pairs = allowed_pairs(scores, **rules)
    value, _ = lp(
        pairs, scores.shape[0], room_after_pins(capacities, pinned), [max(p[2], 0) for p in pairs]
    )
    return value + sum(float(scores[i, j]) for i, j in pinned)


def lp_coverage(scores, capacities, *, floor=None, **rules):
    """(most mentees matched, best total among those) on the pairs scoring at least ``floor``;
    both include the pins."""
    pinned = rules.get("pinned", ())
    pairs = [p for p in allowed_pairs(scores, **rules) if floor is None or p[2] >= floor]
    room = room_after_pins(capacities, pinned)
    count, _ = lp(pairs, scores.shape[0], room, [1.0] * len(pairs))
    count = round(count)
    total, _ = lp(pairs, scores.shape[0], room, [p[2] for p in pairs], count_at_least=count)
    return count + len(pinned), total + sum(float(scores[i, j]) for i, j in pinned)


def lp_fairness(scores, capacities, **rules):
    """(count, lowest score, total): try every score as the floor, the highest that keeps the count."""
    count, _ = lp_coverage(scores, capacities, **rules)
    pairs = allowed_pairs(scores, **rules)
    if count == 0:
        return 0, None, lp_coverage(scores, capacities, **rules)[1]
    for floor in sorted({p[2] for p in pairs}, reverse=True):
        floor_count, total = lp_coverage(scores, capacities, floor=floor, **rules)
        if floor_count == count:
            return count, floor, total
    raise AssertionError("no floor keeps the count")


# ---------------------------------------------------------------------------
# Checks every result must pass
# ---------------------------------------------------------------------------
def assert_rules_hold(
    result: Assignment, scores, capacities, *, min_score=None, blocked=(), pinned=()
):
    mentees = [p.mentee for p in result.pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    load = np.bincount([p.mentor for p in result.pairs], minlength=len(capacities))
    assert (load <= np.asarray(capacities)).all(), "capacity exceeded"
    assert tuple(load) == result.round_load
    chosen = {(p.mentee, p.mentor) for p in result.pairs}
    assert set(pinned) <= chosen, "a pin was dropped"
    for pair in result.pairs:
        assert not np.isnan(scores[pair.mentee, pair.mentor]), "an unscored pair"
        assert pair.score == scores[pair.mentee, pair.mentor]
        assert (pair.mentee, pair.mentor) not in blocked, "a blocked pair"
        if (pair.mentee, pair.mentor) not in pinned and min_score is not None:
            assert pair.score >= min_score, "a pair below the minimum score"
    assert sorted(mentees + [u.mentee for u in result.unmatched]) == list(range(scores.shape[0]))
    assert result.total == pytest.approx(sum(p.score for p in result.pairs))


def random_round(rng: np.random.Generator, *, max_mentees=60, max_mentors=15, skew=0.0):
    """Scores in thousandths (so scaling by 1000 is exact), with holes, blocks, pins, a minimum."""
    n = int(rng.integers(1, max_mentees + 1))
    m = int(rng.integers(1, max_mentors + 1))
    scores = rng.integers(-2000, 10000, size=(n, m)) / 1000 + skew * rng.exponential(size=m)
    scores = np.round(scores, 3)
    scores[rng.random((n, m)) < 0.2] = NAN
    capacities = rng.integers(0, 4, size=m)
    blocked = {
        (int(i), int(j)) for i, j in zip(*np.nonzero(rng.random((n, m)) < 0.05), strict=True)
    }
    min_score = float(rng.integers(0, 4)) if rng.random() < 0.5 else None
    pinned: set[tuple[int, int]] = set()
    room = capacities.copy()
    for i in rng.permutation(n)[: int(rng.integers(0, 4))]:
        options = [
            j
            for j in range(m)
            if room[j] > 0 and not np.isnan(scores[i, j]) and (i, j) not in blocked
        ]
        if options:
            j = int(rng.choice(options))
            pinned.add((int(i), j))
            room[j] -= 1
    return scores, capacities, {"min_score": min_score, "blocked": blocked, "pinned": pinned}


# ---------------------------------------------------------------------------
# Tiny rounds, checked by hand
# ---------------------------------------------------------------------------
def test_total_beats_greedy_on_a_crossed_pair():
    # Mentee 0 likes mentor 0 (10) a little more than mentor 1 (9); mentee 1 likes mentor 0
    # (9) far more than mentor 1 (1). Greedy takes the single best pair (0, 0) first and
    # leaves mentee 1 with 1: 11. Crossing them gives 9 + 9 = 18, the best of the two
    # full assignments (and better than any with one mentee unmatched).
    scores = np.array([[10.0, 9.0], [9.0, 1.0]])
    capacities = np.array([1, 1])

    best = solve(scores, capacities)
    baseline = greedy(scores, capacities)

    assert best.pairs == [(0, 1, 9.0), (1, 0, 9.0)]
    assert best.total == 18.0
    assert baseline.total == 11.0
    assert best.top_choice_count == 1  # mentee 1 got its best; mentee 0 did not


def test_a_mentor_with_capacity_two_takes_two():
    # One mentor with two places, three mentees scoring 5, 3 and 4: the best total takes
    # the 5 and the 4; mentee 1 is unmatched because the places went to the others.
    scores = np.array([[5.0], [3.0], [4.0]])

    result = solve(scores, np.array([2]))

    assert result.pairs == [(0, 0, 5.0), (2, 0, 4.0)]
    assert result.round_load == (2,)
    assert [(u.mentee, u.reason) for u in result.unmatched] == [(1, UnmatchedReason.MENTORS_FULL)]


def test_coverage_matches_more_mentees_than_total():
    # Mentor 0 fits mentee 0 (10) and mentee 1 (8); mentor 1 fits only mentee 0 (1).
    # Best total: (0, 0) alone = 10, since (0, 1) + (1, 0) = 9. Coverage matches both
    # mentees for 9. Greedy takes (0, 0) first and matches one, like total.
    scores = np.array([[10.0, 1.0], [8.0, NAN]])
    capacities = np.array([1, 1])

    total = solve(scores, capacities)
    coverage = solve(scores, capacities, objective="coverage")

    assert total.pairs == [(0, 0, 10.0)]
    assert coverage.pairs == [(0, 1, 1.0), (1, 0, 8.0)]
    assert greedy(scores, capacities).matched_count == 1


def test_fairness_raises_the_lowest_score():
    # Both full assignments match two mentees: straight (10 + 1 = 11, lowest 1) and crossed
    # (4 + 6 = 10, lowest 4). Coverage prefers the higher total, straight; fairness the
    # higher lowest score, crossed. Greedy takes 10 first and ends with the 1.
    scores = np.array([[10.0, 4.0], [6.0, 1.0]])
    capacities = np.array([1, 1])

    coverage = solve(scores, capacities, objective="coverage")
    fairness = solve(scores, capacities, objective="fairness")

    assert coverage.pairs == [(0, 0, 10.0), (1, 1, 1.0)]
    assert coverage.lowest_score == 1.0
    assert fairness.pairs == [(0, 1, 4.0), (1, 0, 6.0)]
    assert fairness.lowest_score == 4.0
    assert greedy(scores, capacities).lowest_score == 1.0


def test_fairness_then_maximises_the_total():
    # Mentee 1 scores 5 with every mentor, so no assignment of both has a floor above 5.
    # Among those with floor 5, mentee 0 takes mentor 1 (9): total 14, not 10 or 12.
    scores = np.array([[5.0, 9.0, 7.0], [5.0, 5.0, 5.0]])

    result = solve(scores, np.array([1, 1, 1]), objective="fairness")

    assert result.lowest_score == 5.0
    assert result.total == 14.0
    assert result.mentor_of()[0] == 1


def test_total_leaves_a_mentee_out_rather_than_lower_the_total():
    scores = np.array([[-1.0, 0.0, NAN]])

    result = solve(scores, np.array([1, 1, 1]))

    assert result.pairs == []
    assert result.unmatched[0].reason == UnmatchedReason.NO_GAIN


def test_coverage_takes_a_negative_score_to_match_one_more_mentee():
    result = solve(np.array([[-1.0]]), np.array([1]), objective="coverage")

    assert result.pairs == [(0, 0, -1.0)]


def test_unmatched_reasons_tell_the_cases_apart():
    scores = np.array(
        [
            [NAN, NAN, NAN],  # 0: nothing scored
            [5.0, NAN, NAN],  # 1: its one pair is blocked
            [1.0, 2.0, NAN],  # 2: every pair below the minimum of 3
            [NAN, NAN, 9.0],  # 3: its one mentor has no room at all
            [8.0, NAN, NAN],  # 4: its one mentor's place goes to mentee 5
            [9.0, NAN, NAN],  # 5: matched
        ]
    )

    result = solve(scores, np.array([1, 1, 0]), min_score=3.0, blocked={(1, 0)})

    reasons = {u.mentee: u.reason for u in result.unmatched}
    assert reasons == {
        0: UnmatchedReason.NO_CANDIDATES,
        1: UnmatchedReason.ALL_BLOCKED,
        2: UnmatchedReason.BELOW_MIN_SCORE,
        3: UnmatchedReason.NO_ROOM,
        4: UnmatchedReason.MENTORS_FULL,
    }
    assert "minimum score of 3" in next(u.words for u in result.unmatched if u.mentee == 2)
    assert result.pairs == [(5, 0, 9.0)]


def test_pins_are_kept_and_use_capacity():
    # Without the pin, mentee 0 would take mentor 0 (10). Pinned to mentor 1, it leaves
    # mentor 0 to mentee 1; mentor 1's one place is the pin's, so mentee 2 is unmatched.
    scores = np.array([[10.0, 1.0], [7.0, NAN], [NAN, 6.0]])

    result = solve(scores, np.array([1, 1]), pinned={(0, 1)})

    assert result.pairs == [(0, 1, 1.0), (1, 0, 7.0)]
    assert result.unmatched[0].mentee == 2


def test_a_pin_below_the_minimum_score_is_kept():
    result = solve(np.array([[1.0, 9.0]]), np.array([1, 1]), min_score=5.0, pinned={(0, 0)})

    assert result.pairs == [(0, 0, 1.0)]


def test_top_choice_count_counts_ties_as_top():
    scores = np.array([[5.0, 5.0], [5.0, 1.0]])

    result = solve(scores, np.array([1, 1]))

    assert result.pairs == [(0, 1, 5.0), (1, 0, 5.0)]
    assert result.top_choice_count == 2


def test_candidates_are_the_best_per_mentee_with_ties_to_the_lower_index():
    scores = np.array([[1.0, 3.0, 3.0, NAN, 3.0], [NAN, NAN, NAN, NAN, 2.0]])

    candidates = top_k_candidates(scores, 2)

    assert list(zip(candidates.rows, candidates.cols, candidates.values, strict=True)) == [
        (0, 1, 3.0),
        (0, 2, 3.0),
        (1, 4, 2.0),
    ]
    assert candidates.best_outside is not None
    assert candidates.best_outside[0] == 3.0
    assert np.isnan(candidates.best_outside[1])


# ---------------------------------------------------------------------------
# Random rounds against HiGHS
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(30))
def test_total_equals_the_lp_optimum(seed):
    scores, capacities, rules = random_round(np.random.default_rng(seed))

    result = solve(scores, capacities, **rules)

    assert_rules_hold(result, scores, capacities, **rules)
    assert result.total == pytest.approx(lp_total(scores, capacities, **rules), abs=1e-6)
    assert result.proven_optimal
    again = solve(scores, capacities, **rules)
    assert again.pairs == result.pairs
    assert again.unmatched == result.unmatched


@pytest.mark.parametrize("seed", range(30))
def test_coverage_equals_the_lp_optimum(seed):
    scores, capacities, rules = random_round(np.random.default_rng(100 + seed))

    result = solve(scores, capacities, objective="coverage", **rules)

    count, total = lp_coverage(scores, capacities, **rules)
    assert_rules_hold(result, scores, capacities, **rules)
    assert result.matched_count == count
    assert result.total == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_fairness_equals_the_lp_optimum(seed):
    scores, capacities, rules = random_round(
        np.random.default_rng(200 + seed), max_mentees=25, max_mentors=8
    )
    rules["pinned"] = set()  # pins do not count towards the floor; keep the reference simple

    result = solve(scores, capacities, objective="fairness", **rules)

    count, floor, total = lp_fairness(scores, capacities, **rules)
    assert_rules_hold(result, scores, capacities, **rules)
    assert result.matched_count == count
    assert result.lowest_score == floor
    assert result.total == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_coverage_matches_at_least_as_many_and_fairness_lifts_the_lowest(seed):
    scores, capacities, rules = random_round(np.random.default_rng(300 + seed))
    rules["pinned"] = set()

    total = solve(scores, capacities, **rules)
    coverage = solve(scores, capacities, objective="coverage", **rules)
    fairness = solve(scores, capacities, objective="fairness", **rules)

    assert coverage.matched_count >= total.matched_count
    assert coverage.total <= total.total + 1e-9
    assert fairness.matched_count == coverage.matched_count
    if coverage.pairs:
        assert fairness.lowest_score >= coverage.lowest_score


@pytest.mark.parametrize("seed", range(15))
def test_candidates_input_equals_dense_input(seed):
    scores, capacities, rules = random_round(np.random.default_rng(400 + seed))
    rows, cols = np.nonzero(~np.isnan(scores))
    candidates = Candidates(rows, cols, scores[rows, cols], scores.shape)

    for objective in ("total", "coverage", "fairness"):
        sparse = solve(candidates, capacities, objective=objective, **rules)
        dense = solve(scores, capacities, objective=objective, **rules)
        assert sparse.total == pytest.approx(dense.total, abs=1e-9)
        assert sparse.matched_count == dense.matched_count
        assert sparse.unmatched == dense.unmatched


# ---------------------------------------------------------------------------
# Short candidate lists keep the optimum
# ---------------------------------------------------------------------------
def popular_round(seed: int):
    """Everyone's favourites are the same few mentors, with little room: short lists run dry."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 60)), int(rng.integers(8, 20))
    popularity = np.round(rng.exponential(3.0, size=m), 1)
    scores = np.round(rng.integers(0, 40, size=(n, m)) / 10 + popularity, 1)
    scores[rng.random((n, m)) < 0.1] = NAN
    capacities = rng.integers(1, 3, size=m)
    return scores, capacities


@pytest.mark.parametrize("objective", ["total", "coverage", "fairness"])
def test_short_candidate_lists_give_the_dense_optimum(objective):
    grew = 0
    for seed in range(15):
        scores, capacities = popular_round(seed)

        short = solve(scores, capacities, objective=objective, candidates_per_mentee=2)
        dense = solve(
            scores, capacities, objective=objective, candidates_per_mentee=scores.shape[1]
        )

        assert_rules_hold(short, scores, capacities)
        assert short.matched_count == dense.matched_count
        if objective == "fairness":
            assert short.lowest_score == dense.lowest_score
        assert short.total == pytest.approx(dense.total, abs=1e-9)
        grew += short.added_pairs > 0
        if objective == "total":
            assert short.total == pytest.approx(lp_total(scores, capacities), abs=1e-6)
    assert grew, "no round needed pairs off the lists: the test proves nothing"


@pytest.mark.parametrize("seed", range(20))
def test_short_lists_with_pins_blocks_and_a_minimum_give_the_lp_optimum(seed):
    scores, capacities, rules = random_round(np.random.default_rng(500 + seed))
    rows, cols = np.nonzero(~np.isnan(scores))
    candidates = Candidates(rows, cols, scores[rows, cols], scores.shape)

    for source in (scores, candidates):
        total = solve(source, capacities, candidates_per_mentee=1, **rules)
        coverage = solve(source, capacities, objective="coverage", candidates_per_mentee=1, **rules)

        assert_rules_hold(total, scores, capacities, **rules)
        assert_rules_hold(coverage, scores, capacities, **rules)
        assert total.total == pytest.approx(lp_total(scores, capacities, **rules), abs=1e-6)
        assert (coverage.matched_count, coverage.total) == pytest.approx(
            lp_coverage(scores, capacities, **rules), abs=1e-6
        )
        assert total.proven_optimal and coverage.proven_optimal


def test_short_lists_stay_optimal_over_many_small_rounds():
    # A hundred more rounds, lists of 1 to 3: among them one where pairs added by the proof
    # made the old answer improvable without a cycle (a mentee could move to a mentor with
    # room), which prices must catch by being negative.
    for seed in range(10300, 10400):
        rng = np.random.default_rng(seed)
        scores, capacities, rules = random_round(rng, max_mentees=40, max_mentors=12)
        k = int(rng.integers(1, 4))

        total = solve(scores, capacities, candidates_per_mentee=k, **rules)
        coverage = solve(scores, capacities, objective="coverage", candidates_per_mentee=k, **rules)

        assert total.total == pytest.approx(lp_total(scores, capacities, **rules), abs=1e-6)
        assert (coverage.matched_count, coverage.total) == pytest.approx(
            lp_coverage(scores, capacities, **rules), abs=1e-6
        ), seed


def test_lists_cut_short_for_good_can_miss_the_optimum_and_say_so():
    # Why the engine adds pairs off the lists: the listed pairs alone are sometimes worse,
    # and solving Candidates that cannot be read further says so instead of claiming the
    # optimum.
    missed = 0
    for seed in range(15):
        scores, capacities = popular_round(seed)
        best = solve(scores, capacities).total
        listed = top_k_candidates(scores, 2)
        blind = Candidates(listed.rows, listed.cols, listed.values, listed.shape)

        cut = solve(blind, capacities)
        flagged = solve(listed, capacities)

        missed += cut.total < best - 1e-9
        assert flagged.total == pytest.approx(cut.total)
        assert flagged.proven_optimal or flagged.total < best - 1e-9
        if flagged.proven_optimal:
            assert flagged.total == pytest.approx(best)
    assert missed


# ---------------------------------------------------------------------------
# Greedy
# ---------------------------------------------------------------------------
def reference_greedy(scores, capacities):
    room = list(capacities)
    taken = set()
    out = []
    pairs = sorted(
        (-scores[i, j], i, j) for i, j in zip(*np.nonzero(~np.isnan(scores)), strict=True)
    )
    for neg, i, j in pairs:
        if i not in taken and room[j] > 0:
            room[j] -= 1
            taken.add(i)
            out.append((int(i), int(j), float(-neg)))
    return sorted(out)


@pytest.mark.parametrize("seed", range(10))
def test_greedy_takes_the_best_pair_first(seed):
    # 70 mentors: longer than greedy's first lists of 50, so mentees read further.
    scores, capacities = popular_round(seed)
    scores = np.hstack([scores, np.round(np.random.default_rng(seed).random((len(scores), 60)), 1)])
    capacities = np.concatenate([capacities, np.ones(60, dtype=int)])
    capacities[:] = np.minimum(capacities, 1)

    result = greedy(scores, capacities)

    assert [tuple(p) for p in result.pairs] == reference_greedy(scores, capacities)


# ---------------------------------------------------------------------------
# Deferred acceptance
# ---------------------------------------------------------------------------
def test_deferred_acceptance_by_hand():
    # Mentees 0 and 1 both want A first; A ranks 2 > 1 > 0. 0 proposes to A (held), 1 to A
    # (A swaps to 1), 2 to A (A swaps to 2). 0 then takes B; 1 proposes to B, which prefers
    # 0. Mentee 1 ends unmatched, and no pair blocks: A and B each hold someone they rank
    # above mentee 1.
    a, b = 0, 1
    mentee_prefs = [[a, b], [a, b], [a]]
    mentor_prefs = [[2, 1, 0], [0, 1]]

    matching = deferred_acceptance(mentee_prefs, mentor_prefs, [1, 1])

    assert matching == {0: b, 2: a}
    assert blocking_pairs(mentee_prefs, mentor_prefs, [1, 1], matching) == []


def test_deferred_acceptance_fills_capacity_with_the_mentors_favourites():
    mentee_prefs = [[0], [0], [0]]
    mentor_prefs = [[1, 2, 0]]

    assert deferred_acceptance(mentee_prefs, mentor_prefs, [2]) == {1: 0, 2: 0}


def test_a_mentee_the_mentor_did_not_rank_is_never_matched_with_it():
    assert deferred_acceptance([[0]], [[]], [3]) == {}


def test_blocking_pairs_finds_an_unstable_pair():
    mentee_prefs = [[0, 1], [0]]
    mentor_prefs = [[0, 1], [0]]

    assert blocking_pairs(mentee_prefs, mentor_prefs, [1, 1], {0: 1, 1: 0}) == [(0, 0)]


@pytest.mark.parametrize("seed", range(30))
def test_deferred_acceptance_is_stable_on_random_programs(seed):
    rng = random.Random(seed)
    n, m = rng.randint(1, 40), rng.randint(1, 10)
    mentee_prefs = [rng.sample(range(m), rng.randint(0, min(5, m))) for _ in range(n)]
    mentor_prefs = []
    for j in range(m):
        rankers = [i for i in range(n) if j in mentee_prefs[i]]
        rng.shuffle(rankers)
        mentor_prefs.append(rankers[: rng.randint(0, len(rankers))] if rankers else [])
    capacities = [rng.randint(0, 3) for _ in range(m)]

    matching = deferred_acceptance(mentee_prefs, mentor_prefs, capacities)

    assert blocking_pairs(mentee_prefs, mentor_prefs, capacities, matching) == []
    for j in range(m):
        assert list(matching.values()).count(j) <= capacities[j]
    for i, j in matching.items():
        assert j in mentee_prefs[i] and i in mentor_prefs[j]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_a_pin_on_a_blocked_pair_is_refused():
    with pytest.raises(ValueError, match="blocked"):
        solve(np.array([[1.0]]), np.array([1]), blocked={(0, 0)}, pinned={(0, 0)})


def test_a_pin_on_an_unscored_pair_is_refused():
    with pytest.raises(ValueError, match="no score"):
        solve(np.array([[NAN]]), np.array([1]), pinned={(0, 0)})


def test_pins_over_capacity_are_refused():
    with pytest.raises(ValueError, match="room for 1"):
        solve(np.array([[1.0], [2.0]]), np.array([1]), pinned={(0, 0), (1, 0)})


def test_a_mentee_pinned_twice_is_refused():
    with pytest.raises(ValueError, match="more than one"):
        solve(np.array([[1.0, 2.0]]), np.array([1, 1]), pinned={(0, 0), (0, 1)})


def test_scores_and_capacities_must_agree_on_the_mentors():
    with pytest.raises(ValueError, match="3 mentor columns but capacities has 2"):
        solve(np.ones((2, 3)), np.array([1, 1]))


@pytest.mark.parametrize(
    ("capacities", "message"), [([1.5], "integers"), ([-1], "negative"), ([[1]], "one-dimensional")]
)
def test_capacities_must_be_counts(capacities, message):
    with pytest.raises(ValueError, match=message):
        solve(np.ones((1, 1)), np.array(capacities))


def test_an_unknown_objective_is_refused():
    with pytest.raises(ValueError, match="Unknown objective"):
        solve(np.ones((1, 1)), np.array([1]), objective="speed")  # type: ignore[arg-type]


def test_a_blocked_pair_out_of_range_is_refused():
    with pytest.raises(ValueError, match="out of range"):
        solve(np.ones((1, 1)), np.array([1]), blocked={(0, 5)})


def test_candidates_listing_a_pair_twice_are_refused():
    candidates = Candidates(np.array([0, 0]), np.array([0, 0]), np.array([1.0, 2.0]), (1, 1))
    with pytest.raises(ValueError, match="twice"):
        solve(candidates, np.array([1]))
