"""Whether a check's result may carry an official verdict: the validity rules, over plain values.

A verdict against the energy quotas says something about a registered building only if the
run behind it *is* that building, on Qingdao's weather, with its loads met and its heating as
registered. Otherwise the verdict can be steered without changing the building: register a
larger area, upload a smaller model, pick a milder weather file, undersize the heating, or
model gas heating on a district-heating registration (issue 17). Compliance engines treat this
as their core job: California's CBECC-Com and the ASHRAE 90.1 Appendix G rule sets fix the
weather by location and refuse a result with more than 300 unmet load hours.

Each rule is a row of data (key, threshold, unit, source and its status) that an
administrator may version, like a quota row; `SEED_RULES` are the rows the registry ships.
`evaluate` takes one check's facts and the current rows and gives one `Outcome` per rule. A
check whose outcomes all hold gets the official verdict (正式判定); any failure withholds it
(不予正式判定) and every failed rule is named with its numbers. The figures are shown either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.domain.checks.accounting import HEATING_TYPE_FUELS
from registry.domain.checks.intensity import area_mismatch_pct

FLOOR_AREA = "floor_area"
OFFICIAL_WEATHER = "official_weather"
UNMET_HOURS = "unmet_hours"
HEATING_SOURCE = "heating_source"
COMPLETE_RUN = "complete_run"
SEVERE_ERRORS = "severe_errors"
RULE_KEYS = (COMPLETE_RUN, OFFICIAL_WEATHER, FLOOR_AREA, UNMET_HOURS, HEATING_SOURCE, SEVERE_ERRORS)

# A rule is the registry's own (the bureau decides it, after the practice its source names),
# or a standard's clause read in the text or in a transcription, or recalled.
STATUSES = ("registry-rule", "verified-primary", "verified-secondary", "unverified")

# Rules with a number an administrator may change, and the range it must stay in.
THRESHOLD_RANGES = {
    FLOOR_AREA: (0.0, 100.0),
    UNMET_HOURS: (0.0, 8784.0),
    HEATING_SOURCE: (0.0, 100.0),
    SEVERE_ERRORS: (0.0, 1000.0),
}

REGISTRY_RULE = "registry-rule"


@dataclass(frozen=True)
class RuleData:
    """One validity rule as stored: its threshold (None for a yes/no rule) and its source."""

    key: str
    threshold: float | None
    unit: str
    source: str
    source_status: str
    notes: str = ""
    version: int = 1
    row_id: int | None = None


@dataclass(frozen=True)
class CheckFacts:
    """What the rules read about one finished check, as plain values.

    Areas in m², hours in h, energy in kWh. `severe_count` and `severe_messages` leave out
    warm-up convergence (`errfile.WARMUP_CONVERGENCE`).
    """

    registered_area_m2: float
    model_total_area_m2: float | None
    weather_name: str | None
    weather_is_official: bool
    official_weather_name: str | None
    unmet_heating_hours: float | None
    unmet_cooling_hours: float | None
    registered_heating_type: str | None
    heating_kwh_by_fuel: Mapping[str, float]
    run_finished: bool  # EnergyPlus completed successfully, no fatal error
    run_period: Mapping | None  # the model's RunPeriod facts (begin, end, years); None unknown
    severe_count: int = 0
    severe_messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One rule applied to one check: held or not, why (a message code and its parameters),
    and the figure compared with the rule's limit."""

    key: str
    version: int
    row_id: int | None
    held: bool
    code: str
    params: dict = field(default_factory=dict)
    value: float | str | None = None
    limit: float | str | None = None
    unit: str = ""


def evaluate(facts: CheckFacts, rules: Mapping[str, RuleData]) -> list[Outcome]:
    """Every rule of `RULE_KEYS` applied to `facts`, in that order."""
    checks = {
        COMPLETE_RUN: _complete_run,
        OFFICIAL_WEATHER: _official_weather,
        FLOOR_AREA: _floor_area,
        UNMET_HOURS: _unmet_hours,
        HEATING_SOURCE: _heating_source,
        SEVERE_ERRORS: _severe_errors,
    }
    outcomes = []
    for key in RULE_KEYS:
        rule = rules[key]
        held, code, params, value, limit = checks[key](facts, rule.threshold)
        outcomes.append(
            Outcome(
                key=key,
                version=rule.version,
                row_id=rule.row_id,
                held=held,
                code=f"validity.{key}.{code}",
                params=params,
                value=value,
                limit=limit,
                unit=rule.unit,
            )
        )
    return outcomes


