"""What the shipped quota tables share (`data`): the units, zones and sources they cite, the
standards' table names, and `row`, which makes a quota row of a printed table's levels."""

from __future__ import annotations

from registry.domain.quotas.verdict import QuotaRowData
from registry.domain.text import NC_

# Each table (or section) a seeded row or conversion factor cites, as stored, and its name
# for the reader (the catalogue gives the Chinese back as printed: "Table 1" -> "表1").
TABLE_NAMES = {
    "表1": NC_("standard table", "Table 1"),
    "表2": NC_("standard table", "Table 2"),
    "表3": NC_("standard table", "Table 3"),
    "表4": NC_("standard table", "Table 4"),
    "表5": NC_("standard table", "Table 5"),
    "表B.1": NC_("standard table", "Table B.1"),
    "第5章 非供暖能耗指标": NC_("standard table", "Chapter 5, non-heating energy indicators"),
}

KGCE = "kgce/(m2·a)"
KWH = "kWh/(m2·a)"

ZONE_A = "cold_A"  # 寒冷A区 of DB37/5026, Qingdao's sub-zone
ZONE_SHANDONG = "shandong"  # a DB37/T table with no A/B split
ZONE_COLD = "cold"  # the 严寒和寒冷地区 column of GB/T 51161

S1 = (
    "[S1] full-text extraction of DB37/T 2671-2019, GitHub ma1138569845/dechnicAuditor-agent "
    "skills/energy-audit/energy-audit-core/references/standards-sources/"
    "DB37T2671-2019-全文抽取.txt"
)
S3 = (
    "[S3] transcription in GitHub ma1138569845/dechnicAuditor-agent "
    "skills/energy-audit/energy-audit-core/references/standards-values.md (commit bc63332c), "
    "which says the original was checked"
)
RECALLED = "recalled in FACTS.md §1.2; the printed standard was not available to check"

DASH = (None, None, None)

Levels = tuple[float | None, float | None, float | None]


def row(
    key: str,
    standard: str,
    table: str,
    zone: str,
    building_type: str,
    sub_types: tuple[str, ...],
    basis: str,
    unit: str,
    levels: Levels,
    source: str,
    status: str,
    *,
    hvac_class: str | None = None,
    heating_type: str | None = None,
    label: str = "",
    notes: str = "",
) -> QuotaRowData:
    constraint, baseline, guide = levels
    if levels == DASH and not notes:
        notes = "The standard shows '—': too little data to set a quota."
    return QuotaRowData(
        key=key,
        standard=standard,
        table=table,
        climate_zone=zone,
        building_type=building_type,
        sub_types=sub_types,
        hvac_class=hvac_class,
        heating_type=heating_type,
        basis=basis,
        unit=unit,
        guide=guide,
        baseline=baseline,
        constraint=constraint,
        source=f"{standard} {table} {label}; {source}".strip(),
        source_status=status,
        notes=notes,
    )


# The heating columns of the DB37/T tables, as printed.
HEATING_LABELS = {
    "air_conditioning": "空调供暖",
    "gas_oil": "燃气(油)供暖",
    "district": "市政集中供暖(按热计量)",
}
