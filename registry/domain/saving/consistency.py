"""A designer-supplied reference building checked against its design (issue 21).

Pure: it takes the plain facts `registry.domain.checks.comparable.comparable_facts` reads
from each parsed model, and the reference parameters the generated transformation uses
(`registry.services.saving.seed.current`, same versions, same unverified status).

The pair is consistent when the reference keeps the design's zones (floor area, volume),
exterior surfaces (area by zone, kind and orientation), schedules (by name, value by value),
internal loads (people, plug loads: amount and schedules per zone), infiltration and fresh
air (per zone: method, rate and schedule, `consistency_air`), and sets what the
standard fixes at the standard's values: each exterior wall, roof and floor at the reference
U (ground floors: layer resistance), each façade's window area at the design's capped at the
window-to-wall ratio limit, its glazing at the U and SHGC of that ratio's band, and lighting
at the power density of each zone's space type, and its ideal loads metered as the generated
reference meters them (district heat at the reference efficiency, electricity at the reference
SCOP, no heat recovery). Not compared: the ideal loads' other fields and schedules only the
reference has. The tolerances are parameters (`consistency.*` rows, `consistency_terms.
tolerances`).

Every difference names the object, the field, the design's value, the reference's value and
the tolerance, as a message code with its parameters (`consistency_messages.MESSAGES`).
"""

from __future__ import annotations

from registry.domain.saving import consistency_air as air
from registry.domain.saving import consistency_standard as standard
from registry.domain.saving.consistency_terms import (
    CATEGORIES,
    F_AREA,
    F_FLOOR,
    F_SCHEDULES,
    F_VALUES,
    F_VOLUME,
    LOAD_FIELDS,
    LOADS,
    SCHEDULE,
    ZONE,
    Consistency,
    Difference,
    amounts,
    close,
    load_text,
    m2,
    pct,
    surface_kind,
    tolerances,
)


def check_pair(design: dict, reference: dict, params: dict[str, dict]) -> Consistency:
    """Compare a design's facts with its designer-supplied reference's; every difference."""
    out = Consistency()
    tol = tolerances(params)
    _zones(design, reference, tol, out)
    _surfaces(design, reference, tol, out)
    _schedules(design, reference, out)
    _loads(design, reference, tol, out)
    air.infiltration(design, reference, tol, out)
    air.outdoor_air(design, reference, tol, out)
    standard.lighting(design, reference, params, out)
    standard.opaque(reference, params, out)
    standard.windows(design, reference, params, out)
    standard.hvac(design, reference, params, out)
    out.findings["tolerances"] = tol
    return out


def _zones(design: dict, reference: dict, tol: dict, out: Consistency) -> None:
    for key, zone in design["zones"].items():
        other = reference["zones"].get(key)
        if other is None:
            out.differences.append(Difference("consistency.missing", ZONE, zone["name"]))
            continue
        for label, name, rel in (
            (F_FLOOR, "floor_area_m2", "area_rel"),
            (F_VOLUME, "volume_m3", "volume_rel"),
        ):
            ours = zone[name] * zone["multiplier"]
            theirs = other[name] * other["multiplier"]
            if not close(ours, theirs, tol[rel], tol["area_abs_m2"]):
                unit = "m²" if name == "floor_area_m2" else "m³"
                out.differences.append(
                    Difference(
                        "consistency.differs",
                        ZONE,
                        zone["name"],
                        label,
                        f"{ours:,.2f} {unit}",
                        f"{theirs:,.2f} {unit}",
                        pct(tol[rel]),
                    )
                )
    for key, zone in reference["zones"].items():
        if key not in design["zones"]:
            out.differences.append(Difference("consistency.extra", ZONE, zone["name"]))
    out.findings["zones"] = len(design["zones"])


