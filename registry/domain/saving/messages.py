"""Messages of saving-rate checks (registry.i18n renders them)."""

MESSAGES = {
    "saving.needs_ideal_loads": (
        "The saving rate needs a model whose zones are conditioned by "
        "ZoneHVAC:IdealLoadsAirSystem: the reference building is built from those. Model the "
        "system as ideal loads with its efficiencies (see office_small.idf) and upload again."
    ),
    "saving.reference_failed": (
        "The reference building generated from your model did not run in EnergyPlus "
        "(exit code {returncode}); the design run finished. The engine's messages are kept "
        "with the check."
    ),
    "saving.summary": (
        "Energy-saving rate against the GB 50189-2015 reference building: itself {itself} %, "
        "comprehensive {comprehensive} %, renewables {renewable} %; level met: {level}."
    ),
    "saving.unverified": (
        "The reference parameters and thresholds are recalled values, not yet verified "
        "against the printed standards; the rates are indicative until an administrator "
        "confirms them."
    ),
    "saving.evidence_wrong_record": (
        "Only an ultra-low, nearly-zero or zero-energy record can cite a saving-rate check."
    ),
    "saving.evidence_not_saving_check": (
        "Check #{check} is not a finished saving-rate check of this building."
    ),
    "saving.evidence_meets": (
        "Evidence: saving-rate check #{check}, itself {itself} %, comprehensive "
        "{comprehensive} %, renewables {renewable} %: meets {level}."
    ),
    "saving.evidence_falls_short": (
        "Evidence: saving-rate check #{check}, itself {itself} %, comprehensive "
        "{comprehensive} %, renewables {renewable} %: meets {met}, not {level}."
    ),
    "saving.evidence_public_check_for_residential": (
        "Check #{check} is a public building's saving-rate check; a residential building's "
        "record cites a residential check (heating and cooling demands)."
    ),
    "saving.evidence_residential_check_for_public": (
        "Check #{check} is a residential check (heating and cooling demands); a public "
        "building's record cites a saving-rate check against a reference building."
    ),
    "saving.evidence_residential_meets": (
        "Evidence: residential check #{check}, heating demand {heating} kWh/(m²·a) (limit "
        "{heating_limit}), cooling demand {cooling} kWh/(m²·a) (limit {cooling_limit}), n50 "
        "{n50} (at most {n50_max}): meets {level}."
    ),
    "saving.evidence_residential_falls_short": (
        "Evidence: residential check #{check}, heating demand {heating} kWh/(m²·a) (limit "
        "{heating_limit}), cooling demand {cooling} kWh/(m²·a) (limit {cooling_limit}), n50 "
        "{n50} (at most {n50_max}): meets {met}, not {level}."
    ),
    "saving.approval_residential_evidence_short": (
        "This record cannot be approved while saving-rate evidence is required: residential "
        "check #{check} does not meet the record's level (heating demand {heating}, limit "
        "{heating_limit}; cooling demand {cooling}, limit {cooling_limit}; n50 {n50}, at most "
        "{n50_max})."
    ),
    "saving.evidence_missing": "No saving-rate check is cited for this level.",
    "saving.approval_no_evidence": (
        "This record cannot be approved while saving-rate evidence is required: it cites no "
        "saving-rate check."
    ),
    "saving.approval_evidence_short": (
        "This record cannot be approved while saving-rate evidence is required: check "
        "#{check} does not meet the record's level (itself {itself} %, comprehensive "
        "{comprehensive} %)."
    ),
    "saving.backed_area": (
        "{year}: {backed} m² of the {area} m² counted toward the ultra-low energy target "
        "({target} m²) is backed by a saving-rate check that meets its level ({buildings} "
        "buildings); the dashboard's figure: published records, each building counted once."
    ),
    "saving.n50_invalid": (
        "“{value}” is not an airtightness: give n50, the air changes per hour at 50 Pa, as a "
        "number above 0 and at most 50 (e.g. 0.6)."
    ),
    "saving.unsupported_surfaces": (
        "The saving rate cannot yet build the reference building of a model whose envelope uses "
        "{objects}: describe walls, roofs and floors as BuildingSurface:Detailed and windows as "
        "Window or FenestrationSurface:Detailed, then upload again."
    ),
    "saving.parameter_unknown": "No reference parameter named “{key}” (registry saving params).",
    "saving.residential_needs_ideal_loads": (
        "A residential building's ultra-low or nearly-zero level is judged from its heating "
        "and cooling demands, which the check reads from ZoneHVAC:IdealLoadsAirSystem: "
        "condition the zones with ideal loads and upload again."
    ),
    "saving.residential_partial_ideal_loads": (
        "A residential building's demands are read from ZoneHVAC:IdealLoadsAirSystem, but "
        "these conditioned zones are served by other equipment: {zones}. Condition every "
        "conditioned zone with ideal loads and upload again."
    ),
    "saving.residential_summary": (
        "Residential ultra-low and nearly-zero check (GB/T 51350-2019 Table 5.0.2): heating "
        "demand {heating} kWh/(m²·a), cooling demand {cooling} kWh/(m²·a); level met: {level}."
    ),
    "saving.residential_unverified": (
        "The limits, the cooling-demand formula and the definitions of WDH20 and DDH28 are "
        "recalled values, not yet verified against the printed GB/T 51350-2019; the level is "
        "indicative until an administrator confirms them."
    ),
    "saving.residential_method": (
        "Method (definitions recalled): the demands are the year's ideal-loads supply-air "
        "heating and cooling energy of all zones per m² of the model's conditioned floor area, "
        "with the model's own thermostats (the standard's indoor conditions: winter at least "
        "{heating_c} °C, summer at most {cooling_c} °C). WDH20 is the year's sum of the "
        "wet-bulb temperature's excess over 20 °C, DDH28 the sum of the dry-bulb temperature's "
        "excess over 28 °C, hour by hour from the check's weather file, in thousands of "
        "kelvin-hours (kKh). Each level's cooling limit is a + b × WDH20 + c × DDH28. The shape "
        "coefficient S is the area of the walls and roofs facing outdoor air, windows included, "
        "divided by the conditioned volume: shown, not judged."
    ),
    "saving.residential_rule": (
        "Rule: a level is met only when every judged indicator holds: the heating and cooling "
        "demands within the level's limits, the declared n50 at most its limit (an undeclared "
        "n50 meets no level) and, for nearly zero, a renewable share of at least {renewable} "
        "per cent."
    ),
    "saving.residential_not_judged": (
        "Not judged: the building's composite energy value (kWh/(m²·a) or "
        "kgce/(m²·a)) needs the real heating, cooling, ventilation, lighting and hot-water "
        "systems, which ideal loads do not model. The level stated rests only on the "
        "indicators judged here."
    ),
    "saving.parameter_superseded": (
        "This parameter already has a newer version, v{version}; change that one."
    ),
}
