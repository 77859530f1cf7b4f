"""Infiltration and fresh air of a designer's reference model against its design, zone by
zone (registry.domain.saving.consistency): the reference building keeps the design's, so
each zone's ZoneInfiltration:DesignFlowRate (method, rate, schedule) and the
DesignSpecification:OutdoorAir its ideal loads name (method, flows, schedule) must match
within the `air_rel` tolerance."""

from __future__ import annotations

from registry.domain.saving.consistency_terms import (
    F_INFILTRATION,
    F_OUTDOOR_AIR,
    F_SCHEDULES,
    FRESH_AIR,
    INFILTRATION,
    Consistency,
    Difference,
    close,
    pct,
)

# The unit of each infiltration method's value (EnergyPlus's calculation methods).
_INFILTRATION_UNITS = {
    "flow/zone": "m³/s",
    "flow/area": "m³/(s·m²)",
    "flow/exteriorarea": "m³/(s·m²)",
    "flow/exteriorwallarea": "m³/(s·m²)",
    "airchanges/hour": "1/h",
}
_OUTDOOR_AIR_FLOWS = (
    ("per_person_m3_s", "m³/(s·person)"),
    ("per_area_m3_s_m2", "m³/(s·m²)"),
    ("per_zone_m3_s", "m³/s"),
    ("air_changes_per_hour", "1/h"),
)


def _zone_name(design: dict, reference: dict, zone: str) -> str:
    return design["zones"].get(zone, reference["zones"].get(zone, {})).get("name", zone)


def _infiltration_by_zone(facts: dict) -> dict[str, dict]:
    """Per zone: {method: summed value (None when one is unreadable)} and the schedules."""
    out: dict[str, dict] = {}
    for item in facts.get("infiltration", []):
        entry = out.setdefault(item["zone"], {"rates": {}, "schedules": set()})
        rates = entry["rates"]
        value = item["value"]
        before = rates.get(item["method"], 0.0)
        rates[item["method"]] = None if value is None or before is None else before + value
        entry["schedules"].add(item["schedule"].upper())
    return out


def _rates_text(rates: dict) -> str:
    if not rates:
        return "-"
    return "; ".join(
        f"{'?' if value is None else f'{value:g}'} {_INFILTRATION_UNITS.get(method, method)}"
        for method, value in sorted(rates.items())
    )


def _same_rates(ours: dict, theirs: dict, rel: float) -> bool:
    if set(ours) != set(theirs):
        return False
    return all(
        ours[m] is not None and theirs[m] is not None and close(ours[m], theirs[m], rel)
        for m in ours
    )


def infiltration(design: dict, reference: dict, tol: dict, out: Consistency) -> None:
    ours, theirs = _infiltration_by_zone(design), _infiltration_by_zone(reference)
    rel = tol["air_rel"]
    empty = {"rates": {}, "schedules": set()}
    for zone in sorted(set(ours) | set(theirs)):
        left, right = ours.get(zone, empty), theirs.get(zone, empty)
        name = _zone_name(design, reference, zone)
        if not _same_rates(left["rates"], right["rates"], rel):
            out.differences.append(
                Difference(
                    "consistency.differs",
                    INFILTRATION,
                    name,
                    F_INFILTRATION,
                    _rates_text(left["rates"]),
                    _rates_text(right["rates"]),
                    pct(rel),
                )
            )
        if left["schedules"] != right["schedules"]:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    INFILTRATION,
                    name,
                    F_SCHEDULES,
                    ", ".join(sorted(left["schedules"])) or "-",
                    ", ".join(sorted(right["schedules"])) or "-",
                    "=",
                )
            )
    out.findings["infiltration_zones"] = len(ours)


def _flows(specifications: list[dict]) -> tuple[dict, set, set]:
    """A zone's outdoor air: summed flows, methods and schedules of its specifications."""
    flows = {key: 0.0 for key, _unit in _OUTDOOR_AIR_FLOWS}
    for spec in specifications:
        for key, _unit in _OUTDOOR_AIR_FLOWS:
            flows[key] += spec[key]
    methods = {spec["method"].lower() for spec in specifications}
    schedules = {spec["schedule"].upper() for spec in specifications}
    return flows, methods, schedules


def _flows_text(flows: dict, methods: set) -> str:
    shown = [f"{flows[key]:g} {unit}" for key, unit in _OUTDOOR_AIR_FLOWS if flows[key]]
    return ", ".join(sorted(methods) + shown) or "-"


def outdoor_air(design: dict, reference: dict, tol: dict, out: Consistency) -> None:
    ours, theirs = design.get("outdoor_air", {}), reference.get("outdoor_air", {})
    rel = tol["air_rel"]
    for zone in sorted(set(ours) | set(theirs)):
        left_flows, left_methods, left_schedules = _flows(ours.get(zone, []))
        right_flows, right_methods, right_schedules = _flows(theirs.get(zone, []))
        name = _zone_name(design, reference, zone)
        same = left_methods == right_methods and all(
            close(left_flows[key], right_flows[key], rel) for key, _unit in _OUTDOOR_AIR_FLOWS
        )
        if not same:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    FRESH_AIR,
                    name,
                    F_OUTDOOR_AIR,
                    _flows_text(left_flows, left_methods),
                    _flows_text(right_flows, right_methods),
                    pct(rel),
                )
            )
        if left_schedules != right_schedules:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    FRESH_AIR,
                    name,
                    F_SCHEDULES,
                    ", ".join(sorted(left_schedules)) or "-",
                    ", ".join(sorted(right_schedules)) or "-",
                    "=",
                )
            )
    out.findings["outdoor_air_zones"] = len(ours)
