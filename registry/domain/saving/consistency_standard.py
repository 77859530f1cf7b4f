"""The half of the consistency check that reads the reference model alone: what the standard
fixes (envelope U, window area at the capped window-to-wall ratio, glazing U and SHGC of the
ratio's band, lighting power density) at the parameters the generated transformation uses."""

from __future__ import annotations

from registry.domain.saving.consistency_terms import (
    CONSTRUCTION,
    F_COOLING_EFFICIENCY,
    F_COOLING_FUEL,
    F_GLAZING_U,
    F_HEAT_RECOVERY,
    F_HEATING_EFFICIENCY,
    F_HEATING_FUEL,
    F_LPD,
    F_R,
    F_SCHEDULES,
    F_SHGC,
    F_U,
    F_WINDOW_AREA,
    FACADE,
    FACADES,
    IDEAL_LOADS,
    ZONE,
    Consistency,
    Difference,
    amounts,
    close,
    m2,
    pct,
    surface_kind,
    tolerances,
)
from registry.domain.saving.data import WWR_BANDS, band_key
from registry.domain.saving.reference import space_type


def lighting(design: dict, reference: dict, params: dict, out: Consistency) -> None:
    ours, theirs = amounts(design), amounts(reference)
    rel = tolerances(params)["standard_rel"]
    for (zone, kind), entry in theirs.items():
        if kind != "lights":
            continue
        found = reference["zones"].get(zone)
        name = found["name"] if found else zone
        key = f"lpd.{space_type(name)}"
        expected = float(params[key]["value"])
        area = found["floor_area_m2"] if found else 0.0
        lpd = entry["amount"] / area if area and not entry["exact"] else None
        if lpd is None or not close(expected, lpd, rel):
            design_entry = ours.get((zone, kind))
            design_area = design["zones"].get(zone, {}).get("floor_area_m2")
            design_lpd = (
                design_entry["amount"] / design_area if design_entry and design_area else None
            )
            out.differences.append(
                Difference(
                    "consistency.standard",
                    ZONE,
                    name,
                    F_LPD,
                    f"{design_lpd:.2f} W/m²" if design_lpd is not None else "-",
                    f"{lpd:.2f} W/m²" if lpd is not None else "-",
                    f"{expected:g} W/m² {pct(rel)}",
                )
            )
        design_schedules = ours.get((zone, kind), {}).get("schedules", set())
        if design_schedules and design_schedules != entry["schedules"]:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    ZONE,
                    name,
                    F_SCHEDULES,
                    ", ".join(sorted(design_schedules)),
                    ", ".join(sorted(entry["schedules"])),
                    "=",
                )
            )
    for zone, kind in ours:
        if kind == "lights" and (zone, kind) not in theirs:
            name = design["zones"].get(zone, {}).get("name", zone)
            out.differences.append(
                Difference(
                    "consistency.standard",
                    ZONE,
                    name,
                    F_LPD,
                    "",
                    "0 W/m²",
                    f"{float(params[f'lpd.{space_type(name)}']['value']):g} W/m²",
                )
            )


def _construction_r(facts: dict, name: str) -> float | None:
    layers = facts["constructions"].get(name.upper())
    if not layers:
        return None
    resistances = [facts["layer_r"].get(layer.upper()) for layer in layers]
    return None if None in resistances else sum(resistances)


def opaque(reference: dict, params: dict, out: Consistency) -> None:
    rsi, rse = float(params["surface_rsi"]["value"]), float(params["surface_rse"]["value"])
    rel = tolerances(params)["standard_rel"]
    seen: set[tuple[str, str]] = set()
    for surface in reference["surfaces"]:
        category = surface_kind(surface)
        key = (surface["construction"].upper(), category or "")
        if category is None or key in seen:
            continue
        seen.add(key)
        r = _construction_r(reference, surface["construction"])
        ground = category == "ground_floor"
        expected = float(params["ground_floor_r" if ground else f"{category}_u"]["value"])
        found = r if ground or r is None else 1 / (r + rsi + rse)
        if found is None or not close(expected, found, rel):
            unit = "m²·K/W" if ground else "W/(m²·K)"
            out.differences.append(
                Difference(
                    "consistency.standard",
                    CONSTRUCTION,
                    surface["construction"],
                    F_R if ground else F_U,
                    "",
                    f"{found:.3f} {unit}" if found is not None else "-",
                    f"{expected:g} {unit} {pct(rel)}",
                )
            )


