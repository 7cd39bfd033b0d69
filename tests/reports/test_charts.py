"""The charts' x labels: at most eight, evenly spaced, the last always shown, never two so close
that they overlap, and the ends leaning inwards so a narrow screen cuts neither off."""

from __future__ import annotations

import re

import pytest

from reports.charts import _label_positions, line_chart
from reports.dashboard import Series


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (1, [0]),
        (4, [0, 1, 2, 3]),
        (8, list(range(8))),
        (26, [0, 4, 8, 12, 16, 20, 25]),  # 24 would sit one week from 25: it gives way
        (27, [0, 4, 8, 12, 16, 20, 26]),
        (29, [0, 4, 8, 12, 16, 20, 24, 28]),
        (0, []),
    ],
)
def test_labels_are_spaced_and_the_last_is_always_shown(count, shown):
    assert _label_positions(count) == shown


def test_no_two_labels_are_closer_than_a_step_and_the_ends_lean_inwards():
    labels = [f"W{n}" for n in range(26)]
    svg = str(line_chart(Series("Weekly", labels, {"a": [1.0] * 26}), chart_id="c"))
    found = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" font-size="11" text-anchor="(\w+)"[^>]*>(W\d+)<', svg
    )
    xs = [float(x) for x, _anchor, _label in found]
    assert [label for *_rest, label in found] == ["W0", "W4", "W8", "W12", "W16", "W20", "W25"]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert min(gaps) >= gaps[0] * 0.99  # the last label is never squeezed in closer
    assert (found[0][1], found[-1][1]) == ("start", "end")
