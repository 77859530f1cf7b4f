"""Quota verdict texts (bands, actions, notes and refusals): English templates, whose Chinese
is in the catalogue (registry.i18n.render)."""

MESSAGES: dict[str, str] = {
    "quota.action.db37.gt_constraint": (
        "Above the constraint value: rectify by a deadline and carry out an energy audit (DB37/T "
        "2671 Appendix A, §7.1.6)."
    ),
    "quota.action.db37.le_constraint": (
        "Between the baseline and the constraint value: set yearly improvement targets towards "
        "the baseline value (Appendix A)."
    ),
    "quota.action.db37.le_baseline": (
        "Between the guide and the baseline value: encouraged to reach the guide value (Appendix "
        "A)."
    ),
    "quota.action.db37.le_guide": "At or below the guide value: set your own targets (Appendix A).",
    "quota.action.db37.gt_baseline": (
        "Between the baseline and the constraint value: set yearly improvement targets towards "
        "the baseline value (Appendix A)."
    ),
    "quota.action.db37.gt_guide": (
        "Between the guide and the baseline value: encouraged to reach the guide value (Appendix "
        "A)."
    ),
    "quota.action.gb51161.gt_constraint": (
        "Above the constraint value, the upper limit GB/T 51161 sets for actual use."
    ),
    "quota.action.gb51161.le_constraint": (
        "Within the constraint value but above the guide value, the target reachable with "
        "advanced technology and management."
    ),
    "quota.action.gb51161.le_guide": "At or below the guide value.",
    "quota.action.generic.above": "Above the row's highest level.",
    "quota.action.generic.within": "Within the row's levels.",
    "quota.band.le_guide": "≤ guide value",
    "quota.band.le_baseline": "≤ baseline value",
    "quota.band.le_constraint": "≤ constraint value",
    "quota.band.gt_constraint": "> constraint value",
    "quota.band.gt_baseline": "> baseline value",
    "quota.band.gt_guide": "> guide value",
    "quota.basis.non_heating": "Non-heating energy per m²",
    "quota.basis.heating": "Heating energy per heated m²",
    "quota.basis.conventional_electricity": "Electricity of conventional systems per m²",
    "quota.type_not_covered": (
        "No quota defined: no quota table covers this building type ({building_type})."
    ),
    "quota.basis_not_covered": "No quota of this indicator for this building type.",
    "quota.sub_type_missing": (
        "No quota defined: {standard} sets values by sub-type; register the building's sub-type "
        "first."
    ),
    "quota.sub_type_not_covered": (
        "No quota defined: {standard} has no value for sub-type “{sub_type}”."
    ),
    "quota.hvac_class_missing": (
        "No quota defined: {standard} sets values by class A/B; register the building's class "
        "first."
    ),
    "quota.hvac_class_not_covered": (
        "No quota defined: {standard} has no class {hvac_class} value for this sub-type."
    ),
    "quota.heating_type_missing": (
        "Heating not assessed: {standard} sets values by heating type; register the heating type "
        "first."
    ),
    "quota.heating_type_not_covered": (
        "No quota defined: {standard} has no value for heating type “{heating_type}”."
    ),
    "quota.no_row": "No quota defined ({standard}).",
    "quota.table_dash": (
        "No quota defined: {standard} {table} shows “—” here (too little data to set one)."
    ),
    "quota.warning.unverified": (
        "Warning: this quota ({standard}) has not been checked against the printed standard; it "
        "was recalled, so the verdict is indicative only."
    ),
    "quota.warning.derived": (
        "Warning: this value was inferred from a merged table cell ({notes}), not read directly."
    ),
    "quota.warning.heated_area": (
        "No heated area is registered; the heating indicator uses the registered floor area."
    ),
    "quota.warning.heating_fuel_mismatch": (
        "The model heats with {fuels}, which the registered heating type ({heating_type}) would "
        "not use."
    ),
    "quota.warning.unconverted": (
        "Some energy has no conversion factor and is missing from the kgce indicator, which is "
        "therefore low."
    ),
    "quota.warning.non_electric_site_kwh": (
        "Non-heating non-electric energy of {kwh} kWh is counted as site kWh; GB/T 51161 converts "
        "it to an electricity equivalent with factors we do not have."
    ),
    "quota.warning.newer_version": (
        "This verdict used version {version} of the quota row; version {current} is now current "
        "and the check can be reassessed."
    ),
    "quota.warning.mapping_changed": (
        "Since the building's registration changed, a different row applies ({row}); the check "
        "can be reassessed."
    ),
    "quota.correction_applied": (
        "GB/T 51161 office correction applied: γ1 = {gamma1} ({hours} h/a, T0 = {t0} h), γ2 = "
        "{gamma2} ({area} m²/person, S0 = {s0} m²); T0 and S0 come from an implementation, not "
        "the standard."
    ),
    "quota.correction_inputs_missing": (
        "Office correction not applied: it needs both annual use hours and floor area per person "
        "registered."
    ),
    "quota.correction_not_defined": (
        "{standard} defines no use-time or density correction; the value is assessed as is."
    ),
    "quota.correction_unknown": (
        "GB/T 51161 corrects hotels and malls (occupancy, guest-room share, opening hours); the "
        "coefficients are unknown, so no correction was made."
    ),
    "quota.note.simulation": (
        "This verdict compares design-stage EnergyPlus simulated energy with quotas set for "
        "measured operation; it shows the design's expectation, not operational compliance."
    ),
    "quota.note.electricity_factor_db37": (
        "The DB37/T quotas convert electricity at 0.31 kgce/kWh (the primary-energy equivalent, "
        "their Table B.1); so does this verdict."
    ),
    "quota.note.also_applicable": ("{row} also applies ({status}) and was not used."),
    "quota.note.appendix_a": (
        "Actions follow DB37/T 2671 Appendix A; the appendices of the other standards in the "
        "series were not checked."
    ),
    "quota.note.conventional_electricity": (
        "Conventional-system electricity is the non-heating electricity (lighting, plug loads, "
        "cooling, fans, pumps and so on), without heating electricity."
    ),
    "quota.no_result": "This check has no simulation result yet.",
    "quota.level_not_positive": "A quota level must be above 0.",
    "quota.levels_out_of_order": "The {low} must not exceed the {high}.",
    "quota.status_unknown": "Unknown source status “{value}”.",
    "quota.row_not_found": "No quota row with id {id}.",
    "quota.row_superseded": (
        "This quota row was superseded by version {version}; edit the current one."
    ),
    "quota.nothing_changed": "Nothing was changed.",
    "quota.heating_source_disagrees": (
        "The model's heating source does not agree with the registered heating type, so no "
        "heating quota row is applied (see the validity rules)."
    ),
}
