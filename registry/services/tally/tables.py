"""The tally as named tables (headers, rows) for CSV and XLSX: cells in words, numbers
rounded to `TABLE_DECIMALS`, from the context `presented.context` makes.
"""

from __future__ import annotations

from registry.domain.text import NC_
from registry.i18n import locale_of, pgettext

# Decimals a table states its numbers to (areas in m², shares in %): a spreadsheet cell holds
# the rounded number, never a float's binary tail (23449.999999999996).
TABLE_DECIMALS = 2


UNIT_NAMES = {"districts": NC_("tally unit", "districts")}
YES_NO = {True: NC_("yes or no", "yes"), False: NC_("yes or no", "no")}


def unit_name(unit: str | None, locale) -> str:
    """A target's unit as printed: m², %, or the word for a count of districts."""
    if unit in UNIT_NAMES:
        return pgettext("tally unit", UNIT_NAMES[unit], locale)
    return {"m2": "m²", "percent": "%"}.get(unit or "", unit or "")


def _cell(value, locale):
    """One table cell as the reader gets it: yes/no in words, numbers rounded."""
    if isinstance(value, bool):
        return pgettext("yes or no", YES_NO[value], locale)
    if isinstance(value, float):
        return round(value, TABLE_DECIMALS)
    return value


def tables(ctx: dict) -> dict[str, tuple[list[str], list[list]]]:
    """The context as named tables (headers, rows) for CSV and XLSX, cells in words and
    numbers rounded to `TABLE_DECIMALS`."""
    named = _tables(ctx)
    locale = locale_of(ctx["locale"])
    return {
        name: (heads, [[_cell(v, locale) for v in row] for row in rows])
        for name, (heads, rows) in named.items()
    }


def _tables(ctx: dict) -> dict[str, tuple[list[str], list[list]]]:
    locale = locale_of(ctx["locale"])
    area_names = [t["name"] for t in ctx["area_targets"]]

    def h(header: str, context: str = "tally table") -> str:
        return pgettext(context, header, locale)

    summary = [
        [
            t["name"],
            unit_name(t["unit"], locale),
            t["value"],
            t["added"],
            t["removed"],
            t["period"],
            t["cumulative"],
            t["percent"],
            (t["projection"] or {}).get("path_value"),
            (t["projection"] or {}).get("projected_at_deadline"),
            (t["projection"] or {}).get("met"),
            (t["projection"] or {}).get("met_on"),
        ]
        for t in ctx["targets"]
    ]
    by_year = [
        [y["year"], *[c[k] for c in y["cells"] for k in ("added", "removed", "cumulative")]]
        for y in ctx["by_year"]
    ]
    year_heads = [
        h(pattern).format(target=n)
        for n in area_names
        for pattern in (
            NC_("tally table", "{target} added"),
            NC_("tally table", "{target} removed"),
            NC_("tally table", "{target} cumulative"),
        )
    ]

    def grouped(items):
        return [
            [g["name"], *[c[k] for c in g["cells"] for k in ("period", "cumulative")]]
            for g in items
        ]

    group_heads = [
        h(pattern).format(target=n)
        for n in area_names
        for pattern in (
            NC_("tally table", "{target} period"),
            NC_("tally table", "{target} cumulative"),
        )
    ]
    record_heads = [
        h(NC_("tally table", "target")),
        h(NC_("tally table", "building id")),
        h(NC_("tally table", "building")),
        h(NC_("tally table", "district")),
        h(NC_("tally table", "building type")),
        h(NC_("tally table", "record id")),
        h(NC_("tally table", "kind")),
        h(NC_("tally table", "level")),
        h(NC_("tally table", "label number")),
        h(NC_("tally table", "counted on")),
        h(NC_("tally table", "area (m²)")),
        h(NC_("tally table", "revoked on")),
    ]

    def record_rows(items):
        return [
            [
                r["target_name"],
                r["building_id"],
                r["building_name"],
                r["district_name"],
                r["building_type"],
                r["record_id"],
                r["kind"],
                r["level"],
                r["label_number"],
                r["counted_on"],
                r["area_m2"],
                r["removed_on"],
            ]
            for r in items
        ]

    return {
        "summary": (
            [
                h(NC_("tally table", "target")),
                h(NC_("tally table", "unit")),
                h(NC_("tally table", "target value")),
                h(NC_("tally table", "added")),
                h(NC_("tally table", "removed")),
                h(NC_("tally table", "period")),
                h(NC_("tally table", "cumulative")),
                h(NC_("tally table", "percent")),
                h(NC_("tally table", "straight-line path")),
                h(NC_("tally table", "projected at deadline")),
                h(NC_("tally table", "met")),
                h(NC_("tally table", "met on")),
            ],
            summary,
        ),
        "by_year": ([h(NC_("tally table", "year")), *year_heads], by_year),
        "by_district": (
            [h(NC_("tally table", "district")), *group_heads],
            grouped(ctx["by_district"]),
        ),
        "by_building_type": (
            [h(NC_("tally table", "building type")), *group_heads],
            grouped(ctx["by_building_type"]),
        ),
        "prefab": (
            [
                h(NC_("tally table", "year")),
                h(NC_("tally table", "new area (m²)")),
                h(NC_("tally table", "prefabricated (m²)")),
                h(NC_("tally table", "share (%)")),
                h(NC_("tally table, goal reached", "met"), "tally table, goal reached"),
            ],
            [
                [p["year"], p["new_area_m2"], p["prefab_area_m2"], p["share_pct"], p["met"]]
                for p in ctx["prefab"]
            ],
        ),
        "nzeb": (
            [
                h(NC_("tally table, pilots", "district"), "tally table, pilots"),
                h(NC_("tally table", "pilots")),
                h(NC_("tally table, goal reached", "met"), "tally table, goal reached"),
            ],
            [[d["name"], "; ".join(p["name"] for p in d["pilots"]), d["met"]] for d in ctx["nzeb"]],
        ),
        "records": (record_heads, record_rows(ctx["rows"])),
        "later_revocations": (record_heads, record_rows(ctx["later_revocations"])),
    }


TABLE_NAMES = (
    "summary",
    "by_year",
    "by_district",
    "by_building_type",
    "prefab",
    "nzeb",
    "records",
    "later_revocations",
)
