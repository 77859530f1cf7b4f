"""The quota rows the registry ships with, as transcribed from the standards.

Each row's `source` names what it was transcribed from, and its `source_status` how sure that
transcription is (FACTS below is the project's research notes on the standards, which record
each transcription and its confidence):

- ``verified-primary``: read in a full-text extraction of the standard (DB37/T 2671-2019);
- ``verified-secondary``: read in a transcription that says it checked the original
  (DB37/T 2672, 2673 and 3780, all from [S3]);
- ``derived``: inferred by FACTS from the table layout (one merged cell, see below);
- ``unverified``: recalled, no text to check against (every GB/T 51161 row).

Only rows that can apply in Qingdao are seeded: the DB37/T 2672/2673 tables split by the
DB37/5026 sub-zone and Qingdao is always 寒冷A (FACTS §5.1, §7.5), so the B rows are left
out; provincial (省级) rows are left out because Qingdao hosts no provincial body in the
pilot scope. Tables 3 (per person) and 5 (data-centre EUE) are not seeded: a simulation
has no headcount or IT load to compare them with.

A row whose levels are all None is the standard's "—": too little data to set a quota. It
is kept so the verdict can say so instead of "no row found".

Values are (constraint, baseline, guide) in the standards' own column order
(约束值 / 基准值 / 引导值); `_row` turns them into named levels.
"""

from __future__ import annotations

from registry.domain.quotas.verdict import (
    BASIS_CONVENTIONAL_ELECTRICITY,
    BASIS_HEATING,
    BASIS_NON_HEATING,
    QuotaRowData,
)
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


