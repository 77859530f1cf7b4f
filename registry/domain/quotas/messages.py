"""Quota verdict texts: bands, actions, notes and refusals, in Chinese and English."""

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
    "quota.action.gb51161.le_guide": ("不高于引导值。", "At or below the guide value."),
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
        "常规用能系统单位建筑面积电耗",
        "Electricity of conventional systems per m²",
    ),
    "quota.type_not_covered": (
        "未定义定额：该建筑类型（{building_type}）没有适用的能耗定额表。",
        "No quota defined: no quota table covers this building type ({building_type}).",
    ),
    "quota.basis_not_covered": (
        "该建筑类型没有此项指标的定额。",
        "No quota of this indicator for this building type.",
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
        "Warning: this value was inferred from a merged table cell ({notes}), not read directly.",
    ),
    "quota.heating_source_disagrees": (
        "模型的供暖能源与登记的供暖方式不符，未选用供暖定额行（见校核规则）。",
        "The model's heating source does not agree with the registered heating type, so no "
        "heating quota row is applied (see the validity rules).",
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
        "{standard} {table}（行 {key}）也适用（来源：{status}），未采用。",
        "{standard} {table} (row {key}) also applies (source: {status}) and was not used.",
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
    "quota.no_result": ("该检查尚无模拟结果。", "This check has no simulation result yet."),
    "quota.level_not_positive": ("定额值必须大于 0。", "A quota level must be above 0."),
    "quota.levels_out_of_order": ("{low}不应大于{high}。", "The {low} must not exceed the {high}."),
    "quota.status_unknown": ("未知的来源状态“{value}”。", "Unknown source status “{value}”."),
    "quota.row_not_found": ("找不到编号为 {id} 的定额行。", "No quota row with id {id}."),
    "quota.row_superseded": (
        "该定额行已被第 {version} 版取代，请编辑现行版本。",
        "This quota row was superseded by version {version}; edit the current one.",
    ),
    "quota.nothing_changed": ("没有修改任何内容。", "Nothing was changed."),
}
