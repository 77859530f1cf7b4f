"""The reference building's parameters and the levels' thresholds (GB/T 51350-2019 with
GB 50189-2015 as the reference level), as rows of data.

Every value here was recalled, not read from the printed standards, so every row is seeded
`unverified` and every report says so until an administrator confirms it (a confirmed edit
adds the row's next version; a check keeps the versions it used).

`registry init` stores each row as version 1 (registry.services.saving.seed).
"""

from __future__ import annotations

from dataclasses import dataclass

UNVERIFIED = "unverified"

GB50189 = "GB 50189-2015"
GB51350 = "GB/T 51350-2019"
GB50034 = "GB 50034-2013"
GB50176 = "GB 50176-2016"

RECALLED = "recalled by the registry's authors, not checked against the printed standard"
REGISTRY = "本登记系统"
OWN_RULE = "registry's own rule"
REGISTRY_RULE = "registry-rule"  # a source status: set by the registry, not a standard
_PAIR = "设计师参照建筑一致性比对"


def _tolerance(name: str, clause: str, value: float, unit: str) -> ParamData:
    return ParamData(
        f"consistency.{name}",
        REGISTRY,
        f"{_PAIR}：{clause}",
        value,
        unit,
        source=OWN_RULE,
        source_status=REGISTRY_RULE,
    )


@dataclass(frozen=True)
class ParamData:
    key: str
    standard: str
    clause: str
    value: float
    unit: str
    source: str = RECALLED
    source_status: str = UNVERIFIED
    notes: str = ""


# Keys the transformation and the rates read. Window rows are per band of the façade's
# window-to-wall ratio: `window_u.0.30` holds for 0.20 < WWR <= 0.30.
WWR_BANDS = (0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 1.00)
_WINDOW_U = (3.0, 2.7, 2.4, 2.2, 2.0, 1.9, 1.6, 1.5)
# East, south and west façades; no limit (None) below 0.20 (the design's value is kept).
_SHGC = (None, 0.52, 0.48, 0.43, 0.40, 0.35, 0.30, 0.25)
# North façades: no limit below 0.60.
_SHGC_NORTH = (None, None, None, None, None, 0.60, 0.52, 0.48)


def band_key(prefix: str, upper: float) -> str:
    return f"{prefix}.{upper:.2f}"


# Space types read from a zone's name (English or Chinese words designers use); office when
# nothing matches. Each has an `lpd.<type>` row below.
SPACE_KEYWORDS = (
    ("meeting", ("meeting", "conference", "会议")),
    ("lobby", ("lobby", "hall", "大厅", "门厅")),
    ("corridor", ("corridor", "走廊", "circulation")),
)


_COLD = "寒冷地区, 甲类, S ≤ 0.30"

