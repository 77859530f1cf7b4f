"""Tally charts as SVG text (matplotlib, Agg canvas), drawn from the plain tally context.

Text is written as paths (`svg.fonttype = path`), so the Chinese labels need the CJK
font only here, at drawing time, never in the browser or the PDF. Output is
deterministic: fixed hash salt, no date in the metadata.
"""

from __future__ import annotations

import re

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from registry.i18n import pgettext

CJK_FONT = "Noto Sans CJK SC"
STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": [CJK_FONT, "Noto Sans CJK JP", "DejaVu Sans"],
    "axes.unicode_minus": False,  # CJK fonts lack U+2212
    "svg.fonttype": "path",
    "svg.hashsalt": "registry-tally",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f")
PATH_COLOUR = "#c62828"


def _labels(ctx: dict) -> dict[str, str]:
    locale = ctx.get("locale")
    return {
        "progress_title": pgettext("chart", "Cumulative progress (%)", locale),
        "path": pgettext("chart", "Straight-line path", locale),
        "year_title": pgettext("chart", "Area added per year (10,000 m²)", locale),
        "district_title": pgettext("chart", "Cumulative area by district (10,000 m²)", locale),
    }


def svg_text(figure: Figure, prefix: str) -> str:
    """The figure as SVG text; ids prefixed so several charts can share one HTML page."""
    from io import StringIO

    out = StringIO()
    FigureCanvasSVG(figure)
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    # Drop the XML prolog and doctype so the SVG can sit inline in HTML.
    text = re.sub(r"^.*?(?=<svg)", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)


def progress_svg(ctx: dict) -> str:
    """Horizontal bars: cumulative % of each area target, with the straight-line path marked."""
    labels = _labels(ctx)
    items = [t for t in ctx["targets"] if t["unit"] == "m2"]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7, 2.6))
        axes = figure.add_subplot()
        names = [t["name"] for t in items][::-1]
        done = [min(t["percent"] or 0, 150) for t in items][::-1]
        path = [100 * t["projection"]["path_value"] / t["value"] for t in items][::-1]
        axes.barh(names, done, color=COLOURS[0])
        axes.scatter(
            path, names, marker="|", s=300, color=PATH_COLOUR, label=labels["path"], zorder=3
        )
        for y, value in enumerate(done):
            axes.text(value + 1, y, f"{value:.1f}%", va="center", fontsize=8)
        axes.set_xlim(0, max(110, max(done + path, default=0) + 15))
        axes.set_title(labels["progress_title"])
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=8)
        figure.tight_layout()
        return svg_text(figure, "chart-progress")


def _zero_based(axes, axis: str, values: list[float]) -> None:
    """Start the value axis at 0 (below only for net losses), and give an empty chart 0–1
    instead of matplotlib's ±0.04 around nothing."""
    low = min([0.0, *values])
    high = max([0.0, *values])
    limits = (low if low < 0 else 0, None if high > 0 else 1)
    (axes.set_ylim if axis == "y" else axes.set_xlim)(*limits)


def by_year_svg(ctx: dict) -> str:
    """Grouped bars: area added in each year, per area target (10,000 m²)."""
    labels = _labels(ctx)
    years = [row["year"] for row in ctx["by_year"]]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7, 2.8))
        axes = figure.add_subplot()
        count = len(ctx["area_targets"])
        width = 0.8 / count
        for index, target in enumerate(ctx["area_targets"]):
            values = [row["cells"][index]["added"] / 10_000 for row in ctx["by_year"]]
            axes.bar(
                [i + index * width - 0.4 + width / 2 for i in range(len(years))],
                values,
                width,
                label=target["name"],
                color=COLOURS[index % len(COLOURS)],
            )
        axes.set_xticks(range(len(years)), [str(y) for y in years])
        _zero_based(
            axes, "y", [row["cells"][i]["added"] for row in ctx["by_year"] for i in range(count)]
        )
        axes.set_title(labels["year_title"])
        axes.legend(
            fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1)
        )
        figure.tight_layout()
        return svg_text(figure, "chart-by-year")


def by_district_svg(ctx: dict) -> str:
    """Stacked horizontal bars: cumulative area per district, all ten (10,000 m²)."""
    labels = _labels(ctx)
    rows = ctx["by_district"][::-1]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7, 3.6))
        axes = figure.add_subplot()
        left = [0.0] * len(rows)
        for index, target in enumerate(ctx["area_targets"]):
            values = [row["cells"][index]["cumulative"] / 10_000 for row in rows]
            axes.barh(
                [row["name"] for row in rows],
                values,
                left=left,
                label=target["name"],
                color=COLOURS[index % len(COLOURS)],
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        _zero_based(axes, "x", left)
        axes.set_title(labels["district_title"])
        axes.legend(
            fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1)
        )
        figure.tight_layout()
        return svg_text(figure, "chart-by-district")


def tally_charts(ctx: dict) -> dict[str, str]:
    """Every chart of the tally, by name, as inline SVG text."""
    return {
        "progress": progress_svg(ctx),
        "by_year": by_year_svg(ctx),
        "by_district": by_district_svg(ctx),
    }
