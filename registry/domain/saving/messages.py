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
        "{backed} m² of {area} m² of ultra-low, nearly-zero and zero-energy buildings "
        "({backed_records} of {records} records) cite a saving-rate check that meets their level."
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
    "saving.parameter_superseded": (
        "This parameter already has a newer version, v{version}; change that one."
    ),
}
