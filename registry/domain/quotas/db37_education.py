"""DB37/T 2671-2019's quotas for education institutions (教育机构), as shipped (`data`)."""

from __future__ import annotations

from registry.domain.quotas.transcribed import (
    DASH,
    HEATING_LABELS,
    KGCE,
    KWH,
    S1,
    ZONE_SHANDONG,
    row,
)
from registry.domain.quotas.verdict import (
    BASIS_CONVENTIONAL_ELECTRICITY,
    BASIS_HEATING,
    BASIS_NON_HEATING,
    QuotaRowData,
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


def school_rows() -> list[QuotaRowData]:
    rows = []
    for sub, (levels, label) in _SCHOOL_NON_HEATING.items():
        rows.append(
            row(
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
        row(
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
            row(
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
                row(
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
                    label=f"{label} {HEATING_LABELS[heating_type]}",
                )
            )
    return rows
