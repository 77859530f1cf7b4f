"""GB/T 51161-2016's non-heating quotas, the 严寒和寒冷 column, as shipped (`data`): recalled, so
every row is flagged unverified."""

from __future__ import annotations

from registry.domain.quotas.transcribed import (
    KWH,
    RECALLED,
    ZONE_COLD,
    row,
)
from registry.domain.quotas.verdict import (
    BASIS_NON_HEATING,
    QuotaRowData,
)

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


def gb_rows() -> list[QuotaRowData]:
    rows = []
    for building_type, subs, hvac_class, label, (constraint, guide) in _GB_ROWS:
        suffix = subs[0] if subs else "all"
        rows.append(
            row(
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