def is_official(outcomes: list[Outcome]) -> bool:
    """An official verdict needs every rule to hold (and at least one rule to have been read)."""
    return bool(outcomes) and all(o.held for o in outcomes)


def full_year(run_period: Mapping | None) -> bool | None:
    """A RunPeriod from 1 January to 31 December of one year; None when unknown."""
    if not run_period:
        return None
    return (
        run_period.get("begin") == "1/1"
        and run_period.get("end") == "12/31"
        and run_period.get("begin_year") == run_period.get("end_year")
    )


def _complete_run(facts: CheckFacts, _threshold):
    if not facts.run_finished:
        return False, "not_finished", {}, None, None
    whole = full_year(facts.run_period)
    if whole is None:
        return False, "period_unknown", {}, None, None
    period = f"{facts.run_period['begin']}–{facts.run_period['end']}"
    if not whole:
        return False, "not_full_year", {"period": period}, period, "1/1–12/31"
    return True, "complete", {"period": period}, period, "1/1–12/31"


def _official_weather(facts: CheckFacts, _threshold):
    params = {"name": facts.weather_name or "—", "official": facts.official_weather_name or "—"}
    value, limit = facts.weather_name, facts.official_weather_name
    if facts.weather_is_official:
        return True, "official", params, value, limit
    if not facts.official_weather_name:
        return False, "none_designated", params, value, limit
    return False, "not_official", params, value, limit


def _floor_area(facts: CheckFacts, threshold):
    params = {"registered": _area(facts.registered_area_m2), "limit": _plain(threshold)}
    pct = area_mismatch_pct(facts.model_total_area_m2, facts.registered_area_m2)
    if pct is None:
        return False, "unknown", params, None, threshold
    params.update(model=_area(facts.model_total_area_m2), pct=_pct(pct))
    held = abs(pct) <= threshold
    return held, "within" if held else "outside", params, round(pct, 2), threshold


def _unmet_hours(facts: CheckFacts, threshold):
    heating, cooling = facts.unmet_heating_hours, facts.unmet_cooling_hours
    params = {"limit": _plain(threshold)}
    if heating is None or cooling is None:
        return False, "unknown", params, None, threshold
    total = heating + cooling
    params.update(total=_hours(total), heating=_hours(heating), cooling=_hours(cooling))
    held = total <= threshold
    return held, "within" if held else "over", params, round(total, 2), threshold


def _heating_source(facts: CheckFacts, threshold):
    registered = facts.registered_heating_type
    used = {fuel: kwh for fuel, kwh in facts.heating_kwh_by_fuel.items() if kwh and kwh > 0}
    params = {"heating_type": registered or "", "fuels": sorted(used), "limit": _plain(threshold)}
    allowed = HEATING_TYPE_FUELS.get(registered or "")
    if allowed is None:
        return False, "not_registered", params, None, threshold
    total = sum(used.values())
    if total <= 0:
        return False, "absent", params, None, threshold
    outside = sum(kwh for fuel, kwh in used.items() if fuel not in allowed)
    share = outside / total * 100
    params.update(
        share=_pct(share), other_fuels=sorted(fuel for fuel in used if fuel not in allowed)
    )
    held = share <= threshold
    return held, "agrees" if held else "disagrees", params, round(share, 2), threshold


def _severe_errors(facts: CheckFacts, threshold):
    params = {"count": facts.severe_count, "limit": _plain(threshold)}
    held = facts.severe_count <= threshold
    return held, "within" if held else "over", params, facts.severe_count, threshold


def validate_threshold(key: str, value: float | None) -> tuple[str, dict] | None:
    """Why `value` cannot be rule `key`'s threshold, or None when it can."""
    bounds = THRESHOLD_RANGES.get(key)
    if bounds is None:
        return None if value is None else ("validity.threshold_not_used", {})
    if value is None:
        return ("field.required", {})
    low, high = bounds
    if not low <= value <= high:
        return ("field.out_of_range", {"low": _plain(low), "high": _plain(high)})
    return None


def _plain(number: float | None) -> str:
    """5.0 -> '5', 2.5 -> '2.5', None -> '—'."""
    return "—" if number is None else f"{number:,g}"


