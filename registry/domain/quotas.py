"""Energy quotas as data, which row applies to a building, and where a value falls.

Two families of quota apply to Qingdao's public buildings (FACTS.md §1, §2):

- the Shandong public-institution series DB37/T 2671 / 2672 / 2673 / 3780: three levels
  (约束值 ≥ 基准值 ≥ 引导值) in kgce/(m²·a) for non-heating and, separately, heating energy
  by heating type, and kWh/(m²·a) for the electricity of conventional systems;
- GB/T 51161-2016: non-heating energy in kWh/(m²·a) with two levels (约束值, 引导值) by
  A/B class. Its values were recalled, not read, so every row is `unverified`.

When both apply to a basis, the better-sourced row decides; the other is named in a note.
Nothing here guesses: a building that no row fits gets the reason instead of a verdict.

Both families are statistics of *measured* annual operation; the registry compares them
with a design-stage EnergyPlus simulation, so every verdict carries that caveat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.domain.energy_accounting import MESSAGES as ACCOUNTING_MESSAGES

BASIS_NON_HEATING = "non_heating"
BASIS_HEATING = "heating"
BASIS_CONVENTIONAL_ELECTRICITY = "conventional_electricity"
BASES = (BASIS_NON_HEATING, BASIS_HEATING, BASIS_CONVENTIONAL_ELECTRICITY)

STATUSES = ("verified-primary", "verified-secondary", "derived", "unverified")
VERIFIED = ("verified-primary", "verified-secondary")

# From the better target to the upper limit.
LEVELS = ("guide", "baseline", "constraint")
LEVEL_NAMES = {
    "guide": ("引导值", "guide value"),
    "baseline": ("基准值", "baseline value"),
    "constraint": ("约束值", "constraint value"),
}

# Qingdao is fixed at 寒冷A (FACTS §5.1, §7.5): rows for that sub-zone, rows of Shandong
# tables with no A/B split, and the 严寒和寒冷 column of GB/T 51161 all apply.
QINGDAO_ZONES = ("cold_A", "shandong", "cold")

# GB/T 51161 office correction as implemented in [S11]; T0 and S0 per sub-type unverified.
OFFICE_T0_HOURS = 2500.0
OFFICE_S0_M2_PER_PERSON = 10.0

DB37_PREFIX = "DB37/T"
GB51161 = "GB/T 51161-2016"


@dataclass(frozen=True)
class QuotaRowData:
    """One row of one quota table: which buildings it covers and its levels."""

    key: str
    standard: str
    table: str
    climate_zone: str
    building_type: str
    sub_types: tuple[str, ...]  # empty: every sub-type of the building type
    hvac_class: str | None  # None: either class
    heating_type: str | None  # set only on heating rows
    basis: str
    unit: str  # kgce/(m2·a) | kWh/(m2·a)
    guide: float | None
    baseline: float | None
    constraint: float | None
    source: str
    source_status: str
    notes: str = ""
    version: int = 1
    row_id: int | None = None

    @property
    def levels(self) -> dict[str, float | None]:
        return {"guide": self.guide, "baseline": self.baseline, "constraint": self.constraint}

    @property
    def has_levels(self) -> bool:
        return any(v is not None for v in self.levels.values())

    def covers(self, building: BuildingFacts) -> bool:
        return (
            self.building_type == building.building_type
            and (not self.sub_types or building.sub_type in self.sub_types)
            and (self.hvac_class is None or self.hvac_class == building.hvac_class)
            and (self.heating_type is None or self.heating_type == building.heating_type)
        )


@dataclass(frozen=True)
class BuildingFacts:
    """What the quota choice needs to know about a registered building."""

    building_type: str
    sub_type: str | None = None
    hvac_class: str | None = None
    heating_type: str | None = None
    floor_area_m2: float | None = None
    annual_use_hours: float | None = None
    area_per_person_m2: float | None = None


@dataclass
class Choice:
    """The row that applies for one basis, or why none does."""

    basis: str
    row: QuotaRowData | None = None
    reason: tuple[str, dict] | None = None
    # Rows that also fit but lost on source quality; named in the verdict's notes.
    also_applicable: list[QuotaRowData] = field(default_factory=list)


def _rank(row: QuotaRowData) -> tuple[int, int, str]:
    status = STATUSES.index(row.source_status) if row.source_status in STATUSES else 99
    family = 0 if row.standard.startswith(DB37_PREFIX) else 1
    return (status, family, row.key)


def _why_not(building: BuildingFacts, rows: list[QuotaRowData]) -> tuple[str, dict]:
    """The first registration fact that keeps every one of `rows` from fitting."""
    standard = rows[0].standard
    if any(r.sub_types for r in rows):
        if not building.sub_type:
            return "quota.sub_type_missing", {"standard": standard}
        rows = [r for r in rows if not r.sub_types or building.sub_type in r.sub_types]
        if not rows:
            return "quota.sub_type_not_covered", {
                "standard": standard, "sub_type": building.sub_type}
    if any(r.hvac_class for r in rows):
        if not building.hvac_class:
            return "quota.hvac_class_missing", {"standard": standard}
        rows = [r for r in rows if r.hvac_class in (None, building.hvac_class)]
        if not rows:
            return "quota.hvac_class_not_covered", {
                "standard": standard, "hvac_class": building.hvac_class}
    if any(r.heating_type for r in rows):
        if not building.heating_type:
            return "quota.heating_type_missing", {"standard": standard}
        return "quota.heating_type_not_covered", {
            "standard": standard, "heating_type": building.heating_type}
    return "quota.no_row", {"standard": standard}


def choose(building: BuildingFacts, rows: list[QuotaRowData], basis: str) -> Choice:
    """The best-sourced row of `basis` that covers `building`, or the reason there is none."""
    choice = Choice(basis=basis)
    candidates = [
        r for r in rows
        if r.basis == basis and r.building_type == building.building_type
        and r.climate_zone in QINGDAO_ZONES
    ]
    if not candidates:
        if not any(r.building_type == building.building_type for r in rows):
            choice.reason = ("quota.type_not_covered", {"building_type": building.building_type})
        else:
            choice.reason = ("quota.basis_not_covered", {"basis": basis})
        return choice
    fitting = sorted((r for r in candidates if r.covers(building)), key=_rank)
    if fitting:
        choice.row, choice.also_applicable = fitting[0], fitting[1:]
        return choice
    by_standard: dict[str, list[QuotaRowData]] = {}
    for row in sorted(candidates, key=_rank):
        by_standard.setdefault(row.standard, []).append(row)
    choice.reason = _why_not(building, next(iter(by_standard.values())))
    return choice


@dataclass(frozen=True)
class Band:
    """Where a value falls: at or below a level (`le_…`) or above the highest (`gt_…`)."""

    code: str
    level: str

    @property
    def above(self) -> bool:
        return self.code.startswith("gt_")


def classify(value: float, levels: dict[str, float | None]) -> Band | None:
    """The band of `value` among the levels the row has; None when it has none.

    A DB37/T row gives four bands (≤引导值, ≤基准值, ≤约束值, >约束值); a GB/T 51161 row,
    which has no 基准值, gives three.
    """
    present = [(name, levels[name]) for name in LEVELS if levels.get(name) is not None]
    if not present:
        return None
    for name, limit in present:
        if value <= limit:
            return Band(f"le_{name}", name)
    top = present[-1][0]
    return Band(f"gt_{top}", top)


def margins(value: float, levels: dict[str, float | None]) -> dict[str, dict]:
    """Headroom to each present level: positive means below it, in the row's unit and %."""
    out = {}
    for name in LEVELS:
        limit = levels.get(name)
        if limit is None:
            continue
        out[name] = {
            "level": limit,
            "margin": limit - value,
            "margin_pct": (limit - value) / limit * 100 if limit else None,
        }
    return out


