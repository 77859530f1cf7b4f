"""The quotas of DB37/T 2672-2019 (党政机关), 2673-2019 (医疗机构) and 3780-2019 (场馆机构),
Qingdao's A sub-zone where they split, as shipped (`data`)."""

from __future__ import annotations

from registry.domain.quotas.transcribed import (
    DASH,
    HEATING_LABELS,
    KGCE,
    KWH,
    S3,
    ZONE_A,
    ZONE_SHANDONG,
    row,
)
from registry.domain.quotas.verdict import (
    BASIS_CONVENTIONAL_ELECTRICITY,
    BASIS_HEATING,
    BASIS_NON_HEATING,
    QuotaRowData,
)


def _by_sub_type(
    standard: str, key: str, building_type: str, by_sub_type, heating
) -> list[QuotaRowData]:
    """The tables DB37/T 2672 and 2673 share in shape: Table 1 (non-heating) and Table 4
    (conventional electricity) by sub-type, the A sub-zone's rows; Table 2 (heating) by
    heating type, not split by sub-type, so for every one. `by_sub_type`: (sub-type, label,
    Table 1's levels, Table 4's levels); `heating`: (heating type, levels)."""
    rows = []
    for sub, label, non_heating, electricity in by_sub_type:
        for table, basis, unit, levels in (
            ("表1", BASIS_NON_HEATING, KGCE, non_heating),
            ("表4", BASIS_CONVENTIONAL_ELECTRICITY, KWH, electricity),
        ):
            rows.append(
                row(
                    f"{key}.t{table[-1]}.{sub}.A",
                    standard,
                    table,
                    ZONE_A,
                    building_type,
                    (sub,),
                    basis,
                    unit,
                    levels,
                    S3,
                    "verified-secondary",
                    label=label,
                )
            )
    for heating_type, levels in heating:
        rows.append(
            row(
                f"{key}.t2.{heating_type}",
                standard,
                "表2",
                ZONE_SHANDONG,
                building_type,
                (),
                BASIS_HEATING,
                KGCE,
                levels,
                S3,
                "verified-secondary",
                heating_type=heating_type,
                label=HEATING_LABELS[heating_type],
            )
        )
    return rows


# --- DB37/T 2672-2019 党政机关 (VERIFIED-SECONDARY, FACTS §2.3) -----------------------------

DB2672 = "DB37/T 2672-2019"


def government_rows() -> list[QuotaRowData]:
    return _by_sub_type(
        DB2672,
        "db37t2672",
        "office_government",
        (
            ("city", "市级 A区", (21.9, 14.9, 7.2), (72.6, 49.9, 22.7)),
            ("below_city", "市级以下 A区", (20.0, 11.9, 6.5), (67.4, 39.5, 20.0)),
        ),
        (
            ("district", (12.7, 11.1, 8.3)),
            ("air_conditioning", (12.4, 8.9, 6.4)),
            ("gas_oil", (12.3, 8.4, 4.8)),
        ),
    )


# --- DB37/T 2673-2019 医疗机构 (VERIFIED-SECONDARY, FACTS §2.4) -----------------------------

DB2673 = "DB37/T 2673-2019"


def hospital_rows() -> list[QuotaRowData]:
    return _by_sub_type(
        DB2673,
        "db37t2673",
        "hospital",
        (
            ("grade_3", "三级 A区", (38.1, 30.3, 21.9), (118.1, 87.9, 68.7)),
            ("grade_2", "二级 A区", (22.6, 15.3, 9.4), (73.1, 53.0, 34.9)),
            ("grade_1", "一级 A区", (13.8, 8.0, 4.3), (55.1, 33.6, 21.5)),
        ),
        (
            ("district", (13.4, 10.0, 7.9)),
            ("air_conditioning", (15.1, 9.2, 6.2)),
            ("gas_oil", (12.3, 8.3, 5.5)),
        ),
    )


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


def venue_rows() -> list[QuotaRowData]:
    rows = []
    for kind, (label, nh_city, nh_county, el_city, el_county, heating) in _VENUES.items():
        for level, level_label, non_heating, electricity in (
            ("city", "市", nh_city, el_city),
            ("county", "区、县", nh_county, el_county),
        ):
            subs = _venue_sub_types(kind, level)
            rows.append(
                row(
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
                row(
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
                row(
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
                    label=f"{label} {HEATING_LABELS[heating_type]}",
                )
            )
    return rows