def _area(m2: float) -> str:
    return f"{m2:,.0f}" if m2 >= 100 else f"{m2:,.1f}"


def _pct(pct: float) -> str:
    """An absolute percentage: whole numbers from 10 %, one decimal below."""
    pct = round(abs(pct), 1)
    return f"{pct:,.0f}" if pct >= 10 else f"{pct:.1f}"


def _hours(hours: float) -> str:
    return f"{hours:,.0f}" if abs(hours - round(hours)) < 0.05 else f"{hours:,.1f}"


MESSAGES = {
    "validity.official": "Official verdict",
    "validity.withheld": "No official verdict",
    "validity.withheld_summary": (
        "Validity rules not met: {count}. The figures are shown for reference only."
    ),
    "validity.rule.complete_run": "A complete annual run",
    "validity.rule.official_weather": "The official Qingdao weather year",
    "validity.rule.floor_area": "Model floor area agrees with the registered area",
    "validity.rule.unmet_hours": "Unmet setpoint hours",
    "validity.rule.heating_source": "Heating source agrees with the registered heating type",
    "validity.rule.severe_errors": "EnergyPlus severe errors",
    "validity.complete_run.complete": (
        "EnergyPlus completed the annual run ({period}) without a fatal error."
    ),
    "validity.complete_run.not_finished": (
        "EnergyPlus did not complete the run normally (a fatal error, or no completion record)."
    ),
    "validity.complete_run.period_unknown": (
        "The model's run period could not be read, so the run is not known to cover a year."
    ),
    "validity.complete_run.not_full_year": (
        "The model ran {period} only, not a full year from 1 January to 31 December."
    ),
    "validity.official_weather.official": (
        "The run used the registry's official Qingdao weather year ({name})."
    ),
    "validity.official_weather.not_official": (
        "The run used the weather file “{name}”, not the registry's official Qingdao year "
        "({official}); its figures are for reference only."
    ),
    "validity.official_weather.none_designated": (
        "No official Qingdao weather year is designated, so no official verdict can be given."
    ),
    "validity.floor_area.within": (
        "The model's floor area, {model} m², differs from the registered {registered} m² by {pct} "
        "%, within ±{limit} %."
    ),
    "validity.floor_area.outside": (
        "The model's floor area, {model} m², differs from the registered {registered} m² by {pct} "
        "%, more than ±{limit} %."
    ),
    "validity.floor_area.unknown": (
        "EnergyPlus reported no floor area for the model, so it cannot be compared with the "
        "registered {registered} m²."
    ),
    "validity.unmet_hours.within": (
        "Setpoints were not met for {total} occupied hours (heating {heating} h, cooling "
        "{cooling} h), within {limit} h."
    ),
    "validity.unmet_hours.over": (
        "Setpoints were not met for {total} occupied hours (heating {heating} h, cooling "
        "{cooling} h), more than {limit} h: the system does not meet the loads, so its energy use "
        "is understated."
    ),
    "validity.unmet_hours.unknown": (
        "EnergyPlus reported no unmet setpoint hours, so they cannot be checked."
    ),
    "validity.heating_source.agrees": (
        "The model's heating energy ({fuels}) agrees with the registered heating type, "
        "“{heating_type}”."
    ),
    "validity.heating_source.disagrees": (
        "The model takes part of its heating energy from {other_fuels} ({share} %), which does not "
        "agree with the registered heating type, “{heating_type}” (up to {limit} % allowed)."
    ),
    "validity.heating_source.absent": (
        "The model uses no heating energy, which does not agree with the registered heating type, "
        "“{heating_type}”."
    ),
    "validity.heating_source.not_registered": (
        "The building's heating type is not registered, so the model's heating energy ({fuels}) "
        "cannot be checked against it."
    ),
    "validity.severe_errors.within": (
        "EnergyPlus reported {count} severe errors (warm-up convergence not counted), within "
        "{limit}."
    ),
    "validity.severe_errors.over": (
        "EnergyPlus reported {count} severe errors (warm-up convergence not counted), more than "
        "the {limit} allowed."
    ),
    "validity.threshold_not_used": "This rule has no threshold.",
    "validity.rule_not_found": "No validity rule with id {id}.",
    "validity.rule_superseded": (
        "This rule already has a newer version, v{version}; change that one."
    ),
    "validity.nothing_changed": "Nothing was changed.",
    "validity.status_unknown": "Unknown source status “{value}”.",
}
