"""The OpenAPI schemas of the energy-check endpoints (`api.checks`): a check's result, its
verdict and the upload; registered when `api.checks` imports this module."""

from __future__ import annotations

from registry.api.common import register_schema

NUMBER_OR_NULL = {"type": ["number", "null"]}

register_schema(
    "CheckResultBody",
    {
        "type": "object",
        "description": "The annual result of a finished check: energy in kWh, areas in m², "
        "EUI in kWh/(m²·a) on the registered floor area, and the hashes the numbers came from.",
        "required": [
            "total_site_kwh",
            "eui_kwh_per_m2",
            "registered_area_m2",
            "model_total_area_m2",
            "model_conditioned_area_m2",
            "unmet_hours",
        ],
        "properties": {
            "total_site_kwh": {"type": "number"},
            "eui_kwh_per_m2": {"type": "number"},
            "registered_area_m2": {"type": "number"},
            "registered_heated_area_m2": NUMBER_OR_NULL,
            "model_total_area_m2": {
                **NUMBER_OR_NULL,
                "description": "EnergyPlus's Total Building Area: the area the floor-area "
                "rule compares with the registered area.",
            },
            "model_conditioned_area_m2": {
                **NUMBER_OR_NULL,
                "description": "EnergyPlus's Net Conditioned Building Area.",
            },
            "area_mismatch_pct": {
                **NUMBER_OR_NULL,
                "description": "(model total area − registered area) / registered area × 100.",
            },
            "unmet_hours": {
                "type": "object",
                "description": "Facility hours with a setpoint not met while occupied "
                "(EnergyPlus SystemSummary, Time Setpoint Not Met).",
                "required": ["occupied_heating", "occupied_cooling"],
                "properties": {
                    "occupied_heating": NUMBER_OR_NULL,
                    "occupied_cooling": NUMBER_OR_NULL,
                },
            },
            "by_fuel_kwh": {"type": ["object", "null"]},
            "monthly_kwh": {"type": ["object", "null"]},
            "end_uses": {"type": "array", "items": {"type": "object"}},
            "engine_version": {"type": "string"},
            "idf_sha256": {"type": "string"},
            "epw_sha256": {"type": "string"},
        },
    },
)
FIGURE = {"type": ["number", "string", "null"]}
register_schema(
    "WithheldRule",
    {
        "type": "object",
        "description": "A validity rule the check fails, with the figure compared and the "
        "rule's limit (numbers; for the weather rule, the weather files' names).",
        "required": ["code", "message", "value", "limit"],
        "properties": {
            "code": {"type": "string", "description": "e.g. validity.floor_area.outside"},
            "rule": {"type": "string"},
            "message": {"type": "string", "description": "In the language asked for."},
            "value": FIGURE,
            "limit": FIGURE,
            "unit": {"type": "string"},
        },
    },
)
register_schema(
    "CheckVerdictBody",
    {
        "type": "object",
        "description": "The verdict against the energy quotas. Official only when "
        "every validity rule holds; otherwise `withheld` names each failed rule, the figures "
        "are still given and `band` is null.",
        "required": ["official", "withheld", "rules", "band", "indicators"],
        "properties": {
            "official": {"type": "boolean"},
            "official_label": {"type": "string"},
            "withheld": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/WithheldRule"},
            },
            "rules": {
                "type": "array",
                "description": "Every validity rule the check was judged by, with its "
                "version, outcome, message and source.",
                "items": {"type": "object"},
            },
            "severe_messages": {"type": "array", "items": {"type": "string"}},
            "band": {"type": ["string", "null"]},
            "indicator_value": NUMBER_OR_NULL,
            "unit": {"type": ["string", "null"]},
            "indicators": {"type": "array", "items": {"type": "object"}},
        },
    },
)
register_schema(
    "Check",
    {
        "type": "object",
        "required": ["id", "building_id", "status"],
        "properties": {
            "id": {"type": "integer"},
            "building_id": {"type": "integer"},
            "status": {
                "enum": [
                    "queued",
                    "validating",
                    "running",
                    "reading",
                    "done",
                    "failed",
                    "cancelled",
                ]
            },
            "status_name": {"type": "string"},
            "attempts": {"type": "integer"},
            "idf_sha256": {"type": "string"},
            "engine_version": {"type": "string"},
            "run_seconds": NUMBER_OR_NULL,
            "cached": {
                "type": "boolean",
                "description": "The result reused an identical earlier run (same model, "
                "weather and engine), judged against this check's building.",
            },
            "cached_from_id": {
                "type": ["integer", "null"],
                "description": "The earlier check reused, only when it was the caller's own "
                "(never another user's check id); `cached` says whether a run was reused.",
            },
            "weather": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "synthetic": {"type": "boolean"},
                    "sha256": {"type": "string"},
                    "official": {
                        "type": "boolean",
                        "description": "The registry's official Qingdao weather year.",
                    },
                },
            },
            "warnings": {"type": "array"},
            "error": {"type": ["object", "null"]},
            "energyplus_messages": {"type": ["object", "null"]},
            "result": {
                "anyOf": [{"$ref": "#/components/schemas/CheckResultBody"}, {"type": "null"}]
            },
            "verdict": {
                "anyOf": [{"$ref": "#/components/schemas/CheckVerdictBody"}, {"type": "null"}]
            },
            "saving_rate": {
                "type": ["object", "null"],
                "description": "A saving-rate check's rates against its generated GB/T 51350 "
                "reference building (present when the check asked for them; null until done). "
                "For a residential building: no reference building, no rates; `level_met` and "
                "`residential` (the ideal-load heating and cooling demands per m², each level's "
                "limits, WDH20/DDH28, the shape coefficient, n50, what is not judged).",
                "properties": {
                    "design_kwh": {"type": "number"},
                    "reference_kwh": {"type": "number"},
                    "renewable_kwh": {"type": "number"},
                    "itself_pct": {"type": "number"},
                    "comprehensive_pct": {"type": "number"},
                    "renewable_pct": {"type": "number"},
                    "level_met": {"enum": ["none", "ultra_low", "nearly_zero", "zero"]},
                    "energy_basis": {"type": "string"},
                    "changes": {"type": "array", "items": {"type": "object"}},
                    "reference_source": {"enum": ["generated", "designer"]},
                    "consistency": {"type": ["object", "null"]},
                    "airtightness": {"type": "object"},
                    "parameters_unverified": {"type": "boolean"},
                    "residential": {
                        "type": "object",
                        "description": "Residential buildings only (GB/T 51350-2019 Table "
                        "5.0.2): heating_demand_kwh_m2, cooling_demand_kwh_m2, "
                        "heating_limit_kwh_m2 and cooling_limit_kwh_m2 by level, wdh20_kkh, "
                        "ddh28_kkh, shape_coefficient, n50, level_met, not_judged.",
                    },
                },
            },
            "summary": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The verdict (or why it was withheld), the weather, the cache "
                "and the engine's messages as sentences, as `registry check` prints them.",
            },
        },
    },
)
register_schema(
    "CheckUpload",
    {
        "type": "object",
        "required": ["idf"],
        "properties": {
            "idf": {"type": "string", "format": "binary"},
            "weather": {"type": "string", "description": "Weather name or id."},
            "saving_rate": {
                "type": "string",
                "enum": ["0", "1", "true", "false"],
                "description": "Also run the GB/T 51350 reference building and return "
                "`saving_rate` (design and reference energy, the rates, the level met, the "
                "transformation's changes); for a residential building, its heating and "
                "cooling demands judged against GB/T 51350 Table 5.0.2 instead.",
            },
            "n50": {
                "type": "string",
                "description": "With saving_rate: the airtightness the designer declares (air "
                "changes per hour at 50 Pa), judged against the level's limit.",
            },
            "reference": {
                "type": "string",
                "format": "binary",
                "description": "With saving_rate: the designer's own reference building (IDF) "
                "instead of the generated one. The pair is compared before any engine run; an "
                "inconsistent pair ends the check `failed` with `error.differences` (object, "
                "name, field, design, reference, tolerance, message).",
            },
        },
    },
)
