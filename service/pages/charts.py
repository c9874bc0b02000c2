"""Server-side SVG charts: no script, no external file, no inline style (the CSP stays strict).

Each chart is ``role="img"`` with a title and a description; the page puts a table of the same
numbers beside it for screen readers and for reading exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["PALETTE", "bar_chart", "line_chart"]

PALETTE = ("#b42318", "#1d4ed8", "#047857", "#a16207", "#7c3aed", "#be185d", "#0f766e", "#4b5563")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28


def _frame(
    chart_id: str, title: str, description: str, body: list[str], peak: int, labels: Sequence[str]
) -> Markup:
    inner_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
    ]
    for tick in (0, peak // 2, peak) if peak > 1 else (0, peak):
        y = TOP + inner_h - inner_h * tick / max(peak, 1)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d5dd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#475467">{tick}</text>'
        )
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    every = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = LEFT + step * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" fill="#475467">{escape(label)}</text>'
            )
    parts.extend(body)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> Markup:
    """Grouped bars, one group per label (week), one bar per series."""
    peak = max((v for _, values in series for v in values), default=0)
    inner_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = step * 0.8 / max(len(series), 1)
    body = []
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        for i, value in enumerate(values):
            h = inner_h * value / max(peak, 1)
            x = LEFT + step * i + step * 0.1 + width * s
            body.append(
                f'<rect x="{x:.1f}" y="{TOP + inner_h - h:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(name)} {escape(labels[i])}: {value}</title></rect>"
            )
    return _frame(chart_id, title, description, body, peak, labels)


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> Markup:
    """One line per series over the labels (weeks), with a dot on each point."""
    peak = max((v for _, values in series for v in values), default=0)
    inner_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    body = []
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points = [
            (LEFT + step * (i + 0.5), TOP + inner_h - inner_h * v / max(peak, 1))
            for i, v in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
        body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>' for x, y in points)
    return _frame(chart_id, title, description, body, peak, labels)
