"""One hand-made SVG chart: every figure with a target, as a fraction of its target.

matplotlib is not a dependency, and a bar per figure needs only a few SVG
elements. A bar reaching the dashed line is exactly on target; past it, missed.
"""

from __future__ import annotations

from html import escape

from bench.common import Row, Section

WIDTH, LABEL, BAR_H, GAP, TOP = 860, 360, 18, 8, 40
SCALE_MAX = 2.5


def _fraction(row: Row) -> float | None:
    if row.target is None or row.kind == "value" or row.target <= 0:
        return None
    return row.score / row.target


def svg(sections: list[Section]) -> str:
    """Return the chart as an SVG document."""
    rows = [
        (f"{s.title.split(' ', 1)[0]} {r.figure}", r, f)
        for s in sections
        for r in s.rows
        if (f := _fraction(r)) is not None
    ]
    plot = WIDTH - LABEL - 70
    height = TOP + len(rows) * (BAR_H + GAP) + 30
    x_of = lambda v: LABEL + plot * min(v, SCALE_MAX) / SCALE_MAX  # noqa: E731
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        '<text x="10" y="20" font-size="14" font-weight="bold">'
        "Each figure as a fraction of its target (median; dashed line = target)</text>",
    ]
    for i, (label, row, fraction) in enumerate(rows):
        y = TOP + i * (BAR_H + GAP)
        colour = "#2e7d32" if row.met else "#c62828"
        out.append(
            f'<text x="{LABEL - 8}" y="{y + 13}" text-anchor="end">{escape(label[:58])}</text>'
        )
        out.append(
            f'<rect x="{LABEL}" y="{y}" width="{x_of(fraction) - LABEL:.1f}" '
            f'height="{BAR_H}" fill="{colour}"/>'
        )
        value = f"{row.score:.2f}x" if row.kind == "ratio" else f"{row.score:+.1f} {row.unit}"
        out.append(f'<text x="{x_of(fraction) + 4:.1f}" y="{y + 13}">{escape(value)}</text>')
    bottom = TOP + len(rows) * (BAR_H + GAP)
    out.append(
        f'<line x1="{x_of(1):.1f}" y1="{TOP - 6}" x2="{x_of(1):.1f}" y2="{bottom}" '
        'stroke="black" stroke-dasharray="4 3"/>'
    )
    for tick in (0.5, 1.0, 1.5, 2.0, 2.5):
        out.append(
            f'<text x="{x_of(tick):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#555">'
            f"{tick:g}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
