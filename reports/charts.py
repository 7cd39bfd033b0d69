"""Charts as server-rendered SVG: no JavaScript, no CDN, nothing the Content Security Policy
forbids (presentation attributes, no style attributes). Every chart on a page comes with its
numbers as a table for screen readers and for anyone who wants the figures."""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from reports.dashboard import Series

PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 36


def _n(value: float) -> str:
    """A coordinate with one decimal."""
    return f"{value:.1f}"


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of the axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _label_positions(count: int, most: int = 8) -> list[int]:
    """Which x labels to write: at most ``most``, evenly spaced, the last one always; a spaced
    label too close to the last (less than a step before it) gives way, so none overlap."""
    if count <= 0:
        return []
    every = max(1, math.ceil(count / most))
    shown = [i for i in range(0, count, every)]
    if shown[-1] != count - 1:
        if count - 1 - shown[-1] < every and len(shown) > 1:
            shown.pop()
        shown.append(count - 1)
    return shown


def line_chart(series: Series, *, chart_id: str, top: float | None = None) -> SafeString:
    """One SVG line chart of ``series``: each line in its colour, the y axis from 0 to a round
    number (``top`` fixes it, e.g. 5 for check-in scores), x labels spaced to stay legible."""
    values = [v for line in series.lines.values() for v in line if v is not None]
    ceiling = top or _nice_max(max(values, default=0))
    count = len(series.labels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / ceiling)

    parts = [
        format_html(
            '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}-title" '
            'class="chart" id="{}">',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, series.title),
    ]
    for fraction in (0, 0.5, 1):
        level = ceiling * fraction
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee2e6" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#6c757d">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y(level)),
                _n(y(level)),
                LEFT - 6,
                _n(y(level) + 4),
                f"{level:g}",
            )
        )
    for index in _label_positions(count):
        # The first and last labels lean inwards, so that neither is cut off at an edge.
        anchor = "start" if index == 0 and count > 1 else "end" if index == count - 1 else "middle"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="#6c757d">{}</text>',
                _n(x(index)),
                HEIGHT - BOTTOM + 16,
                anchor,
                series.labels[index],
            )
        )
    for colour, (name, line) in zip(PALETTE, series.lines.items(), strict=False):
        points = [(x(i), y(v)) for i, v in enumerate(line) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                    'stroke-linejoin="round"><title>{}</title></polyline>',
                    path,
                    colour,
                    name,
                )
            )
        for px, py in points:
            parts.append(
                format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', _n(px), _n(py), colour)
            )
    legend_x = LEFT
    for colour, name in zip(PALETTE, series.lines, strict=False):
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text x="{}" y="{}" font-size="11" fill="#212529">{}</text>',
                legend_x,
                HEIGHT - 14,
                colour,
                legend_x + 14,
                HEIGHT - 5,
                name,
            )
        )
        legend_x += 24 + 7 * len(name)
    parts.append(mark_safe("</svg>"))  # noqa: S308 (a constant)
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 (each part escaped above)