def validate_levels(levels: dict[str, float | None]) -> list[tuple[str, str, dict]]:
    """Field errors for a row's levels: positive, and guide ≤ baseline ≤ constraint."""
    errors = []
    for name in LEVELS:
        value = levels.get(name)
        if value is not None and value <= 0:
            errors.append((name, "quota.level_not_positive", {}))
    present = [(n, levels[n]) for n in LEVELS if levels.get(n) is not None]
    for (low_name, low), (high_name, high) in zip(present, present[1:], strict=False):
        if low > high:
            errors.append((high_name, "quota.levels_out_of_order", {
                "low": LEVEL_NAMES[low_name][1], "high": LEVEL_NAMES[high_name][1]}))
    return errors


def action_code(row: QuotaRowData, band: Band) -> str:
    """The message code of what the band means for the building."""
    if row.standard.startswith(DB37_PREFIX):
        return f"quota.action.db37.{band.code}"
    if row.standard == GB51161:
        return f"quota.action.gb51161.{band.code}"
    return f"quota.action.generic.{'above' if band.above else 'within'}"


@dataclass(frozen=True)
class OfficeCorrection:
    """GB/T 51161 office correction E_c = E_0 · γ1 · γ2, or why it was not applied."""

    applied: bool
    factor: float = 1.0
    gamma1: float | None = None
    gamma2: float | None = None
    reason: str = ""


