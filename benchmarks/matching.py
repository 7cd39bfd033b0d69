"""Time the matching-round engine on large random programs, and print the figures.

Run: make bench  (or .venv/bin/python benchmarks/matching.py [--sizes 1000x200,5000x1000])
No database and no Django: the engine is pure. Each size runs in a child process of its own,
so its peak memory (the child's maximum resident set: the scores plus the engine, C++
included) is not mixed with the other sizes'. For each size it prints

    matching NxM: seconds=… dense_seconds=… speedup=… ratio_to_optimum=… greedy_ratio=…

and an indented line with the peak memory, the engine's total score and the rest. seconds
is the engine on the dense scores (candidate lists built, solved, proven optimal);
dense_seconds is the straightforward exact solver, scipy's linear_sum_assignment on the
matrix with each mentor's column repeated once per place (skipped, "-", where that matrix
would not fit); greedy_ratio is the greedy baseline's total over the engine's.

The programs: mentees with 1-3 goal topics and mentors with 2-5 topics drawn from 40 of
uneven popularity (so most pairs share no topic and are below the minimum score), help
wanted and offered, meeting formats, time zones, seniority, a few very popular mentors
whom everyone scores higher, scores in halves (many ties), one or two blocked pairs per
mentee, every mentor with capacity 5.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = "1000x200,5000x1000,20000x4000"
CAPACITY = 5
MIN_SCORE = 3.0  # about one shared topic: a round never pairs people with nothing in common
TOPICS = 40
# The expanded matrix for linear_sum_assignment, in bytes, above which it is not tried.
DENSE_LIMIT_BYTES = 2 * 1024**3


def program(n_mentees: int, n_mentors: int, seed: int) -> tuple[np.ndarray, set[tuple[int, int]]]:
    """Scores (float32, mentees x mentors) and blocked pairs of a random program."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, TOPICS + 1) ** 0.8
    popularity /= popularity.sum()

    def picks(count: int, low: int, high: int, options: int, p: np.ndarray | None) -> np.ndarray:
        chosen = np.zeros((count, options), dtype=np.float32)
        sizes = rng.integers(low, high + 1, size=count)
        for size in range(low, high + 1):
            rows = np.flatnonzero(sizes == size)
            for row in rows:
                chosen[row, rng.choice(options, size=size, replace=False, p=p)] = 1
        return chosen

    goals = picks(n_mentees, 1, 3, TOPICS, popularity)
    topics = picks(n_mentors, 2, 5, TOPICS, popularity)
    wanted, offered = picks(n_mentees, 1, 2, 3, None), picks(n_mentors, 1, 3, 3, None)
    formats_a, formats_b = picks(n_mentees, 1, 3, 5, None), picks(n_mentors, 1, 3, 5, None)
    zone_a, zone_b = rng.integers(0, 8, size=n_mentees), rng.integers(0, 8, size=n_mentors)
    distance = np.abs(np.arange(8)[:, None] - np.arange(8)[None, :])
    hours = np.clip(4 - distance, 0, 4).astype(np.float32)
    level_a, level_b = rng.integers(0, 5, size=n_mentees), rng.integers(2, 8, size=n_mentors)
    star = np.zeros(n_mentors, dtype=np.float32)
    star[rng.choice(n_mentors, size=max(3, n_mentors // 100), replace=False)] = 4.0

    scores = np.empty((n_mentees, n_mentors), dtype=np.float32)
    step = max(1, (1 << 22) // n_mentors)
    for start in range(0, n_mentees, step):
        rows = slice(start, min(n_mentees, start + step))
        block = 3.0 * (goals[rows] @ topics.T)
        block += 2.0 * (wanted[rows] @ offered.T)
        block += np.minimum(formats_a[rows] @ formats_b.T, 2.0)
        block += hours[zone_a[rows]][:, zone_b]
        block += 0.5 * np.clip(level_b[None, :] - level_a[rows, None], -3, 3)
        block += star[None, :]
        scores[rows] = block
    blocked = set()
    for i in range(n_mentees):
        for j in rng.choice(n_mentors, size=int(rng.integers(1, 3)), replace=False):
            blocked.add((i, int(j)))
    return scores, blocked


def dense_optimum(
    scores: np.ndarray, blocked: set[tuple[int, int]], capacities: np.ndarray
) -> float:
    """The exact optimum by linear_sum_assignment on the capacity-expanded matrix."""
    from scipy.optimize import linear_sum_assignment

    allowed = np.where(scores >= MIN_SCORE, scores, 0.0).astype(np.float64)
    rows, cols = zip(*blocked, strict=True) if blocked else ((), ())
    allowed[list(rows), list(cols)] = 0.0  # a forbidden pair is worth no more than no pair
    expanded = np.repeat(allowed, capacities, axis=1)
    del allowed
    r, c = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[r, c].sum())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_size(n_mentees: int, n_mentors: int) -> dict[str, object]:
    from matching.engine import greedy, solve

    scores, blocked = program(n_mentees, n_mentors, seed=n_mentees * 7 + n_mentors)
    capacities = np.full(n_mentors, CAPACITY, dtype=np.int64)
    start = time.perf_counter()
    result = solve(scores, capacities, min_score=MIN_SCORE, blocked=blocked)
    seconds = time.perf_counter() - start
    figures: dict[str, object] = {
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "total": result.total,
        "matched": result.matched_count,
        "top_choice": result.top_choice_count,
        "lists": result.candidates_per_mentee,
        "added": result.added_pairs,
        "solves": result.solves,
        "proven": result.proven_optimal,
    }
    figures["greedy_total"] = greedy(scores, capacities, min_score=MIN_SCORE, blocked=blocked).total
    if n_mentees * n_mentors * CAPACITY * 8 <= DENSE_LIMIT_BYTES:
        start = time.perf_counter()
        figures["optimum"] = dense_optimum(scores, blocked, capacities)
        figures["dense_seconds"] = time.perf_counter() - start
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="mentees x mentors, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n_mentees, n_mentors = (int(x) for x in args.child.split("x"))
        print(json.dumps(run_size(n_mentees, n_mentors)))
        return

    print(f"Twoway matching benchmark: capacity {CAPACITY} per mentor, minimum score {MIN_SCORE:g}")
    for size in args.sizes.split(","):
        child = subprocess.run(  # noqa: S603 - our own script, with our own arguments
            [sys.executable, __file__, "--child", size],
            capture_output=True,
            text=True,
            check=True,
        )
        f = json.loads(child.stdout.strip().splitlines()[-1])
        engine_total = f["total"]
        greedy_ratio = f["greedy_total"] / engine_total if engine_total else 1.0
        if "optimum" in f:
            dense = (
                f"dense_seconds={f['dense_seconds']:.2f} speedup={f['dense_seconds'] / f['seconds']:.1f} "
                f"ratio_to_optimum={engine_total / f['optimum']:.4f}"
            )
        else:
            dense = "dense_seconds=- speedup=- ratio_to_optimum=-"
        print(
            f"matching {size}: seconds={f['seconds']:.2f} {dense} greedy_ratio={greedy_ratio:.4f}"
        )
        n_mentees = int(size.split("x")[0])
        print(
            f"    peak_mb={f['peak_mb']:.0f} total={engine_total:.1f} matched={f['matched']}/{n_mentees} "
            f"top_choice={f['top_choice']} longest_list={f['lists']} added_pairs={f['added']} "
            f"solves={f['solves']} "
            f"proven_optimal={f['proven']}"
        )


if __name__ == "__main__":
    main()
