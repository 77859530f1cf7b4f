"""Messages of a designer-supplied reference model's consistency check (registry.i18n renders
them; registry.domain.saving.consistency names each difference)."""

MESSAGES = {
    "saving.reference_inconsistent": (
        "The reference model does not match the design ({count} differences, listed below); "
        "neither model was run. Correct the reference model and upload the pair again."
    ),
    "saving.reference_rejected": "The reference model cannot be checked: {reason}",
    "saving.reference_needs_saving_rate": (
        "A reference model is compared only in a saving-rate check: tick the saving rate too, "
        "or leave the reference model out."
    ),
    "saving.reference_not_residential": (
        "A residential building's saving-rate check judges the design's own heating and "
        "cooling demands, without a reference building: leave the reference model out."
    ),
    "consistency.missing": "{object} “{name}” of the design is missing from the reference model.",
    "consistency.needs_ideal_loads": (
        "The reference model has no ZoneHVAC:IdealLoadsAirSystem: the reference building's "
        "heating and cooling are ideal loads metered at the standard's efficiencies."
    ),
    "consistency.extra": "{object} “{name}” of the reference model is not in the design.",
    "consistency.differs": (
        "{object} “{name}”, {field}: {design} in the design, {reference} in the reference "
        "model (allowed: {tolerance})."
    ),
    "consistency.schedule": (
        "{object} “{name}”, {field} from field {tolerance}: “{design}” in the design, "
        "“{reference}” in the reference model (they must be the same)."
    ),
    "consistency.window_area": (
        "{object} {name}, {field}: {design} in the design, {reference} in the reference model "
        "(expected the design's, capped at the window-to-wall ratio limit: {tolerance})."
    ),
    "consistency.standard": (
        "{object} “{name}”, {field}: {reference} in the reference model; the standard's "
        "reference value is {tolerance}."
    ),
}
