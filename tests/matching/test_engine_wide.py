"""The engine's shortcuts for wide rounds (thousands of mentors), against plain references.

With many mentors a row is not sorted whole: each mentee's best ``k`` are ranked among the
cells above a cut taken from a sample of the row (``_top_entries``), each mentor's best
mentees are kept as blocks of rows go by (``_MentorTops``), and the proof reads only the
cells above a cut from the prices (``_off_list_past_cut``). Each must give exactly what
looking at every cell gives; and a wide round solved by the engine must reach scipy's
optimum.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from matching.engine import (
    _NONE,
    Weigh,
    _DensePairs,
    _index_pairs,
    _MentorTops,
    _Prices,
    _top_entries,
    _top_of_block,
    solve,
)


def wide_block(rng: np.random.Generator, n_rows: int, n_cols: int, ties: bool) -> np.ndarray:
    if ties:
        block = rng.integers(0, 30, size=(n_rows, n_cols)) / 2.0  # halves: many ties
    else:
        block = np.round(rng.normal(5.0, 3.0, size=(n_rows, n_cols)), 3)
    block[rng.random((n_rows, n_cols)) < rng.choice([0.0, 0.05, 0.9])] = np.nan
    return block


@pytest.mark.parametrize("seed", range(12))
def test_top_entries_are_the_top_of_the_whole_row(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.choice([1, 5, 40]))
    block = wide_block(rng, int(rng.integers(1, 40)), int(rng.integers(2000, 6000)), seed % 2 == 0)
    floor = float(rng.choice([-np.inf, 3.0, 10.0]))

    rows, cols, values, outside = _top_entries(block.copy(), floor, k)

    with np.errstate(invalid="ignore"):
        allowed = block >= floor
    keep, expected_outside = _top_of_block(np.where(allowed, block, -np.inf), allowed, k)
    expected_rows, expected_cols = np.nonzero(keep)
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(cols, expected_cols)
    assert np.array_equal(values, block[expected_rows, expected_cols])
    assert np.array_equal(outside, expected_outside)


@pytest.mark.parametrize("seed", range(8))
def test_mentor_tops_are_each_mentors_best_mentees(seed):
    rng = np.random.default_rng(seed)
    size, n_cols = int(rng.choice([1, 4, 10])), int(rng.integers(1, 300))
    blocks = [wide_block(rng, int(rng.integers(1, 60)), n_cols, seed % 2 == 0) for _ in range(5)]
    floor = float(rng.choice([-np.inf, 3.0]))
    tops = _MentorTops(n_cols, size, floor)
    start = 0
    for block in blocks:
        tops.add(np.arange(start, start + len(block)), block.copy())
        start += len(block)

    scores = np.vstack(blocks)
    for j in range(n_cols):
        column = scores[:, j]
        with np.errstate(invalid="ignore"):
            allowed = np.flatnonzero(column >= floor)
        # Best first; among equal scores, the lower mentee.
        best = sorted(allowed.tolist(), key=lambda i, c=column: (-c[i], i))[:size]
        found = np.isfinite(tops.values[j])
        assert tops.rows[j][found].tolist() == best
        assert tops.values[j][found].tolist() == column[best].tolist()


def off_list_reference(source, mentees, listed, mentor_ok, prices, outside_from, limit):
    """Every cell weighed: the pairs near beating the prices, at most ``limit`` a mentee
    (largest gain, then lower mentor), and the best weight left off each list."""
    listed_set = set(zip(listed[0].tolist(), listed[1].tolist(), strict=True))
    blocked = {tuple(p) for p in source.blocked.tolist()}
    found, outside = [], []
    for at, i in enumerate(mentees.tolist()):
        near, left = [], []
        for j in range(source.n_mentors):
            score = float(source.scores[i, j])
            if np.isnan(score) or (i, j) in blocked or not mentor_ok[j]:
                continue
            if source.min_score is not None and score < source.min_score:
                continue
            if (at, j) in listed_set:
                continue
            weight = int(np.rint(score * source.scale))
            gain = (
                int(prices.weigh(np.asarray([weight]))[0]) - prices.mentor[j] - prices.surplus[at]
            )
            if gain > -prices.margin and (outside_from is None or weight >= outside_from):
                near.append((-gain, j, weight, score))
            else:
                left.append(weight)
        near.sort()
        left += [weight for _, _, weight, _ in near[limit:]]
        found += sorted((at, j, score) for _, j, _, score in near[:limit])
        outside.append(max(left) if left else None)
    return found, outside


@pytest.mark.parametrize("seed", range(10))
def test_off_list_past_the_cut_is_every_cell_weighed(seed):
    rng = np.random.default_rng(seed)
    scale = 1000
    n_mentees, n_mentors = int(rng.integers(1, 30)), int(rng.integers(1, 400))
    scores = wide_block(rng, n_mentees, n_mentors, seed % 2 == 0)
    blocked = _index_pairs(
        (int(rng.integers(n_mentees)), int(rng.integers(n_mentors))) for _ in range(20)
    )
    min_score = None if seed % 3 == 0 else 3.0
    source = _DensePairs(scores.astype(np.float32), n_mentors, blocked, min_score, scale)
    mentees = np.sort(
        rng.choice(n_mentees, size=int(rng.integers(1, n_mentees + 1)), replace=False)
    )
    keys = np.unique(
        rng.integers(0, len(mentees), 5 * len(mentees)) * n_mentors
        + rng.integers(0, n_mentors, 5 * len(mentees))
    )
    listed = (keys // n_mentors, keys % n_mentors)
    mentor_ok = rng.random(n_mentors) > 0.2
    shift = int(rng.choice([0, 10**9]))
    prices = _Prices(
        Weigh(shift),
        rng.integers(0, 8 * scale, size=n_mentors) + shift,
        rng.integers(-2 * scale, 6 * scale, size=len(mentees)),
        int(rng.choice([0, scale])),
    )
    outside_from = None if seed % 2 else 4 * scale
    limit = int(rng.integers(1, 6))

    got = source.off_list(mentees, listed, mentor_ok, prices, outside_from, limit, None)

    found, outside = off_list_reference(
        source, mentees, listed, mentor_ok, prices, outside_from, limit
    )
    triples = zip(got.rows.tolist(), got.cols.tolist(), got.values.tolist(), strict=True)
    assert list(triples) == found
    assert [None if w == _NONE else w for w in got.outside.tolist()] == outside


@pytest.mark.parametrize(("seed", "room"), [(0, 1), (1, 1), (2, 2)])
def test_a_wide_round_reaches_scipys_optimum(seed, room):
    # 3,000 mentors: the rows are ranked from a sample, and the proof reads past a cut.
    rng = np.random.default_rng(seed)
    n_mentees, n_mentors = 150, 3000
    popular = rng.random(n_mentors) < 0.01
    scores = np.round(rng.random((n_mentees, n_mentors)) * 10 + 5 * popular, 3)
    capacities = np.full(n_mentors, room)
    capacities[rng.random(n_mentors) < 0.5] = 0  # half the mentors have no room

    result = solve(scores, capacities, min_score=2.0)

    weights = np.where(scores >= 2.0, np.rint(scores * 1000), 0)
    expanded = np.repeat(weights, capacities, axis=1)
    r, c = linear_sum_assignment(expanded, maximize=True)
    assert result.proven_optimal
    assert round(result.total * 1000) == int(expanded[r, c].sum())


@pytest.mark.parametrize("shift", [0, 10**9])
def test_off_list_finds_a_pair_one_unit_inside_the_margin(shift):
    # Each mentee's best pair, net of its mentor's price, is set one unit of weight inside
    # the margin: the cut must not be a hair too high.
    rng = np.random.default_rng(7)
    n_mentees, n_mentors, margin = 20, 500, 1000
    scores = np.round(rng.random((n_mentees, n_mentors)) * 10, 3)
    source = _DensePairs(scores, n_mentors, _index_pairs(()), None, 1000)
    price = rng.integers(0, 5000, size=n_mentors) + shift
    net = np.rint(scores * 1000).astype(np.int64) + shift - price[None, :]
    surplus = net.max(axis=1) + margin - 1
    prices = _Prices(Weigh(shift), price, surplus, margin)
    mentees = np.arange(n_mentees)
    nothing = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    every = np.ones(n_mentors, dtype=bool)

    got = source.off_list(mentees, nothing, every, prices, None, 3, None)

    found, _ = off_list_reference(source, mentees, nothing, every, prices, None, 3)
    assert len(found) >= n_mentees
    assert (
        list(zip(got.rows.tolist(), got.cols.tolist(), got.values.tolist(), strict=True)) == found
    )
