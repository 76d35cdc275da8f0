"""Dashboard charts meet WCAG 2.1 contrast on their own surface: text 4.5:1 (1.4.3), bars, lines and axes 3:1 (1.4.11).

The ratios are computed from the rendered SVG (every fill/stroke colour against the chart's surface), so a palette
change that fades a series fails here."""

import re

import pytest

from zi.insights.charts import bar_chart, line_chart
from zi.insights.selectors.common import Cell, Table


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _table() -> Table:
    rows = [
        [Cell(f"Kanwil {i}"), Cell(10.0 * i), Cell(5.0 * i), Cell(3.0 * i), Cell(2.0 * i), Cell(1.0 * i)]
        for i in range(1, 6)
    ]
    return Table(key="t", title="Capaian", headers=["Wilayah", "A", "B", "C", "D", "E"], rows=rows)


@pytest.mark.parametrize("draw", [bar_chart, line_chart])
def test_every_colour_contrasts_with_the_chart_surface(draw):
    svg = str(draw(_table(), 0, [1, 2, 3, 4, 5], "c"))
    surface = re.search(r'<rect width="100%" height="100%" fill="(#[0-9a-f]{6})"/>', svg)
    assert surface, "the chart paints its own surface (independent of the page theme)"
    background = surface.group(1)
    assert "currentColor" not in svg  # would follow a dark theme onto the white surface
    texts = re.findall(r'<text[^>]*fill="(#[0-9a-f]{6})"', svg)
    graphics = re.findall(
        r'<(?:rect|line|polyline|circle)(?![^>]*height="100%")[^>]*(?:fill|stroke)="(#[0-9a-f]{6})"', svg
    )
    assert texts and graphics
    assert min(contrast(colour, background) for colour in texts) >= 4.5
    assert min(contrast(colour, background) for colour in graphics) >= 3.0


def test_the_contrast_function_measures_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#e07a1f", "#ffffff") < 3.1  # the former orange series: just 3.0:1
