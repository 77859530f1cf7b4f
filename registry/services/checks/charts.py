"""A check's result charts as inline SVG: monthly energy by fuel and the end-use breakdown.

Drawn with the tally charts' matplotlib style (registry.documents.charts), except that
text stays text (`svg.fonttype = none`): the charts live only on the check page, where
month and end-use labels should be readable by screen readers and copyable, and the SVG
names the CJK font family so the browser picks a Chinese font. Output is deterministic.
"""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from registry import vocabulary
from registry.documents.charts import COLOURS, STYLE, svg_text
from registry.i18n import pgettext

TEXT_STYLE = {**STYLE, "svg.fonttype": "none", "svg.hashsalt": "registry-check"}

# Electricity green, natural gas blue, district heat orange (COLOURS' order).
FUEL_ORDER = (
    "Electricity",
    "Natural Gas",
    "District Heating Water",
    "District Cooling",
    "District Heating Steam",
)
TOTAL = "Total"


def _get(item, name: str):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _labels(locale: object) -> dict[str, str]:
    return {
        "monthly_title": pgettext("chart", "Monthly energy (kWh)", locale),
        "end_use_title": pgettext("chart", "Energy by end use (kWh/year)", locale),
        TOTAL: pgettext("chart", "Total", locale),
    }


def _colour(fuel: str, fuels: list[str]) -> str:
    index = FUEL_ORDER.index(fuel) if fuel in FUEL_ORDER else len(FUEL_ORDER) + fuels.index(fuel)
    return COLOURS[index % len(COLOURS)]


def _sorted_fuels(fuels) -> list[str]:
    return sorted(fuels, key=lambda f: (FUEL_ORDER.index(f) if f in FUEL_ORDER else 99, f))


def monthly_series(result) -> dict[str, list[float]]:
    """{fuel: twelve monthly kWh}; the monthly totals as one series for older results.

    JSON columns come back with string keys, hence the str(month) look-ups.
    """
    by_fuel = _get(result, "monthly_by_fuel_kwh") or {}
    if not by_fuel:
        totals = _get(result, "monthly_kwh") or {}
        by_fuel = {TOTAL: totals} if totals else {}
    series = {}
    for fuel in _sorted_fuels(by_fuel):
        months = by_fuel[fuel]
        series[fuel] = [float(months.get(str(m), months.get(m, 0.0)) or 0.0) for m in range(1, 13)]
    return series


def monthly_svg(result, locale: object) -> str:
    """Stacked bars: energy per month, one colour per fuel (kWh)."""
    labels = _labels(locale)
    series = monthly_series(result)
    months = [vocabulary.month(number, locale) for number in range(1, 13)]
    with matplotlib.rc_context(TEXT_STYLE):
        figure = Figure(figsize=(7, 3.0))
        axes = figure.add_subplot()
        bottom = [0.0] * 12
        fuels = list(series)
        for fuel, values in series.items():
            name = labels[TOTAL] if fuel == TOTAL else vocabulary.fuel(fuel, locale)
            axes.bar(
                months, values, bottom=bottom, label=name, color=_colour(fuel, fuels), width=0.7
            )
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
        axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        axes.set_title(labels["monthly_title"])
        if series:
            axes.legend(
                fontsize=8,
                frameon=False,
                ncol=max(1, len(series)),
                loc="upper center",
                bbox_to_anchor=(0.5, -0.1),
            )
        figure.tight_layout()
        return svg_text(figure, "chart-check-monthly")


def end_use_svg(end_uses, locale: object) -> str:
    """Horizontal bars: annual energy per end use, stacked by fuel, largest on top (kWh)."""
    labels = _labels(locale)
    totals: dict[str, dict[str, float]] = {}
    for row in end_uses:
        by_fuel = totals.setdefault(_get(row, "end_use"), {})
        fuel = _get(row, "fuel")
        by_fuel[fuel] = by_fuel.get(fuel, 0.0) + float(_get(row, "energy_kwh") or 0.0)
    uses = sorted(totals, key=lambda use: sum(totals[use].values()))
    fuels = _sorted_fuels({fuel for by_fuel in totals.values() for fuel in by_fuel})
    names = [vocabulary.end_use(use, locale) for use in uses]
    with matplotlib.rc_context(TEXT_STYLE):
        figure = Figure(figsize=(7, 0.9 + 0.35 * max(len(uses), 2)))
        axes = figure.add_subplot()
        left = [0.0] * len(uses)
        for fuel in fuels:
            values = [totals[use].get(fuel, 0.0) for use in uses]
            axes.barh(
                names,
                values,
                left=left,
                label=vocabulary.fuel(fuel, locale),
                color=_colour(fuel, fuels),
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, value in enumerate(left):
            axes.text(value, y, f" {value:,.0f}", va="center", fontsize=8)
        axes.set_xlim(0, max(left, default=0) * 1.18 or 1)
        axes.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        axes.set_title(labels["end_use_title"])
        if fuels:
            axes.legend(fontsize=8, frameon=False, loc="lower right")
        figure.tight_layout()
        return svg_text(figure, "chart-check-end-uses")


def check_charts(result, end_uses, locale: object) -> dict[str, str]:
    """The check page's charts by name, as inline SVG text ({} without a result)."""
    if result is None:
        return {}
    charts = {}
    if monthly_series(result):
        charts["monthly"] = monthly_svg(result, locale)
    if end_uses:
        charts["end_uses"] = end_use_svg(end_uses, locale)
    return charts
