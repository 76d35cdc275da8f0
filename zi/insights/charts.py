"""Server-rendered inline SVG charts (no JavaScript, no remote assets, allowed by the CSP).

Each chart has ``role="img"``, a ``<title>`` and a ``<desc>`` listing every value, and the page shows the table
it was drawn from next to it, which is the text alternative. Colours are presentation attributes (no ``style``).

Contrast (WCAG 2.1 1.4.3 and 1.4.11): every chart paints its own white surface (``SURFACE``) in light and dark themes
alike, draws text and axes in ``INK`` (16:1 on the surface) and bars and lines in ``PALETTE`` colours of at least
4:1 on it; ``tests/insights/test_chart_contrast.py`` computes the ratios from the rendered SVG.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from zi.insights.selectors.common import Table

SURFACE = "#ffffff"
INK = "#1b1b1b"
PALETTE = ("#1f5f8b", "#b35900", "#2e7d50", "#8b1f5f", "#5c5c5c")


def _num(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _fmt(value: Any) -> str:
    number = _num(value)
    if number is None:
        return "–"
    return f"{number:g}".replace(".", ",")


def _describe(table: Table, rows: list, label_col: int, value_cols: list[int]) -> str:
    return "; ".join(
        f"{row[label_col]}: " + ", ".join(f"{table.headers[c]} {_fmt(row[c].value)}" for c in value_cols)
        for row in rows
    )


def _start(
    table: Table, rows: list, label_col: int, value_cols: list[int], uid: str, width: int, height: int, fit: str = ""
) -> list[str]:
    """The opening of a chart: its accessible name and description, and its own white surface."""
    desc = _describe(table, rows, label_col, value_cols)
    return [
        f'<svg class="zi-chart" role="img" aria-labelledby="{uid}-t {uid}-d" viewBox="0 0 {width} {height}" '
        f'width="100%" {fit}xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{escape(table.title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
        f'<rect width="100%" height="100%" fill="{SURFACE}"/>',
    ]


def _key(x: float, y: float, color: str, name: Any) -> str:
    """One entry of the legend: a colour swatch and the series name, ``y`` the text's baseline."""
    return (
        f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
        f'<text x="{x + 14}" y="{y}" font-size="11" fill="{INK}">{escape(str(name))}</text>'
    )


def bar_chart(table: Table, label_col: int, value_cols: list[int], uid: str) -> SafeString:
    rows = table.page_rows()[:30]  # the rows the page's table shows (a ranking's first rows), at most 30
    if not rows:
        return mark_safe("")  # noqa: S308 - constant
    values = [[_num(row[c].value) or 0.0 for c in value_cols] for row in rows]
    top = max((v for vs in values for v in vs), default=0.0) or 1.0
    bar_h, gap, label_w, width = 14, 8, 230, 640
    series = len(value_cols)
    group_h = series * bar_h + gap
    height = len(rows) * group_h + 30
    scale = (width - label_w - 60) / top
    parts = _start(table, rows, label_col, value_cols, uid, width, height, 'preserveAspectRatio="xMinYMin meet" ')
    for i, row in enumerate(rows):
        y = i * group_h
        label = str(row[label_col])
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + series * bar_h / 2 + 4}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{escape(short)}</text>'
        )
        for s, value in enumerate(values[i]):
            w = max(value * scale, 0.5)
            by = y + s * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 2}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(label)} · {escape(str(table.headers[value_cols[s]]))}: {_fmt(value)}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h - 4}" font-size="10" fill="{INK}">'
                f"{_fmt(rows[i][value_cols[s]].value)}</text>"
            )
    ly = len(rows) * group_h + 14
    for s, c in enumerate(value_cols):
        parts.append(_key(label_w + s * 160, ly, PALETTE[s % len(PALETTE)], table.headers[c]))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def line_chart(table: Table, label_col: int, value_cols: list[int], uid: str) -> SafeString:
    rows = table.rows
    if not rows:
        return mark_safe("")  # noqa: S308 - constant
    width, height, left, bottom, top_pad = 640, 240, 50, 40, 20
    top = max((_num(r[c].value) or 0.0 for r in rows for c in value_cols), default=0.0) or 1.0
    step = (width - left - 30) / max(len(rows) - 1, 1)
    plot_h = height - bottom - top_pad

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h - v / top * plot_h

    parts = _start(table, rows, label_col, value_cols, uid, width, height)
    parts += [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 20}" y2="{top_pad + plot_h}" stroke="{INK}"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="10" fill="{INK}">{_fmt(top)}</text>',
    ]
    for i, row in enumerate(rows):
        x, _y = xy(i, 0)
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
            f'fill="{INK}">{escape(str(row[label_col]))}</text>'
        )
    for s, c in enumerate(value_cols):
        color = PALETTE[s % len(PALETTE)]
        points = [xy(i, _num(r[c].value) or 0.0) for i, r in enumerate(rows)]
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        for (x, y), r in zip(points, rows, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(str(r[label_col]))} · '
                f"{escape(str(table.headers[c]))}: {_fmt(r[c].value)}</title></circle>"
            )
        parts.append(_key(left + s * 160, height - 3, color, table.headers[c]))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def chart_for(table: Table) -> SafeString:
    spec = table.chart
    if not spec:
        return mark_safe("")  # noqa: S308 - constant
    uid = f"chart-{table.key}"
    draw = line_chart if spec["kind"] == "line" else bar_chart
    return draw(table, spec["label"], spec["values"], uid)


__all__ = ["bar_chart", "chart_for", "format_html", "line_chart"]