SEED_PARAMS: tuple[ParamData, ...] = (
    # Envelope of the reference building (GB 50189-2015 Table 3.3.1-3, cold zone).
    ParamData("roof_u", GB50189, f"表3.3.1-3 屋面 ({_COLD})", 0.45, "W/(m2·K)"),
    ParamData("wall_u", GB50189, f"表3.3.1-3 外墙 ({_COLD})", 0.50, "W/(m2·K)"),
    ParamData("exposed_floor_u", GB50189, f"表3.3.1-3 架空或外挑楼板 ({_COLD})", 0.50, "W/(m2·K)"),
    ParamData(
        "ground_floor_r",
        GB50189,
        "表3.3.1-3 周边地面 热阻",
        0.60,
        "m2·K/W",
        notes="Applied to the whole slab's layers (without surface films).",
    ),
    ParamData("wwr_max", GB50189, "3.2.2 单一立面窗墙面积比", 0.70, "1"),
    ParamData("surface_rsi", GB50176, "内表面换热阻", 0.11, "m2·K/W"),
    ParamData("surface_rse", GB50176, "外表面换热阻", 0.04, "m2·K/W"),
    *(
        ParamData(
            band_key("window_u", upper),
            GB50189,
            f"表3.3.1-3 外窗 K (WWR ≤ {upper:.2f})",
            u,
            "W/(m2·K)",
        )
        for upper, u in zip(WWR_BANDS, _WINDOW_U, strict=True)
    ),
    *(
        ParamData(
            band_key("window_shgc", upper),
            GB50189,
            f"表3.3.1-3 外窗 SHGC 东南西 (WWR ≤ {upper:.2f})",
            shgc,
            "1",
        )
        for upper, shgc in zip(WWR_BANDS, _SHGC, strict=True)
        if shgc is not None
    ),
    *(
        ParamData(
            band_key("window_shgc_north", upper),
            GB50189,
            f"表3.3.1-3 外窗 SHGC 北向 (WWR ≤ {upper:.2f})",
            shgc,
            "1",
        )
        for upper, shgc in zip(WWR_BANDS, _SHGC_NORTH, strict=True)
        if shgc is not None
    ),
    # Lighting power density (the current values, 现行值).
    ParamData("lpd.office", GB50034, "表6.3.3 普通办公室", 9.0, "W/m2"),
    ParamData("lpd.meeting", GB50034, "表6.3.3 会议室", 9.0, "W/m2"),
    ParamData("lpd.lobby", GB50034, "表6.3.3 服务大厅", 11.0, "W/m2"),
    ParamData("lpd.corridor", GB50034, "表6.3.13 走廊", 2.5, "W/m2"),
    # Systems of the reference building and the energy basis (GB 50189-2015 Appendix B).
    ParamData(
        "ref_cooling_scop",
        GB50189,
        "附录B 空调系统综合性能系数 SCOP_T",
        2.5,
        "1",
        notes="The reference building's ideal-load cooling, metered as electricity.",
    ),
    ParamData(
        "ref_heating_efficiency",
        GB50189,
        "附录B 供暖 (热量计于换热站)",
        1.0,
        "1",
        notes="The reference building's ideal-load heating, metered as district heating "
        "water at the building's substation.",
    ),
    ParamData(
        "factor.electricity",
        GB50189,
        "附录B 电 → 电当量",
        1.0,
        "kWh/kWh",
    ),
    ParamData(
        "factor.district_heating",
        GB50189,
        "附录B E_H = Q_H / (η1·q1·q2)",
        round(1 / (0.75 * 8.14 * 0.360), 4),
        "kWh/kWh",
        notes="1/(η1 q1 q2) with coal boiler η1 = 0.75, q1 = 8.14 kWh/kgce, "
        "q2 = 0.360 kgce/kWh (all recalled).",
    ),
    ParamData(
        "factor.natural_gas",
        GB50189,
        "附录B (燃气, 同法)",
        round(1 / (8.14 * 0.360), 4),
        "kWh/kWh",
        notes="1/(q1 q2): fuel energy as coal equivalent, then as power-plant electricity.",
    ),
    ParamData("factor.district_cooling", GB50189, "附录B Q_C / SCOP_T", 0.4, "kWh/kWh"),
    # Level thresholds, public buildings in the cold zone (GB/T 51350-2019 Table 5.0.4).
    ParamData(
        "public.ultra_low.comprehensive_pct", GB51350, "表5.0.4 建筑综合节能率 超低", 50.0, "%"
    ),
    ParamData(
        "public.ultra_low.itself_pct", GB51350, "表5.0.4 建筑本体节能率 寒冷 超低", 25.0, "%"
    ),
    ParamData(
        "public.nearly_zero.comprehensive_pct", GB51350, "表5.0.4 建筑综合节能率 近零", 60.0, "%"
    ),
    ParamData(
        "public.nearly_zero.itself_pct", GB51350, "表5.0.4 建筑本体节能率 寒冷 近零", 30.0, "%"
    ),
    ParamData(
        "public.nearly_zero.renewable_pct", GB51350, "表5.0.4 可再生能源利用率 近零", 10.0, "%"
    ),
    ParamData("public.n50_max", GB51350, "表5.0.4 气密性 n50 寒冷", 1.0, "1/h"),
    # Residential, cold zone (GB/T 51350-2019 Table 5.0.2), judged from the design's ideal loads
    # (registry.domain.saving.residential).
    ParamData(
        "residential.ultra_low.heating_kwh_m2",
        GB51350,
        "表5.0.2 供暖年耗热量 超低",
        20.0,
        "kWh/(m2·a)",
    ),
    ParamData(
        "residential.nearly_zero.heating_kwh_m2",
        GB51350,
        "表5.0.2 供暖年耗热量 近零",
        15.0,
        "kWh/(m2·a)",
    ),
    ParamData("residential.n50_max", GB51350, "表5.0.2 气密性 n50", 0.6, "1/h"),
    # Cooling demand limit = base + wdh20·WDH20 + ddh28·DDH28 (degree-hours in kKh).
    *(
        ParamData(
            f"residential.{level}.cooling_{term}",
            GB51350,
            f"表5.0.2 供冷年耗冷量 {name} ({label})",
            value,
            unit,
        )
        for level, name, terms in (
            ("ultra_low", "超低", (3.5, 2.0, 2.2)),
            ("nearly_zero", "近零", (3.0, 1.5, 2.0)),
        )
        for (term, label, unit), value in zip(
            (
                ("base", "常数项", "kWh/(m2·a)"),
                ("wdh20", "× WDH20", "kWh/(m2·a·kKh)"),
                ("ddh28", "× DDH28", "kWh/(m2·a·kKh)"),
            ),
            terms,
            strict=True,
        )
    ),
    ParamData(
        "residential.nearly_zero.renewable_pct", GB51350, "表5.0.2 可再生能源利用率 近零", 10.0, "%"
    ),
    # The designer's reference building is compared with its design within these (the
    # registry's own rule, not a standard's).
    _tolerance("area_rel", "面积（楼面、外表面）相对容差", 0.01, "1"),
    _tolerance("area_abs_m2", "面积绝对容差下限", 0.01, "m2"),
    _tolerance("volume_rel", "体积相对容差", 0.01, "1"),
    _tolerance("load_rel", "人员与设备负荷相对容差", 0.01, "1"),
    _tolerance("air_rel", "渗透风量与新风量相对容差", 0.01, "1"),
    _tolerance("orientation_deg", "朝向容差", 5.0, "°"),
    _tolerance("standard_rel", "参照建筑取值（标准规定值）相对容差", 0.02, "1"),
    ParamData(
        "residential.heating_setpoint_c",
        GB51350,
        "室内热湿环境 冬季温度 ≥",
        20.0,
        "°C",
        notes="Stated with the demands; the model's own thermostats drive its ideal loads.",
    ),
    ParamData(
        "residential.cooling_setpoint_c",
        GB51350,
        "室内热湿环境 夏季温度 ≤",
        26.0,
        "°C",
        notes="Stated with the demands; the model's own thermostats drive its ideal loads.",
    ),
)

