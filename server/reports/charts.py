"""Charts as SVG drawn on the server with pygal, inlined in the page: nothing fetched from outside
(pygal's default links a script from a CDN; we ask for none and strip its comments and inline
script), readable on a 360 px phone (a 400-unit viewBox that scales) and in print. Each chart on
a page stands beside the table it draws, which is its text alternative."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from server.security import csp_nonce
from server.visits.labels import form_label

STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#222",
    foreground_strong="#111", foreground_subtle="#999", font_family="system-ui, sans-serif",
    label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12,
    title_font_size=15, colors=("#0b5394", "#e69138", "#6aa84f", "#a64d79", "#999999"),
)
CONFIG = {"js": [], "disable_xml_declaration": True, "style": STYLE, "width": 400, "height": 300,
          "legend_at_bottom": True, "legend_at_bottom_columns": 2, "show_y_guides": True,
          "print_values": False, "margin": 8}
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_SCRIPTS = re.compile(r"<script.*?</script>", re.S)
_OPACITY_STYLE = re.compile(r' style="opacity: ?([0-9.]+);?"')


def _svg(chart: pygal.graph.graph.Graph, label: str) -> Markup:
    """The chart's SVG, cleaned, as an image with an accessible name."""
    svg = chart.render(is_unicode=True)
    svg = _SCRIPTS.sub("", _COMMENTS.sub("", svg))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    # the page's Content-Security-Policy admits an inline <style> only with this request's nonce
    svg = svg.replace("<style", f'<style nonce="{csp_nonce()}"')
    # and no style attribute at all: pygal's hidden tooltip says it with the presentation attribute
    svg = _OPACITY_STYLE.sub(r' opacity="\1"', svg)
    # pygal builds the SVG as an element tree, so the unit names it draws are escaped; ours above
    return Markup(svg)


def visits_by_month(table: Mapping[int, Mapping[str, int]], label: str) -> Markup:
    chart = pygal.StackedBar(**CONFIG)
    chart.x_labels = [str(m) for m in table]
    forms = next(iter(table.values())).keys() if table else []
    for form in forms:
        chart.add(form_label(form), [table[m][form] or None for m in table])
    return _svg(chart, label)


def days_bands(minimum: int) -> list[tuple[int, int | None]]:
    """Bands of days for the histogram: 0, four equal bands below the minimum, then ≥ minimum."""
    width = max(1, math.ceil((minimum - 1) / 4)) if minimum > 1 else 1
    bands: list[tuple[int, int | None]] = [(0, 0)]
    low = 1
    while low < minimum:
        bands.append((low, min(minimum - 1, low + width - 1)))
        low += width
    bands.append((minimum, None))
    return bands


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    if high is None:
        return f"≥ {low}"
    return str(low) if low == high else f"{low}–{high}"


def days_histogram(days: Sequence[int], minimum: int, label: str, series: str) -> Markup:
    """How many cadres fall in each band of days; the last band meets the minimum."""
    bands = days_bands(minimum)
    counts = [sum(1 for d in days if d >= low and (high is None or d <= high)) for low, high in bands]
    chart = pygal.Bar(**{**CONFIG, "show_legend": False})
    chart.x_labels = [band_label(b) for b in bands]
    chart.add(series, counts)
    return _svg(chart, label)


def coverage_shares(shares: Sequence[tuple[str, float]], label: str, series: str) -> Markup:
    """Share of grassroots units visited, one bar per parent unit, 0–100 %."""
    height = max(160, 40 + 26 * len(shares))
    chart = pygal.HorizontalBar(**{**CONFIG, "height": height, "show_legend": False, "range": (0, 100),
                                   "truncate_label": -1, "margin_right": 24,
                                   "value_formatter": lambda v: f"{v:g} %"})
    chart.y_labels = [0, 25, 50, 75, 100]  # five readable ticks on a phone rather than eleven cut ones
    chart.x_labels = [name for name, _ in shares]
    chart.add(series, [share for _, share in shares])
    return _svg(chart, label)
