"""The quota list (能耗限额管理) as a spreadsheet and as a PDF the bureau can publish: every
building's indicators and band, and the count and area per band by district and by type,
with a stacked-bar chart (matplotlib SVG, as `registry.documents.charts` draws the tally's)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from registry import vocabulary
from registry.documents import rendering
from registry.documents.charts import STYLE, svg_text
from registry.domain.quotas.verdict import typeset_unit
from registry.i18n import gettext, labelled, pgettext

BAND_ORDER = ("le_guide", "le_baseline", "le_constraint", "gt_constraint", "unjudged")
BAND_COLOURS = {
    "le_guide": "#2e7d32",
    "le_baseline": "#1565c0",
    "le_constraint": "#ef6c00",
    "gt_constraint": "#c62828",
    "unjudged": "#9e9e9e",
}


def band_names(locale) -> dict[str, str]:
    from registry.i18n import render

    names = {b: render(f"quota.band.{b}", {}, locale) for b in BAND_ORDER[:-1]}
    names["unjudged"] = pgettext("quota list", "Not judged", locale)
    return names


def _value(entry: dict, basis: str):
    item = next((i for i in entry["indicators"] if i["basis"] == basis), None)
    return None if item is None or item["value"] is None else round(item["value"], 2)


def _headers(locale) -> list[str]:
    return [
        pgettext("quota list", "Building ID", locale),
        pgettext("quota list", "Name", locale),
        pgettext("quota list", "District", locale),
        pgettext("quota list", "Building type", locale),
        pgettext("quota list", "Floor area (m²)", locale),
        pgettext("quota list", "Non-heating", locale),
        pgettext("quota list", "Heating (kgce/(m²·a))", locale),
        pgettext("quota list", "Electricity (kWh/(m²·a))", locale),
        pgettext("quota list", "Band", locale),
        pgettext("quota list", "Margin to the constraint value (%)", locale),
        pgettext("quota list", "Action", locale),
        pgettext("quota list", "Trend (kgce/(m²·a) by year)", locale),
    ]


def entry_rows(report: dict, locale) -> list[list]:
    rows = []
    for e in report["entries"]:
        non = next((i for i in e["indicators"] if i["basis"] == "non_heating"), None)
        non_text = (
            f"{non['value']:.2f} {non['unit_label']}" if non and non["value"] is not None else None
        )
        rows.append(
            [
                e["building_id"],
                e["name"],
                vocabulary.district(e["district_code"], locale),
                vocabulary.building_type(e["building_type"], locale),
                round(e["floor_area_m2"], 1),
                non_text,
                _value(e, "heating"),
                _value(e, "conventional_electricity"),
                e["band_label"] or e["reason"],
                None if e["margin_pct"] is None else round(e["margin_pct"], 1),
                e["action"],
                # Compact: the PDF's column is narrow, and the page's "2019：38.7 → …" (full-width
                # colon, arrows) made the 10,000-building list 289 pages longer (1,128 → 1,417).
                "; ".join(f"{p['year']}: {p['kgce_per_m2']:.1f}" for p in e.get("trend", [])),
            ]
        )
    return rows


def summary_rows(groups: list[dict], locale) -> tuple[list[str], list[list]]:
    names = band_names(locale)
    headers = [pgettext("quota list", "Group", locale)]
    for band in BAND_ORDER:
        headers += [
            f"{names[band]} · " + pgettext("quota list", "count", locale),
            f"{names[band]} · " + pgettext("quota list", "area (m²)", locale),
        ]
    rows = []
    for g in groups:
        row = [g["name"]]
        for band in BAND_ORDER:
            cell = g["bands"].get(band, {"count": 0, "area_m2": 0.0})
            row += [cell["count"], round(cell["area_m2"], 1)]
        rows.append(row)
    return headers, rows


def quota_list_xlsx(report: dict, locale) -> bytes:
    return rendering.xlsx_bytes(
        {
            pgettext("quota list", "Buildings", locale): (
                _headers(locale),
                entry_rows(report, locale),
            ),
            pgettext("quota list", "By district", locale): summary_rows(
                report["summary"]["by_district"], locale
            ),
            pgettext("quota list", "By type", locale): summary_rows(
                report["summary"]["by_type"], locale
            ),
        },
        meta=[
            (pgettext("quota list", "Year", locale), str(report["year"])),
            (pgettext("quota list", "Buildings with measured data", locale), str(report["count"])),
        ],
        about_title=pgettext("quota list", "About", locale),
    )


def bands_svg(groups: list[dict], title: str, locale) -> str:
    """Stacked horizontal bars: buildings per band in each group."""
    names = band_names(locale)
    groups = groups[::-1]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7, max(1.6, 0.35 * len(groups) + 1.2)))
        axes = figure.add_subplot()
        left = [0] * len(groups)
        for band in BAND_ORDER:
            values = [g["bands"].get(band, {}).get("count", 0) for g in groups]
            if not any(values):
                continue
            axes.barh(
                [g["name"] for g in groups],
                values,
                left=left,
                label=names[band],
                color=BAND_COLOURS[band],
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_title(title)
        axes.legend(
            fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.12)
        )
        figure.tight_layout()
        return svg_text(figure, "chart-" + str(abs(hash(title)) % 10_000))


# The building table's columns (% of the landscape page's width), in `_headers`' order.
ENTRY_COLUMNS = (4, 8, 5, 9, 5, 10.5, 4, 4.5, 6, 4, 24, 16)
NUMBER_COLUMNS = frozenset({0, 4, 6, 7, 9})


@functools.cache
def template_version() -> str:
    """What a cached quota list (PDF or XLSX) was made with: its template, this module, and
    what every document shares (`rendering.code_version`)."""
    return rendering.code_version(rendering.REPORTS_DIR / "quota_list.html", Path(__file__))


def digest(report: dict) -> str:
    """SHA-256 of the list as built: names the cached file and is printed on every page."""
    text = json.dumps(report, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _cell(value, column: int) -> str:
    if value is None or value == "":
        return "—"
    if column == 4:
        return f"{value:,.1f}"
    if column in (6, 7):
        return f"{value:,.2f}"
    if column == 9:
        return f"{value:,.1f}"
    return str(value)


def entries_table(report: dict, locale):
    """Every building of the list as a report table (`registry.documents.pdf_tables`), the
    over-constraint ones shaded as on the page."""
    from registry.documents.pdf_tables import Column, Table

    entries = report["entries"]
    return Table(
        heading=pgettext("quota list", "Buildings", locale),
        note=pgettext(
            "quota list",
            "Every building of the list, over the constraint value first (shaded).",
            locale,
        ),
        columns=[
            Column(w, "R" if n in NUMBER_COLUMNS else "L") for n, w in enumerate(ENTRY_COLUMNS)
        ],
        header=_headers(locale),
        rows=([_cell(v, n) for n, v in enumerate(row)] for row in entry_rows(report, locale)),
        row_count=len(entries),
        empty=pgettext("quota list", "No building matches these filters.", locale),
        shaded=frozenset(n for n, e in enumerate(entries) if e["over_constraint"]),
        wrap_words=True,
    )


def _factors(report: dict, locale) -> list[str]:
    """The conversion factors as the reader reads them: name, value, unit, source."""
    return [
        labelled(
            vocabulary.conversion_factor(f["key"], locale),
            f"{f['value']:,.4g} {typeset_unit(f['unit'])} ({f['source']})",
            locale,
        )
        for f in report["factors"]
    ]


def quota_list_pdf(
    report: dict,
    locale,
    *,
    generated_at: str,
    digest_hex: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The summary, charts and method (WeasyPrint), then every building's row laid out by
    the tally's table engine and merged page-exact, each page with the list's digest and
    "第 N 页 共 M 页"; `progress` hears (rows laid out, rows in all)."""
    from registry.documents import pdf_tables

    charts = {
        "district": rendering.svg_data_uri(
            bands_svg(
                report["summary"]["by_district"],
                pgettext("quota list", "Buildings per band by district", locale),
                locale,
            )
        ),
        "type": rendering.svg_data_uri(
            bands_svg(
                report["summary"]["by_type"],
                pgettext("quota list", "Buildings per band by building type", locale),
                locale,
            )
        ),
    }
    by_district = summary_rows(report["summary"]["by_district"], locale)
    by_type = summary_rows(report["summary"]["by_type"], locale)
    context = {
        "locale": locale,
        "report": report,
        "band_names": band_names(locale),
        "band_order": BAND_ORDER,
        "by_district": by_district,
        "by_type": by_type,
        "factors": _factors(report, locale),
        "charts": charts,
        "generated_at": generated_at,
        "title": gettext("Public building energy quota list", locale),
    }
    summary = rendering.render_pdf("quota_list.html", context)
    return pdf_tables.merged(
        summary,
        [entries_table(report, locale)],
        locale=rendering.locale_of(locale),
        digest=digest_hex or digest(report),
        progress=progress,
        page=pdf_tables.LANDSCAPE,
    )


