"""A meter data import's report as the reader reads it: its counts under their names, and
each refused row with the column and reason, for the import page and for
`registry metered import` (which prints them as lines). Also the quota list's lines.
"""

from __future__ import annotations

from registry.domain.text import N_
from registry.i18n import gettext, labelled, pgettext
from registry.services.imports.report_text import ROW, WARNING

# Which file column a refused row's building is looked up by, when the problem is with the
# building rather than one cell: the first of these the file has.
KEY_COLUMNS = ("building_id", "platform_code", "credit_code", "name")

# The sheet's fields as the page names them when the file has no such column.
FIELD_LABELS = {
    "building_id": N_("Registry ID"),
    "platform_code": N_("Platform code"),
    "credit_code": N_("Credit code"),
    "name": N_("Building name"),
    "year": N_("Year"),
    "month": N_("Month"),
    "source": N_("Data source"),
}

_LISTED = N_("Buildings listed")


def counts(report: dict, *, committed: bool, locale: object) -> list[tuple[str, str, int]]:
    """(anchor, name, count) of the report's counts, in the page's order."""
    c = report["counts"]
    years = N_("Building-years in the file") if committed else N_("Building-years to store")
    shown = (
        ("rows", N_("Rows in the file"), c["rows"]),
        ("accepted", N_("Rows accepted"), c["accepted"]),
        ("rejected", N_("Rows refused"), c["rejected"]),
        ("years", years, c["years"]),
        ("incomplete", N_("Of them missing months (stored, not judged)"), c["incomplete_years"]),
    )
    return [(anchor, gettext(name, locale), value) for anchor, name, value in shown]


def refused_rows(report: dict, locale: object) -> list[dict]:
    """Each listed refused row's problems as the page shows them: row number, the column
    (the file's own header, or the field's name), reason."""
    header_of = {name: header for header, name in report["columns"].items()}
    key = next((header_of[n] for n in KEY_COLUMNS if n in header_of), None)
    shown = []
    for row in report["rows"]:
        for problem in row["problems"]:
            name = problem["field"]
            column = header_of.get(name) or (key if name in KEY_COLUMNS else None)
            if column is None:
                column = gettext(FIELD_LABELS[name], locale) if name in FIELD_LABELS else "—"
            shown.append({"row": row["row"], "column": column, "reason": problem["message"]})
    return shown


def import_lines(report: dict, *, committed: bool, locale: object) -> list[str]:
    """The warnings, the counts, then each refused row's problems, then the message."""
    lines = [labelled(pgettext(*WARNING, locale), w, locale) for w in report.get("warnings", [])]
    lines += [
        labelled(name, f"{value:,}", locale)
        for _, name, value in counts(report, committed=committed, locale=locale)
    ]
    for shown in refused_rows(report, locale):
        where = pgettext(*ROW, locale) % {"row": shown["row"]}
        lines.append(f"  {where} {labelled(shown['column'], shown['reason'], locale)}")
    if report.get("message"):
        lines.append(report["message"])
    return lines


def quota_list_lines(report: dict, locale: object) -> list[str]:
    """A line a building: id, name, its band (or why it has none), then each indicator's
    value and band as the list page shows them; the count last."""
    lines = []
    for e in report["entries"]:
        values = "; ".join(
            labelled(i["basis_label"], f"{i['value']:,.2f} {i['unit_label']}", locale)
            + (f" {i['band_label']}" if i.get("band_label") else "")
            for i in e["indicators"]
            if i["value"] is not None
        )
        state = e["band_label"] or e["reason"] or ""
        lines.append("\t".join(str(part) for part in (e["building_id"], e["name"], state, values)))
    lines.append(labelled(gettext(_LISTED, locale), f"{report['count']:,}", locale))
    return lines