def office_correction(
    annual_use_hours: float | None,
    area_per_person_m2: float | None,
    *,
    t0_hours: float = OFFICE_T0_HOURS,
    s0_m2_per_person: float = OFFICE_S0_M2_PER_PERSON,
) -> OfficeCorrection:
    """The office correction factor, applied only when both inputs are registered.

    Parameters
    ----------
    annual_use_hours : float or None
        T, actual annual use time, h/a; γ1 = 0.3 + 0.7 · T0 / T.
    area_per_person_m2 : float or None
        S, floor area per person, m²/person; γ2 = 0.7 + 0.3 · S / S0.
    t0_hours, s0_m2_per_person : float
        Reference T0 (2500 h/a) and S0 (10 m²/person), as in the implementation [S11].

    Applying one factor alone would assume the standard's reference for the other input,
    which is a guess, so both are needed.
    """
    if not annual_use_hours or not area_per_person_m2:
        return OfficeCorrection(applied=False, reason="quota.correction_inputs_missing")
    if annual_use_hours <= 0 or area_per_person_m2 <= 0:
        return OfficeCorrection(applied=False, reason="quota.correction_inputs_missing")
    gamma1 = 0.3 + 0.7 * t0_hours / annual_use_hours
    gamma2 = 0.7 + 0.3 * area_per_person_m2 / s0_m2_per_person
    return OfficeCorrection(applied=True, factor=gamma1 * gamma2, gamma1=gamma1,
                            gamma2=gamma2, reason="quota.correction_applied")


def correction_applies(row: QuotaRowData) -> bool:
    """Only GB/T 51161 office rows define the use-time and density correction."""
    return row.standard == GB51161 and row.building_type in (
        "office_government", "office_commercial")