def design_gap_svg(gaps: list[dict], locale) -> str:
    """Design vs operation: per indicator, the simulated figure, each measured year and the
    constraint value (a marker), on one axis per unit."""
    by_basis: dict[str, list[dict]] = {}
    for g in gaps:
        by_basis.setdefault(g["basis_label"] + f" ({g['unit_label']})", []).append(g)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7, 0.9 + 1.6 * len(by_basis)))
        for index, (label, items) in enumerate(by_basis.items(), start=1):
            axes = figure.add_subplot(len(by_basis), 1, index)
            names = [pgettext("chart", "Design", locale)] + [str(g["year"]) for g in items]
            values = [items[0]["design"]] + [g["measured"] for g in items]
            colours = ["#1565c0"] + ["#ef6c00"] * len(items)
            axes.barh(names[::-1], values[::-1], color=colours[::-1])
            quota = items[0]["quota"]
            if quota is not None:
                axes.axvline(quota, color="#c62828", linestyle="--", linewidth=1)
                axes.text(
                    quota,
                    len(names) - 0.4,
                    pgettext("chart", "constraint value", locale),
                    color="#c62828",
                    fontsize=7,
                )
            axes.set_title(label, fontsize=8)
        figure.tight_layout()
        return svg_text(figure, "chart-design-gap")
