"""The validity rules the registry ships (registry.domain.checks.validity), as rows of data.

`registry init` stores each as version 1; an administrator's edit adds the next version, and
every check keeps the version it was judged by. Every rule is the registry's own: the source
names the practice it follows and says when that practice was recalled rather than read.
"""

from __future__ import annotations

from registry.domain.checks.validity import (
    COMPLETE_RUN,
    FLOOR_AREA,
    HEATING_SOURCE,
    OFFICIAL_WEATHER,
    REGISTRY_RULE,
    SEVERE_ERRORS,
    UNMET_HOURS,
    RuleData,
)

SEED_SOURCE_ASHRAE_G = (
    "after ASHRAE 90.1-2019 Appendix G and California's CBECC-Com (recalled, not checked "
    "against the printed standards)"
)
SEED_RULES = (
    RuleData(
        key=COMPLETE_RUN,
        threshold=None,
        unit="",
        source="The registry's own rule: a verdict rests on a full annual weather-file run "
        "(1 January – 31 December) that EnergyPlus completed without a fatal error.",
        source_status=REGISTRY_RULE,
    ),
    RuleData(
        key=OFFICIAL_WEATHER,
        threshold=None,
        unit="",
        source="The registry's own rule: the weather is fixed by the building's location, "
        f"{SEED_SOURCE_ASHRAE_G}. Any other weather file gives figures, not a verdict.",
        source_status=REGISTRY_RULE,
        notes="The official year is the weather file an administrator designated as the "
        "default: a measured Qingdao year once one is added; until then the synthetic "
        "Qingdao year the registry ships (labelled synthetic on every report).",
    ),
    RuleData(
        key=FLOOR_AREA,
        threshold=5.0,
        unit="%",
        source="The registry's own rule: the model must be the registered building; "
        "ASHRAE 90.1-2019 Table G3.1 No. 1 asks the proposed model to be consistent with the "
        "design documents, floor area included (recalled, not checked against the printed "
        "standard). ±5 % is the registry's tolerance.",
        source_status=REGISTRY_RULE,
        notes="Compares EnergyPlus's Total Building Area (zones counted in the total floor "
        "area, times their multipliers) with the registered floor area; the model's "
        "conditioned area is shown beside it on every report. The registered floor area is "
        "measured to the walls' outer faces, a model's zones often to their centre lines: "
        "a few per cent apart on a real building.",
    ),
    RuleData(
        key=UNMET_HOURS,
        threshold=300.0,
        unit="h",
        source="The registry's own rule after ASHRAE 90.1-2019 §G3.1.2.3: unmet load hours "
        "of the proposed design shall not exceed 300 of the 8,760 simulated (recalled, not "
        "checked against the printed standard).",
        source_status=REGISTRY_RULE,
        notes="Occupied heating plus occupied cooling hours with a setpoint not met, for the "
        "whole facility (EnergyPlus SystemSummary 'Time Setpoint Not Met', Facility row; "
        "the same figures as the annual summary's 'Comfort and Setpoint Not Met Summary'). "
        "An undersized system uses less energy: without this rule it would earn a better "
        "verdict.",
    ),
    RuleData(
        key=HEATING_SOURCE,
        threshold=10.0,
        unit="%",
        source="The registry's own rule: the heating quota row is chosen by the registered "
        "heating type (DB37/T 2671–2673 Table 2 is split by heating type), so the model must "
        "heat the way the building is registered. 10 % is the registry's tolerance.",
        source_status=REGISTRY_RULE,
        notes="The share of the model's heating energy from fuels the registered heating type "
        "does not use: district heating - district heating water or steam; gas or oil "
        "boiler - natural gas, oil, propane, coal; heat pump / air-conditioning - "
        "electricity. A model with no heating energy does not agree with any type.",
    ),
    RuleData(
        key=SEVERE_ERRORS,
        threshold=0.0,
        unit="",
        source="The registry's own rule: EnergyPlus continues after a severe error, but its "
        "results may not describe the model as meant. Warm-up convergence messages are not "
        "counted.",
        source_status=REGISTRY_RULE,
    ),
)
