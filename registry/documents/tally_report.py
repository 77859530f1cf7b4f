"""The annual tally as a PDF: cover, tables and charts by WeasyPrint (`rendering`), then every
counted record and every later revocation as long tables (`pdf_tables`), merged page-exact;
and the name its files are given."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from registry import i18n
from registry.documents.rendering import (
    REPORTS_DIR,
    area_text,
    code_version,
    render_pdf,
    svg_data_uri,
)
from registry.i18n import locale_of

# The appendix tables' columns, as the summary pages' tables set theirs (% of the width).
RECORD_COLUMNS = (3, 13, 20, 8, 12, 14, 10, 10, 10)
LATER_COLUMNS = (18, 27, 17, 13, 12, 13)
AREA_COLUMN = {"records": 7, "later": 4}


def _tally_tables(context: dict) -> list:
    """The appendix of every counted record and of later revocations, as report tables."""
    from registry.documents.pdf_tables import Column, Table

    locale = locale_of(context.get("locale"))

    def t(code: str, **params) -> str:
        return i18n.render(code, params, locale)

    # One pattern for every row: a render per row would cost more than laying it out.
    building = i18n.pgettext(
        "tally.building_with_id", i18n.messages()["tally.building_with_id"], locale
    )

    def columns(widths, area):
        return [Column(w, "R" if n == area else "L") for n, w in enumerate(widths)]

    rows, later = context["rows"], context["later_revocations"]
    return [
        Table(
            heading=t("tally.appendix_records"),
            note=t("tally.appendix_records_note", count=f"{len(rows):,}"),
            columns=columns(RECORD_COLUMNS, AREA_COLUMN["records"]),
            header=[
                "",
                t("tally.col_target"),
                t("tally.col_building"),
                t("tally.col_district"),
                t("tally.col_kind_level"),
                t("tally.col_label"),
                t("tally.col_counted_on"),
                t("tally.col_area"),
                t("tally.col_revoked"),
            ],
            rows=(
                (
                    "●" if r["in_period"] else "",
                    r["target_name"],
                    building.format(name=r["building_name"], id=r["building_id"]),
                    r["district_name"],
                    f"{r['kind']} / {r['level']}",
                    r["label_number"] or "—",
                    r["counted_on"],
                    area_text(r["area_m2"]),
                    r["removed_on"] or "",
                )
                for r in rows
            ),
            row_count=len(rows),
            empty=t("tally.appendix_none"),
        ),
        Table(
            heading=t("tally.appendix_later"),
            note=t("tally.appendix_later_note") if later else "",
            columns=columns(LATER_COLUMNS, AREA_COLUMN["later"]),
            header=[
                t("tally.col_target"),
                t("tally.col_building"),
                t("tally.col_label"),
                t("tally.col_counted_on"),
                t("tally.col_area"),
                t("tally.col_revoked_on"),
            ],
            rows=(
                (
                    r["target_name"],
                    building.format(name=r["building_name"], id=r["building_id"]),
                    r["label_number"] or "—",
                    r["counted_on"],
                    area_text(r["area_m2"]),
                    r["removed_on"],
                )
                for r in later
            ),
            row_count=len(later),
            empty=t("tally.appendix_later_none"),
        ),
    ]


@functools.cache
def tally_template_version() -> str:
    """What a cached tally PDF was made with: its template, stylesheet, this module, and
    what every document shares (`rendering.code_version`)."""
    return code_version(REPORTS_DIR / "tally.html", REPORTS_DIR / "tally.css", Path(__file__))


def tally_pdf(
    context: dict,
    charts: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The annual tally in Chinese (or English): cover, tables and charts (WeasyPrint), then
    every counted record and every later revocation (`registry.documents.pdf_tables`); `progress`
    hears (rows laid out, rows in all)."""
    from registry.documents import pdf_tables

    if charts is None:
        from registry.documents.charts import tally_charts

        charts = tally_charts(context)
    images = {name: svg_data_uri(svg) for name, svg in charts.items()}
    qr = None
    if context.get("verify_url"):
        from registry.documents.qr import url_qr_svg

        qr = svg_data_uri(url_qr_svg(context["verify_url"]))
    summary = render_pdf("tally.html", {**context, "charts": images, "verify_qr": qr})
    return pdf_tables.merged(
        summary,
        _tally_tables(context),
        locale=locale_of(context.get("locale")),
        digest=context["digest"],
        progress=progress,
    )


def tally_filename(context: dict, fmt: str) -> str:
    """tally-2022.pdf, tally-2022-370212-school.csv, tally-2021-07-01_2022-06-30.xlsx."""
    parts = [str(context["year"]) if context["year"] else f"{context['start']}_{context['end']}"]
    parts += [p for p in (context.get("district"), context.get("building_type")) if p]
    return "tally-" + "-".join(parts) + "." + fmt