def _angle(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


def _groups(facts: dict) -> dict[tuple[str, str], list[list]]:
    """Exterior area per zone and kind, walls split by orientation: [azimuth, area] lists
    (surfaces facing within 1° of each other are one group; roofs and floors one group)."""
    out: dict[tuple[str, str], list[list]] = {}
    for surface in facts["surfaces"]:
        category = surface_kind(surface)
        if category is None:
            continue
        groups = out.setdefault((surface["zone"], category), [])
        azimuth = surface["azimuth_deg"]
        for group in groups:
            if (group[0] is None and azimuth is None) or (
                group[0] is not None and azimuth is not None and _angle(group[0], azimuth) <= 1
            ):
                group[1] += surface["area_m2"]
                break
        else:
            groups.append([azimuth, surface["area_m2"]])
    return out


def _surface_name(facts: dict, zone: str, azimuth) -> str:
    shown = facts["zones"].get(zone, {}).get("name", zone)
    return shown if azimuth is None else f"{shown}, {azimuth:.0f}°"


def _surfaces(design: dict, reference: dict, tol: dict, out: Consistency) -> None:
    ours, theirs = _groups(design), _groups(reference)
    degrees = tol["orientation_deg"]
    for key in sorted(set(ours) | set(theirs)):
        left, right = list(ours.get(key, [])), list(theirs.get(key, []))
        for azimuth, area in left:
            match = next(
                (
                    g
                    for g in right
                    if (g[0] is None) == (azimuth is None)
                    and (azimuth is None or _angle(g[0], azimuth) <= degrees)
                ),
                None,
            )
            name = _surface_name(design, key[0], azimuth)
            if match is None:
                out.differences.append(
                    Difference(
                        "consistency.differs",
                        CATEGORIES[key[1]],
                        name,
                        F_AREA,
                        m2(area),
                        m2(0.0),
                        f"±{degrees:g}°",
                    )
                )
                continue
            right.remove(match)
            if not close(area, match[1], tol["area_rel"], tol["area_abs_m2"]):
                out.differences.append(
                    Difference(
                        "consistency.differs",
                        CATEGORIES[key[1]],
                        name,
                        F_AREA,
                        m2(area),
                        m2(match[1]),
                        pct(tol["area_rel"]),
                    )
                )
        for azimuth, area in right:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    CATEGORIES[key[1]],
                    _surface_name(reference, key[0], azimuth),
                    F_AREA,
                    m2(0.0),
                    m2(area),
                    f"±{degrees:g}°",
                )
            )
    out.findings["surface_groups"] = sum(len(v) for v in ours.values())


def _schedules(design: dict, reference: dict, out: Consistency) -> None:
    for key, schedule in design["schedules"].items():
        other = reference["schedules"].get(key)
        if other is None:
            out.differences.append(Difference("consistency.missing", SCHEDULE, schedule["name"]))
            continue
        ours, theirs = schedule["values"], other["values"]
        if ours != theirs or schedule["type"].upper() != other["type"].upper():
            at = next(
                (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
                min(len(ours), len(theirs)),
            )
            out.differences.append(
                Difference(
                    "consistency.schedule",
                    SCHEDULE,
                    schedule["name"],
                    F_VALUES,
                    ", ".join(ours[at : at + 3]) or "-",
                    ", ".join(theirs[at : at + 3]) or "-",
                    str(at + 1),
                )
            )
    out.findings["schedules"] = len(design["schedules"])


def _loads(design: dict, reference: dict, tol: dict, out: Consistency) -> None:
    ours, theirs = amounts(design), amounts(reference)
    rel = tol["load_rel"]
    for key in sorted(set(ours) | set(theirs)):
        zone, kind = key
        if kind == "lights":
            continue  # set at the standard's density: `_lighting`
        empty = {"amount": 0.0, "schedules": set(), "exact": []}
        left, right = ours.get(key, empty), theirs.get(key, empty)
        name = design["zones"].get(zone, reference["zones"].get(zone, {})).get("name", zone)
        if not close(left["amount"], right["amount"], rel) or sorted(
            left["exact"], key=str
        ) != sorted(right["exact"], key=str):
            out.differences.append(
                Difference(
                    "consistency.differs",
                    LOADS,
                    name,
                    LOAD_FIELDS[kind],
                    load_text(kind, left["amount"], left["exact"]),
                    load_text(kind, right["amount"], right["exact"]),
                    pct(rel),
                )
            )
        if left["schedules"] != right["schedules"]:
            out.differences.append(
                Difference(
                    "consistency.differs",
                    LOADS,
                    f"{name} ({LOAD_FIELDS[kind]})",
                    F_SCHEDULES,
                    ", ".join(sorted(left["schedules"])) or "-",
                    ", ".join(sorted(right["schedules"])) or "-",
                    "=",
                )
            )
    out.findings["loads"] = len(ours)