def facade_of(azimuth_deg: float) -> str:
    """N/E/S/W as the generated transformation bins a wall (registry.domain.saving.windows)."""
    return ("north", "east", "south", "west")[int(((azimuth_deg + 45) % 360) // 90)]


def _by_facade(facts: dict) -> tuple[dict, dict, dict]:
    walls = {
        s["name"].upper(): s
        for s in facts["surfaces"]
        if surface_kind(s) == "wall" and s["azimuth_deg"] is not None
    }
    wall_area: dict[str, float] = {}
    for wall in walls.values():
        facade = facade_of(wall["azimuth_deg"])
        wall_area[facade] = wall_area.get(facade, 0.0) + wall["area_m2"]
    window_area: dict[str, float] = {}
    constructions: dict[str, set[str]] = {}
    for window in facts["windows"]:
        wall = walls.get(window["surface"])
        if wall is None:
            continue
        facade = facade_of(wall["azimuth_deg"])
        window_area[facade] = window_area.get(facade, 0.0) + window["area_m2"]
        constructions.setdefault(facade, set()).add(window["construction"])
    return wall_area, window_area, constructions


def _band(ratio: float) -> float:
    return next((upper for upper in WWR_BANDS if ratio <= upper + 1e-9), WWR_BANDS[-1])


def windows(design: dict, reference: dict, params: dict, out: Consistency) -> None:
    cap = float(params["wwr_max"]["value"])
    rel = tolerances(params)["area_rel"]
    walls, ours, _ = _by_facade(design)
    ref_walls, theirs, constructions = _by_facade(reference)
    ratios = {}
    named: set[tuple] = set()  # one line per construction and limit, not per façade
    for facade in sorted(set(ours) | set(theirs)):
        design_area = ours.get(facade, 0.0)
        design_wwr = design_area / walls[facade] if walls.get(facade) else 0.0
        expected = design_area * min(1.0, cap / design_wwr) if design_wwr else 0.0
        found = theirs.get(facade, 0.0)
        ref_wwr = found / ref_walls[facade] if ref_walls.get(facade) else 0.0
        ratios[facade] = {"design": round(design_wwr, 4), "reference": round(ref_wwr, 4)}
        if not close(expected, found, rel, tolerances(params)["area_abs_m2"]):
            out.differences.append(
                Difference(
                    "consistency.window_area",
                    FACADE,
                    FACADES[facade],
                    F_WINDOW_AREA,
                    m2(design_area),
                    m2(found),
                    f"{m2(expected)} {pct(rel)} (≤ {cap:g})",
                    name_is_term=True,
                )
            )
        upper = _band(min(ref_wwr, cap))
        u_key = band_key("window_u", upper)
        shgc_key = band_key("window_shgc_north" if facade == "north" else "window_shgc", upper)
        for construction in sorted(constructions.get(facade, ())):
            layers = reference["constructions"].get(construction.upper(), [])
            glazing = reference["glazings"].get(layers[0].upper()) if len(layers) == 1 else None
            checks = [(F_GLAZING_U, "u", u_key)]
            if shgc_key in params:  # no SHGC limit in this band: the designer's own
                checks.append((F_SHGC, "shgc", shgc_key))
            for label, name, key in checks:
                expected_value = float(params[key]["value"])
                found_value = glazing.get(name) if glazing else None
                unit = " W/(m²·K)" if name == "u" else ""
                if (construction, label, expected_value) in named:
                    continue
                if found_value is None or not close(
                    expected_value, found_value, tolerances(params)["standard_rel"]
                ):
                    named.add((construction, label, expected_value))
                    out.differences.append(
                        Difference(
                            "consistency.standard",
                            CONSTRUCTION,
                            construction,
                            label,
                            "",
                            f"{found_value:g}{unit}" if found_value is not None else "-",
                            f"{expected_value:g}{unit} {pct(tolerances(params)['standard_rel'])}",
                        )
                    )
    out.findings["wwr"] = ratios


def _constant(facts: dict, name: str) -> float | None:
    """A schedule's value when it holds one number all year (blank: EnergyPlus's 1.0)."""
    if not name:
        return 1.0
    schedule = facts["schedules"].get(name.upper())
    if schedule is None:
        return None
    numbers = set()
    for text in schedule["values"][1:]:  # after the type limits
        try:
            numbers.add(float(text))
        except ValueError:
            continue  # Through:, For:, Until: lines
    return numbers.pop() if len(numbers) == 1 else None


def hvac(design: dict, reference: dict, params: dict, out: Consistency) -> None:
    """The reference building's ideal loads metered as the generated reference meters them
    (registry.domain.saving.reference._hvac): heating as district heat at the reference
    efficiency, cooling as electricity at the reference SCOP, no heat recovery."""
    systems = reference["ideal_loads"]
    if not systems:
        out.differences.append(Difference("consistency.needs_ideal_loads", IDEAL_LOADS, ""))
        return
    ours = {system["name"].upper() for system in reference["ideal_loads"]}
    for system in design["ideal_loads"]:
        if system["name"].upper() not in ours:
            out.differences.append(Difference("consistency.missing", IDEAL_LOADS, system["name"]))
    rel = tolerances(params)["standard_rel"]
    heating = float(params["ref_heating_efficiency"]["value"])
    cooling = float(params["ref_cooling_scop"]["value"])
    found: dict[tuple[str, str, str], list[str]] = {}  # one line per field and value
    for system in systems:
        for label, shown, expected in (
            (F_HEATING_FUEL, system["heating_fuel"], "DistrictHeatingWater"),
            (F_COOLING_FUEL, system["cooling_fuel"], "Electricity"),
            (F_HEAT_RECOVERY, system["heat_recovery"] or "None", "None"),
        ):
            if shown.lower() != expected.lower():
                found.setdefault((label, shown or "-", expected), []).append(system["name"])
        for label, schedule, expected in (
            (F_HEATING_EFFICIENCY, system["heating_efficiency_schedule"], heating),
            (F_COOLING_EFFICIENCY, system["cooling_efficiency_schedule"], cooling),
        ):
            value = _constant(reference, schedule)
            if value is None or not close(expected, value, rel):
                shown = f"{value:g}" if value is not None else schedule
                found.setdefault((label, shown, f"{expected:g} {pct(rel)}"), []).append(
                    system["name"]
                )
    for (label, shown, expected), system_names in found.items():
        name = ", ".join(system_names[:2]) + (
            f" (+{len(system_names) - 2})" if len(system_names) > 2 else ""
        )
        out.differences.append(
            Difference("consistency.standard", IDEAL_LOADS, name, label, "", shown, expected)
        )