# End uses counted in the energy basis (ABUPS rows). Plug loads (Interior/Exterior Equipment)
# are left out: the standard's building energy is heating, cooling, ventilation, lighting,
# hot water and lifts (recalled), and plug loads are the same in both buildings anyway.
COUNTED_END_USES = (
    "Heating",
    "Cooling",
    "Interior Lighting",
    "Exterior Lighting",
    "Fans",
    "Pumps",
    "Heat Rejection",
    "Humidification",
    "Heat Recovery",
    "Water Systems",
)
# ABUPS fuel column -> the parameter holding its factor to the energy basis.
FUEL_FACTORS = {
    "Electricity": "factor.electricity",
    "District Heating Water": "factor.district_heating",
    "District Heating Steam": "factor.district_heating",
    "Natural Gas": "factor.natural_gas",
    "District Cooling": "factor.district_cooling",
}


def seed_values() -> dict[str, float]:
    """Every parameter's seeded value by key: what the pure code and its tests read."""
    return {row.key: row.value for row in SEED_PARAMS}


def seed_parameters() -> dict[str, dict]:
    """The seed rows in the shape the transformation and the rates read (version 0)."""
    return {
        row.key: {
            "value": row.value,
            "unit": row.unit,
            "version": 0,
            "source_status": row.source_status,
            "standard": row.standard,
            "clause": row.clause,
        }
        for row in SEED_PARAMS
    }