_BAND_ACTIONS_DB37 = {
    "gt_constraint": (
        "高于约束值：须限期整改，并开展能源审计（DB37/T 2671 附录 A、§7.1.6）。",
        "Above the constraint value: rectify by a deadline and carry out an energy audit "
        "(DB37/T 2671 Appendix A, §7.1.6).",
    ),
    "le_constraint": (
        "介于基准值与约束值之间：应制定逐年改进目标，向基准值靠近（附录 A）。",
        "Between the baseline and the constraint value: set yearly improvement targets "
        "towards the baseline value (Appendix A).",
    ),
    "le_baseline": (
        "介于引导值与基准值之间：鼓励达到引导值（附录 A）。",
        "Between the guide and the baseline value: encouraged to reach the guide value "
        "(Appendix A).",
    ),
    "le_guide": (
        "不高于引导值：可自行设定更高目标（附录 A）。",
        "At or below the guide value: set your own targets (Appendix A).",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"quota.action.db37.{k}": v for k, v in _BAND_ACTIONS_DB37.items()},
    "quota.action.db37.gt_baseline": _BAND_ACTIONS_DB37["le_constraint"],
    "quota.action.db37.gt_guide": _BAND_ACTIONS_DB37["le_baseline"],
    "quota.action.gb51161.gt_constraint": (
        "高于约束值（GB/T 51161 实际运行能耗的上限）。",
        "Above the constraint value, the upper limit GB/T 51161 sets for actual use.",
    ),
    "quota.action.gb51161.le_constraint": (
        "不高于约束值，但高于引导值；引导值是采用先进技术和管理可达到的目标。",
        "Within the constraint value but above the guide value, the target reachable with "
        "advanced technology and management.",
    ),
    "quota.action.gb51161.le_guide": (
        "不高于引导值。", "At or below the guide value."
    ),
    "quota.action.generic.above": ("高于该定额的最高档。", "Above the row's highest level."),
    "quota.action.generic.within": ("在该定额范围内。", "Within the row's levels."),
    "quota.band.le_guide": ("≤ 引导值", "≤ guide value"),
    "quota.band.le_baseline": ("≤ 基准值", "≤ baseline value"),
    "quota.band.le_constraint": ("≤ 约束值", "≤ constraint value"),
    "quota.band.gt_constraint": ("> 约束值", "> constraint value"),
    "quota.band.gt_baseline": ("> 基准值", "> baseline value"),
    "quota.band.gt_guide": ("> 引导值", "> guide value"),
    "quota.basis.non_heating": ("单位建筑面积非供暖能耗", "Non-heating energy per m²"),
    "quota.basis.heating": ("单位供暖面积供暖能耗", "Heating energy per heated m²"),
    "quota.basis.conventional_electricity": (
        "常规用能系统单位建筑面积电耗", "Electricity of conventional systems per m²"),
    "quota.type_not_covered": (
        "未定义定额：该建筑类型（{building_type}）没有适用的能耗定额表。",
        "No quota defined: no quota table covers this building type ({building_type}).",
    ),
    "quota.basis_not_covered": (
        "该建筑类型没有此项指标的定额。", "No quota of this indicator for this building type."
    ),
    "quota.sub_type_missing": (
        "未定义定额：{standard} 按细分类别取值，请先登记建筑的细分类别。",
        "No quota defined: {standard} sets values by sub-type; register the building's "
        "sub-type first.",
    ),
    "quota.sub_type_not_covered": (
        "未定义定额：{standard} 没有细分类别“{sub_type}”的数值。",
        "No quota defined: {standard} has no value for sub-type “{sub_type}”.",
    ),
    "quota.hvac_class_missing": (
        "未定义定额：{standard} 按 A/B 类取值，请先登记建筑的空调类别。",
        "No quota defined: {standard} sets values by class A/B; register the building's "
        "class first.",
    ),
    "quota.hvac_class_not_covered": (
        "未定义定额：{standard} 没有 {hvac_class} 类该细分类别的数值。",
        "No quota defined: {standard} has no class {hvac_class} value for this sub-type.",
    ),
    "quota.heating_type_missing": (
        "未评价供暖能耗：{standard} 按供暖方式取值，请先登记供暖方式。",
        "Heating not assessed: {standard} sets values by heating type; register the "
        "heating type first.",
    ),
    "quota.heating_type_not_covered": (
        "未定义定额：{standard} 没有供暖方式“{heating_type}”的数值。",
        "No quota defined: {standard} has no value for heating type “{heating_type}”.",
    ),
    "quota.no_row": ("未定义定额（{standard}）。", "No quota defined ({standard})."),
    "quota.table_dash": (
        "未定义定额：{standard} {table} 此格为“—”（数据不足，未设定额）。",
        "No quota defined: {standard} {table} shows “—” here (too little data to set one).",
    ),
    "quota.warning.unverified": (
        "注意：该定额值（{standard}）未经核对原文，仅凭记忆整理，结论仅供参考。",
        "Warning: this quota ({standard}) has not been checked against the printed "
        "standard; it was recalled, so the verdict is indicative only.",
    ),
    "quota.warning.derived": (
        "注意：该定额值由表格合并单元格推断（{notes}），未直接读取。",
        "Warning: this value was inferred from a merged table cell ({notes}), not read "
        "directly.",
    ),
    "quota.warning.area_mismatch": (
        "模型面积与登记面积相差 {pct}%，指标按登记面积计算。",
        "The model's floor area differs from the registered area by {pct} %; indicators "
        "use the registered area.",
    ),
    "quota.warning.heated_area": (
        "未登记供暖面积，供暖指标按登记的建筑面积计算。",
        "No heated area is registered; the heating indicator uses the registered floor area.",
    ),
    "quota.warning.heating_fuel_mismatch": (
        "模型的供暖能源（{fuels}）与登记的供暖方式（{heating_type}）不符。",
        "The model heats with {fuels}, which the registered heating type ({heating_type}) "
        "would not use.",
    ),
    "quota.warning.unconverted": (
        "部分能源无折标系数，未计入标准煤指标，指标偏低。",
        "Some energy has no conversion factor and is missing from the kgce indicator, "
        "which is therefore low.",
    ),
    "quota.warning.non_electric_site_kwh": (
        "非供暖的非电能源 {kwh} kWh 按场地能耗直接计入；GB/T 51161 要求按其附录折算为等效电，"
        "折算系数未知。",
        "Non-heating non-electric energy of {kwh} kWh is counted as site kWh; GB/T 51161 "
        "converts it to an electricity equivalent with factors we do not have.",
    ),
    "quota.warning.newer_version": (
        "该结论使用定额第 {version} 版；现行为第 {current} 版，可重新评价。",
        "This verdict used version {version} of the quota row; version {current} is now "
        "current and the check can be reassessed.",
    ),
    "quota.warning.mapping_changed": (
        "建筑登记信息变更后适用的定额行已不同（现为 {key}），可重新评价。",
        "Since the building's registration changed, a different row applies ({key}); the "
        "check can be reassessed.",
    ),
    "quota.correction_applied": (
        "已按 GB/T 51161 办公建筑修正：γ1 = {gamma1}（年使用 {hours} h，T0 = {t0} h），"
        "γ2 = {gamma2}（人均 {area} m²，S0 = {s0} m²）；T0、S0 取自他人实现，未经核对。",
        "GB/T 51161 office correction applied: γ1 = {gamma1} ({hours} h/a, T0 = {t0} h), "
        "γ2 = {gamma2} ({area} m²/person, S0 = {s0} m²); T0 and S0 come from an "
        "implementation, not the standard.",
    ),
    "quota.correction_inputs_missing": (
        "未做办公建筑修正：需同时登记年使用小时数和人均建筑面积。",
        "Office correction not applied: it needs both annual use hours and floor area per "
        "person registered.",
    ),
    "quota.correction_not_defined": (
        "{standard} 未规定使用时间或人员密度修正，按未修正值评价。",
        "{standard} defines no use-time or density correction; the value is assessed as is.",
    ),
    "quota.correction_unknown": (
        "GB/T 51161 对旅馆、商场有修正（入住率、客房面积比例、营业时间），系数未知，未修正。",
        "GB/T 51161 corrects hotels and malls (occupancy, guest-room share, opening hours); "
        "the coefficients are unknown, so no correction was made.",
    ),
    "quota.note.simulation": (
        "本结论以设计阶段 EnergyPlus 模拟能耗对照定额，而定额针对实测运行能耗；"
        "结论仅反映设计预期，不代表运行达标。",
        "This verdict compares design-stage EnergyPlus simulated energy with quotas set for "
        "measured operation; it shows the design's expectation, not operational compliance.",
    ),
    "quota.note.electricity_factor_db37": (
        "DB37/T 定额按其表 B.1 的电力等价值 0.31 kgce/kWh 折标，本结论同样采用。",
        "The DB37/T quotas convert electricity at 0.31 kgce/kWh (等价, their Table B.1); "
        "so does this verdict.",
    ),
    "quota.note.also_applicable": (
        "{standard} 的 {key} 行也适用（来源：{status}），未采用。",
        "Row {key} of {standard} also applies (source: {status}) and was not used.",
    ),
    "quota.note.appendix_a": (
        "处置建议依据 DB37/T 2671 附录 A；同系列其他标准附录未核对。",
        "Actions follow DB37/T 2671 Appendix A; the appendices of the other standards in "
        "the series were not checked.",
    ),
    "quota.note.conventional_electricity": (
        "常规用能系统电耗取非供暖用电（照明、插座设备、空调、风机水泵等），不含供暖用电。",
        "Conventional-system electricity is the non-heating electricity (lighting, plug "
        "loads, cooling, fans, pumps and so on), without heating electricity.",
    ),
    "quota.no_result": (
        "该检查尚无模拟结果。", "This check has no simulation result yet."
    ),
    "quota.level_not_positive": ("定额值必须大于 0。", "A quota level must be above 0."),
    "quota.levels_out_of_order": (
        "{low}不应大于{high}。", "The {low} must not exceed the {high}."
    ),
    "quota.status_unknown": ("未知的来源状态“{value}”。", "Unknown source status “{value}”."),
    "quota.row_not_found": ("找不到编号为 {id} 的定额行。", "No quota row with id {id}."),
    "quota.row_superseded": (
        "该定额行已被第 {version} 版取代，请编辑现行版本。",
        "This quota row was superseded by version {version}; edit the current one.",
    ),
    "quota.nothing_changed": ("没有修改任何内容。", "Nothing was changed."),
}

# The accounting notes are shown by the same verdict; one catalogue for both.
MESSAGES.update(ACCOUNTING_MESSAGES)