def _row(
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


# --- DB37/T 2671-2019 教育机构 (VERIFIED-PRIMARY, FACTS §2.2; no A/B split) -----------------

DB2671 = "DB37/T 2671-2019"
_SCHOOL_NON_HEATING = {
    "higher_bachelor": ((16.5, 10.0, 7.5), "高等教育 本科及以上"),
    "higher_vocational": ((15.3, 8.2, 5.9), "高等教育 专科"),
    "secondary_day": ((9.6, 6.5, 3.5), "中等教育 普通非寄宿制"),
    "secondary_boarding": ((11.5, 7.0, 4.0), "中等教育 普通寄宿制"),
    "primary": ((8.8, 5.8, 3.0), "初等教育"),
    "preschool": ((12.2, 7.2, 4.3), "学前教育"),
    "other": ((12.4, 7.6, 5.0), "其他教育"),
}
# (sub-types sharing one printed row, conventional electricity kWh, heating by type)
_SCHOOL_SHARED = {
    "higher": (
        ("higher_bachelor", "higher_vocational"),
        (40.8, 22.2, 16.1),
        {
            "air_conditioning": (9.6, 5.8, 4.3),
            "gas_oil": (7.4, 4.6, 2.8),
            "district": (12.4, 9.7, 7.1),
        },
        "高等教育（本科及以上、专科共用一行）",
    ),
    "secondary_day": (
        ("secondary_day",),
        (24.6, 13.6, 7.3),
        {
            "air_conditioning": (7.8, 4.3, 2.6),
            "gas_oil": (6.7, 3.6, 2.5),
            "district": (10.6, 8.7, 6.0),
        },
        "中等教育 普通非寄宿制",
    ),
    "secondary_boarding": (
        ("secondary_boarding", "secondary_vocational"),
        (27.9, 17.4, 9.0),
        {"air_conditioning": (8.3, 4.5, 2.8), "gas_oil": DASH, "district": (11.4, 9.0, 6.3)},
        "中等教育 普通寄宿制（与职业学校共用一行）",
    ),
    "primary": (
        ("primary",),
        (23.1, 12.8, 6.7),
        {
            "air_conditioning": (7.6, 4.2, 2.4),
            "gas_oil": (4.5, 3.0, 2.2),
            "district": (10.3, 8.1, 5.8),
        },
        "初等教育",
    ),
    "preschool": (
        ("preschool",),
        (30.1, 17.6, 9.4),
        {"air_conditioning": (9.2, 4.8, 3.6), "gas_oil": DASH, "district": (11.7, 9.5, 6.7)},
        "学前教育",
    ),
    "other": (
        ("other",),
        (25.0, 16.1, 8.7),
        {"air_conditioning": (8.5, 4.6, 3.0), "gas_oil": DASH, "district": (11.5, 9.3, 6.5)},
        "其他教育",
    ),
}
_HEATING_LABELS = {
    "air_conditioning": "空调供暖",
    "gas_oil": "燃气(油)供暖",
    "district": "市政集中供暖(按热计量)",
}


def _school_rows() -> list[QuotaRowData]:
    rows = []
    for sub, (levels, label) in _SCHOOL_NON_HEATING.items():
        rows.append(
            _row(
                f"db37t2671.t1.{sub}",
                DB2671,
                "表1",
                ZONE_SHANDONG,
                "school",
                (sub,),
                BASIS_NON_HEATING,
                KGCE,
                levels,
                S1,
                "verified-primary",
                label=label,
            )
        )
    # The 职业学校 non-heating cell is merged in the extraction; FACTS reads it as sharing
    # the 寄宿制 values ("appears to"), which is an inference, hence 'derived'.
    rows.append(
        _row(
            "db37t2671.t1.secondary_vocational",
            DB2671,
            "表1",
            ZONE_SHANDONG,
            "school",
            ("secondary_vocational",),
            BASIS_NON_HEATING,
            KGCE,
            (11.5, 7.0, 4.0),
            S1,
            "derived",
            label="中等职业学校",
            notes="Merged cell in the extraction; read as sharing the 普通寄宿制 values.",
        )
    )
    for group, (subs, electricity, heating, label) in _SCHOOL_SHARED.items():
        rows.append(
            _row(
                f"db37t2671.t4.{group}",
                DB2671,
                "表4",
                ZONE_SHANDONG,
                "school",
                subs,
                BASIS_CONVENTIONAL_ELECTRICITY,
                KWH,
                electricity,
                S1,
                "verified-primary",
                label=label,
            )
        )
        for heating_type, levels in heating.items():
            rows.append(
                _row(
                    f"db37t2671.t2.{group}.{heating_type}",
                    DB2671,
                    "表2",
                    ZONE_SHANDONG,
                    "school",
                    subs,
                    BASIS_HEATING,
                    KGCE,
                    levels,
                    S1,
                    "verified-primary",
                    heating_type=heating_type,
                    label=f"{label} {_HEATING_LABELS[heating_type]}",
                )
            )
    return rows


# --- DB37/T 2672-2019 党政机关 (VERIFIED-SECONDARY, FACTS §2.3) -----------------------------

DB2672 = "DB37/T 2672-2019"


def _government_rows() -> list[QuotaRowData]:
    rows = []
    for sub, label, non_heating, electricity in (
        ("city", "市级 A区", (21.9, 14.9, 7.2), (72.6, 49.9, 22.7)),
        ("below_city", "市级以下 A区", (20.0, 11.9, 6.5), (67.4, 39.5, 20.0)),
    ):
        rows.append(
            _row(
                f"db37t2672.t1.{sub}.A",
                DB2672,
                "表1",
                ZONE_A,
                "office_government",
                (sub,),
                BASIS_NON_HEATING,
                KGCE,
                non_heating,
                S3,
                "verified-secondary",
                label=label,
            )
        )
        rows.append(
            _row(
                f"db37t2672.t4.{sub}.A",
                DB2672,
                "表4",
                ZONE_A,
                "office_government",
                (sub,),
                BASIS_CONVENTIONAL_ELECTRICITY,
                KWH,
                electricity,
                S3,
                "verified-secondary",
                label=label,
            )
        )
    # Table 2 is not split by administrative level, so it applies to every sub-type.
    for heating_type, levels in (
        ("district", (12.7, 11.1, 8.3)),
        ("air_conditioning", (12.4, 8.9, 6.4)),
        ("gas_oil", (12.3, 8.4, 4.8)),
    ):
        rows.append(
            _row(
                f"db37t2672.t2.{heating_type}",
                DB2672,
                "表2",
                ZONE_SHANDONG,
                "office_government",
                (),
                BASIS_HEATING,
                KGCE,
                levels,
                S3,
                "verified-secondary",
                heating_type=heating_type,
                label=_HEATING_LABELS[heating_type],
            )
        )
    return rows


# --- DB37/T 2673-2019 医疗机构 (VERIFIED-SECONDARY, FACTS §2.4) -----------------------------

DB2673 = "DB37/T 2673-2019"


def _hospital_rows() -> list[QuotaRowData]:
    rows = []
    for sub, label, non_heating, electricity in (
        ("grade_3", "三级 A区", (38.1, 30.3, 21.9), (118.1, 87.9, 68.7)),
        ("grade_2", "二级 A区", (22.6, 15.3, 9.4), (73.1, 53.0, 34.9)),
        ("grade_1", "一级 A区", (13.8, 8.0, 4.3), (55.1, 33.6, 21.5)),
    ):
        rows.append(
            _row(
                f"db37t2673.t1.{sub}.A",
                DB2673,
                "表1",
                ZONE_A,
                "hospital",
                (sub,),
                BASIS_NON_HEATING,
                KGCE,
                non_heating,
                S3,
                "verified-secondary",
                label=label,
            )
        )
        rows.append(
            _row(
                f"db37t2673.t4.{sub}.A",
                DB2673,
                "表4",
                ZONE_A,
                "hospital",
                (sub,),
                BASIS_CONVENTIONAL_ELECTRICITY,
                KWH,
                electricity,
                S3,
                "verified-secondary",
                label=label,
            )
        )
    for heating_type, levels in (
        ("district", (13.4, 10.0, 7.9)),
        ("air_conditioning", (15.1, 9.2, 6.2)),
        ("gas_oil", (12.3, 8.3, 5.5)),
    ):
        rows.append(
            _row(
                f"db37t2673.t2.{heating_type}",
                DB2673,
                "表2",
                ZONE_SHANDONG,
                "hospital",
                (),
                BASIS_HEATING,
                KGCE,
                levels,
                S3,
                "verified-secondary",
                heating_type=heating_type,
                label=_HEATING_LABELS[heating_type],
            )
        )
    return rows


# --- DB37/T 3780-2019 场馆机构 (VERIFIED-SECONDARY, FACTS §2.5; full tables from [S3]) ------

DB3780 = "DB37/T 3780-2019"
# kind -> (label, non-heating 市, non-heating 区县, electricity 市, electricity 区县, heating)
_VENUES = {
    "library": (
        "图书馆",
        (16.2, 12.2, 9.7),
        (13.4, 6.4, 4.8),
        (57.1, 35.1, 24.3),
        (39.2, 23.5, 14.3),
        {
            "district": (12.5, 11.4, 9.3),
            "air_conditioning": (10.2, 7.4, 5.3),
            "gas_oil": (12.0, 8.0, 6.2),
        },
    ),
    "museum": (
        "博物馆",
        (21.9, 15.3, 8.0),
        (16.6, 12.5, 6.2),
        (65.8, 46.7, 27.7),
        (37.9, 27.9, 16.8),
        {
            "district": (12.9, 11.8, 10.3),
            "air_conditioning": (10.4, 7.2, 4.9),
            "gas_oil": (9.9, 7.7, 5.1),
        },
    ),
    "theatre": (
        "剧院",
        (17.3, 12.3, 8.2),
        (13.6, 7.6, 5.3),
        (67.1, 48.2, 32.3),
        (40.1, 25.2, 15.5),
        {"district": (12.6, 11.6, 9.9), "air_conditioning": (10.9, 6.9, 4.3), "gas_oil": DASH},
    ),
    "stadium": (
        "体育馆",
        (16.7, 14.9, 11.3),
        (14.8, 8.8, 6.9),
        (54.3, 34.5, 23.9),
        (48.3, 22.5, 14.3),
        {
            "district": (16.7, 13.2, 11.5),
            "air_conditioning": (14.1, 11.1, 9.5),
            "gas_oil": (36.4, 30.4, 24.3),
        },
    ),
    "science_museum": (
        "科技馆",
        (15.6, 8.3, 6.6),
        (11.3, 6.5, 4.8),
        (76.3, 42.9, 26.3),
        (53.3, 30.8, 19.3),
        {"district": (12.1, 11.3, 9.3), "air_conditioning": (9.1, 7.3, 4.8), "gas_oil": DASH},
    ),
}


def _venue_sub_types(kind: str, level: str | None) -> tuple[str, ...]:
    # Note 4 of the standard: other cultural venues take the library values.
    kinds = (kind, "other_culture") if kind == "library" else (kind,)
    levels = ("city", "county") if level is None else (level,)
    return tuple(f"{k}_{lv}" for k in kinds for lv in levels)


def _venue_rows() -> list[QuotaRowData]:
    rows = []
    for kind, (label, nh_city, nh_county, el_city, el_county, heating) in _VENUES.items():
        for level, level_label, non_heating, electricity in (
            ("city", "市", nh_city, el_city),
            ("county", "区、县", nh_county, el_county),
        ):
            subs = _venue_sub_types(kind, level)
            rows.append(
                _row(
                    f"db37t3780.t1.{kind}.{level}",
                    DB3780,
                    "表1",
                    ZONE_SHANDONG,
                    "venue",
                    subs,
                    BASIS_NON_HEATING,
                    KGCE,
                    non_heating,
                    S3,
                    "verified-secondary",
                    label=f"{label}（{level_label}）",
                )
            )
            rows.append(
                _row(
                    f"db37t3780.t4.{kind}.{level}",
                    DB3780,
                    "表4",
                    ZONE_SHANDONG,
                    "venue",
                    subs,
                    BASIS_CONVENTIONAL_ELECTRICITY,
                    KWH,
                    electricity,
                    S3,
                    "verified-secondary",
                    label=f"{label}（{level_label}）",
                )
            )
        for heating_type, levels in heating.items():
            rows.append(
                _row(
                    f"db37t3780.t2.{kind}.{heating_type}",
                    DB3780,
                    "表2",
                    ZONE_SHANDONG,
                    "venue",
                    _venue_sub_types(kind, None),
                    BASIS_HEATING,
                    KGCE,
                    levels,
                    S3,
                    "verified-secondary",
                    heating_type=heating_type,
                    label=f"{label} {_HEATING_LABELS[heating_type]}",
                )
            )
    return rows


# --- GB/T 51161-2016 non-heating, 严寒和寒冷 column (UNVERIFIED, FACTS §1.2) ---------------

GB51161 = "GB/T 51161-2016"
# (building type, sub-types, hvac class, label, (constraint, guide)); the standard has no 基准值.
# The mall sizes are tied to the class in the table: A lists 一般 stores, B lists 大型 ones.
_GB_ROWS = (
    ("office_government", (), "A", "A类办公 党政机关办公", (55, 45)),
    ("office_commercial", (), "A", "A类办公 商业办公", (65, 55)),
    ("office_government", (), "B", "B类办公 党政机关办公", (70, 50)),
    ("office_commercial", (), "B", "B类办公 商业办公", (80, 60)),
    ("hotel", ("star_3_or_below",), "A", "A类旅馆 三星级及以下", (70, 50)),
    ("hotel", ("star_4",), "A", "A类旅馆 四星级", (85, 65)),
    ("hotel", ("star_5",), "A", "A类旅馆 五星级", (100, 80)),
    ("hotel", ("star_3_or_below",), "B", "B类旅馆 三星级及以下", (100, 70)),
    ("hotel", ("star_4",), "B", "B类旅馆 四星级", (120, 85)),
    ("hotel", ("star_5",), "B", "B类旅馆 五星级", (150, 110)),
    ("mall", ("department_store",), "A", "A类商场 一般百货店", (80, 60)),
    ("mall", ("shopping_centre",), "A", "A类商场 一般购物中心", (80, 60)),
    ("mall", ("supermarket",), "A", "A类商场 一般超市", (110, 90)),
    ("mall", ("restaurant",), "A", "A类商场 餐饮店", (60, 45)),
    ("mall", ("shop",), "A", "A类商场 一般商铺", (55, 40)),
    ("mall", ("department_store",), "B", "B类商场 大型百货店", (140, 100)),
    ("mall", ("shopping_centre",), "B", "B类商场 大型购物中心", (175, 135)),
    ("mall", ("supermarket",), "B", "B类商场 大型超市", (170, 120)),
)


def _gb_rows() -> list[QuotaRowData]:
    rows = []
    for building_type, subs, hvac_class, label, (constraint, guide) in _GB_ROWS:
        suffix = subs[0] if subs else "all"
        rows.append(
            _row(
                f"gbt51161.{building_type}.{suffix}.{hvac_class}",
                GB51161,
                "第5章 非供暖能耗指标",
                ZONE_COLD,
                building_type,
                subs,
                BASIS_NON_HEATING,
                KWH,
                (float(constraint), None, float(guide)),
                RECALLED,
                "unverified",
                hvac_class=hvac_class,
                label=f"{label}（严寒和寒冷地区）",
            )
        )
    return rows


def seed_rows() -> list[QuotaRowData]:
    """Every shipped quota row, in a stable order."""
    return _school_rows() + _government_rows() + _hospital_rows() + _venue_rows() + _gb_rows()
