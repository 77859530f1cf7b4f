"""What a designer's reference model is compared with its design on, read from a parsed model.

Read from eppy's objects by duck typing, like `facts.py` (this module does not import eppy):
the comparison itself (`registry.domain.saving.consistency`) gets plain values only, so it
never touches a parsed model. Geometry is read from `BuildingSurface:Detailed`, `Window` and
`FenestrationSurface:Detailed`, the objects the saving rate accepts (others are refused
before this is read, `registry.domain.saving.reference.UNSUPPORTED_SURFACES`).
"""

from __future__ import annotations

import math

from registry.domain.checks.facts import value

# Internal loads compared zone by zone. Their fields share one layout in the IDD: name, zone
# (or list), schedule, calculation method, then one value per method in this order.
LOAD_OBJECTS = {
    "PEOPLE": ("people", ("people", "people/area", "area/person")),
    "LIGHTS": ("lights", ("lightinglevel", "watts/area", "watts/person")),
    "ELECTRICEQUIPMENT": ("electric_equipment", ("equipmentlevel", "watts/area", "watts/person")),
    "GASEQUIPMENT": ("gas_equipment", ("equipmentlevel", "watts/area", "watts/person")),
    "HOTWATEREQUIPMENT": ("hot_water_equipment", ("equipmentlevel", "watts/area", "watts/person")),
    "OTHEREQUIPMENT": ("other_equipment", ("equipmentlevel", "watts/area", "watts/person")),
}
# ZoneInfiltration:DesignFlowRate: name, zone (or list), schedule, method, then one value per
# method in this order.
INFILTRATION_METHODS = (
    "flow/zone",
    "flow/area",
    ("flow/exteriorarea", "flow/exteriorwallarea"),
    "airchanges/hour",
)
SCHEDULE_PREFIXES = ("SCHEDULE:COMPACT", "SCHEDULE:CONSTANT", "SCHEDULE:DAY:", "SCHEDULE:WEEK:")
SCHEDULE_KEYS = ("SCHEDULE:YEAR",)


def _number(text: str) -> float | None:
    try:
        found = float(text)
    except (TypeError, ValueError):
        return None
    return found if math.isfinite(found) else None


def _points(obj) -> list[tuple[float, float, float]]:
    start = obj.objls.index("Vertex_1_Xcoordinate")
    values = [_number(str(v)) for v in obj.obj[start:] if str(v).strip()]
    values = [v if v is not None else 0.0 for v in values]
    return [(values[i], values[i + 1], values[i + 2]) for i in range(0, len(values) - 2, 3)]


def _newell(points) -> tuple[float, float, float]:
    nx = ny = nz = 0.0
    for (x1, y1, z1), (x2, y2, z2) in zip(points, points[1:] + points[:1], strict=True):
        nx += (y1 - y2) * (z1 + z2)
        ny += (z1 - z2) * (x1 + x2)
        nz += (x1 - x2) * (y1 + y2)
    return nx, ny, nz


def _schedule_values(obj) -> list[str]:
    """The schedule's fields after its name, as compared: numbers as numbers, words in lower
    case (so `Until: 24:00` and `until: 24:00` are the same schedule)."""
    out = []
    for raw in obj.obj[2:]:
        text = str(raw).strip()
        number = _number(text)
        out.append(f"{number:g}" if number is not None else text.lower())
    while out and out[-1] == "":
        out.pop()
    return out


def comparable_facts(idf) -> dict:
    """Zones, exterior surfaces, windows, constructions, schedules and internal loads of a
    parsed model, as plain values (areas in m², volumes in m³, azimuths in degrees from
    true north, clockwise)."""
    objects = idf.idfobjects
    buildings = objects["BUILDING"]
    north_axis_deg = (_number(value(buildings[0], "North_Axis")) or 0.0) if buildings else 0.0
    zones: dict[str, dict] = {}
    zone_north: dict[str, float] = {}
    for zone in objects["ZONE"]:
        name = value(zone, "Name")
        zones[name.upper()] = {
            "name": name,
            "multiplier": int(_number(value(zone, "Multiplier")) or 1),
            "volume_field_m3": _number(value(zone, "Volume")),
            "floor_area_m2": 0.0,
            "volume_m3": 0.0,
        }
        zone_north[name.upper()] = _number(value(zone, "Direction_of_Relative_North")) or 0.0
    surfaces = []
    for surface in objects["BUILDINGSURFACE:DETAILED"]:
        points = _points(surface)
        nx, ny, nz = _newell(points)
        length = math.sqrt(nx * nx + ny * ny + nz * nz)
        area_m2 = 0.5 * length
        zone_key = value(surface, "Zone_Name").upper()
        kind = value(surface, "Surface_Type").lower()
        zone = zones.get(zone_key)
        if zone is not None:
            if kind == "floor":
                zone["floor_area_m2"] += area_m2
            if points:  # divergence theorem: outward normals (vertices counterclockwise)
                x, y, z = points[0]
                zone["volume_m3"] += (nx * x + ny * y + nz * z) / 6.0
        tilt_deg = math.degrees(math.acos(max(-1.0, min(1.0, nz / length)))) if length else 0.0
        vertical = 1.0 < tilt_deg < 179.0
        azimuth = (
            (math.degrees(math.atan2(nx, ny)) + north_axis_deg + zone_north.get(zone_key, 0.0))
            % 360
            if vertical
            else None
        )
        surfaces.append(
            {
                "name": value(surface, "Name"),
                "zone": zone_key,
                "type": kind,
                "boundary": value(surface, "Outside_Boundary_Condition").lower(),
                "construction": value(surface, "Construction_Name"),
                "area_m2": area_m2,
                "azimuth_deg": azimuth,
            }
        )
    for zone in zones.values():
        zone["volume_m3"] = zone.pop("volume_field_m3") or abs(zone["volume_m3"])
    windows = []
    for window in objects["WINDOW"]:
        multiplier = max(_number(value(window, "Multiplier")) or 1.0, 1.0)
        length = _number(value(window, "Length")) or 0.0
        height = _number(value(window, "Height")) or 0.0
        windows.append(_window(window, length * height * multiplier))
    for window in objects["FENESTRATIONSURFACE:DETAILED"]:
        if value(window, "Surface_Type").lower() not in ("window", "glassdoor"):
            continue
        nx, ny, nz = _newell(_points(window))
        multiplier = max(_number(value(window, "Multiplier")) or 1.0, 1.0)
        windows.append(_window(window, 0.5 * math.sqrt(nx * nx + ny * ny + nz * nz) * multiplier))
    return {
        "zones": zones,
        "surfaces": surfaces,
        "windows": windows,
        "constructions": {
            value(c, "Name").upper(): [str(v).strip() for v in c.obj[2:] if str(v).strip()]
            for c in objects["CONSTRUCTION"]
        },
        "layer_r": _layer_resistances(objects),
        "glazings": {
            value(g, "Name").upper(): {
                "u": _number(value(g, "UFactor")),
                "shgc": _number(value(g, "Solar_Heat_Gain_Coefficient")),
            }
            for g in objects["WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM"]
        },
        "schedules": _schedules(idf),
        "loads": _loads(objects),
        "infiltration": _infiltration(objects),
        "outdoor_air": _outdoor_air(objects),
        "ideal_loads": [
            {
                "name": value(system, "Name"),
                "heating_fuel": value(system, "Heating_Fuel_Type"),
                "heating_efficiency_schedule": value(
                    system, "Heating_Fuel_Efficiency_Schedule_Name"
                ),
                "cooling_fuel": value(system, "Cooling_Fuel_Type"),
                "cooling_efficiency_schedule": value(
                    system, "Cooling_Fuel_Efficiency_Schedule_Name"
                ),
                "heat_recovery": value(system, "Heat_Recovery_Type"),
            }
            for system in objects["ZONEHVAC:IDEALLOADSAIRSYSTEM"]
        ],
    }


def _window(window, area_m2: float) -> dict:
    return {
        "name": value(window, "Name"),
        "surface": value(window, "Building_Surface_Name").upper(),
        "construction": value(window, "Construction_Name"),
        "area_m2": area_m2,
    }


def _layer_resistances(objects) -> dict[str, float | None]:
    """Each opaque layer's thermal resistance, m²·K/W (None when it cannot be read)."""
    out: dict[str, float | None] = {}
    for material in objects["MATERIAL"]:
        thickness = _number(value(material, "Thickness"))
        conductivity = _number(value(material, "Conductivity"))
        out[value(material, "Name").upper()] = (
            thickness / conductivity if thickness is not None and conductivity else None
        )
    for key in ("MATERIAL:NOMASS", "MATERIAL:AIRGAP"):
        for material in objects[key]:
            out[value(material, "Name").upper()] = _number(value(material, "Thermal_Resistance"))
    return out


def _schedules(idf) -> dict[str, dict]:
    out = {}
    for key in idf.model.dtls:
        upper = key.upper()
        if not (upper.startswith(SCHEDULE_PREFIXES) or upper in SCHEDULE_KEYS):
            continue
        for schedule in idf.idfobjects[upper]:
            out[value(schedule, "Name").upper()] = {
                "name": value(schedule, "Name"),
                "type": schedule.obj[0],
                "values": _schedule_values(schedule),
            }
    return out


def _loads(objects) -> list[dict]:
    out = []
    for key, (kind, methods) in LOAD_OBJECTS.items():
        for load in objects[key]:
            fields = [str(v).strip() for v in load.obj] + [""] * 8
            method = fields[4].lower()
            index = methods.index(method) if method in methods else None
            out.append(
                {
                    "kind": kind,
                    "name": fields[1],
                    "zone": fields[2].upper(),
                    "schedule": fields[3],
                    "method": ("absolute", "per_area", "per_person")[index]
                    if index is not None
                    else method,
                    "value": _number(fields[5 + index]) if index is not None else None,
                    # Area/Person is the one method given the other way round.
                    "inverse": method == "area/person",
                }
            )
    return out


def _infiltration(objects) -> list[dict]:
    """Each ZoneInfiltration:DesignFlowRate: zone, schedule, method and the method's value."""
    out = []
    for obj in objects["ZONEINFILTRATION:DESIGNFLOWRATE"]:
        fields = [str(v).strip() for v in obj.obj] + [""] * 8
        method = fields[4].lower()
        index = next(
            (
                i
                for i, names in enumerate(INFILTRATION_METHODS)
                if method in (names if isinstance(names, tuple) else (names,))
            ),
            None,
        )
        out.append(
            {
                "name": fields[1],
                "zone": fields[2].upper(),
                "schedule": fields[3],
                "method": method,
                "value": _number(fields[5 + index]) if index is not None else None,
            }
        )
    return out


def _outdoor_air(objects) -> dict[str, list[dict]]:
    """Per zone (upper-case name): the DesignSpecification:OutdoorAir objects its ideal loads
    systems name (through the zone's equipment connections and list), as plain values."""
    specifications = {}
    for obj in objects["DESIGNSPECIFICATION:OUTDOORAIR"]:
        fields = [str(v).strip() for v in obj.obj] + [""] * 8
        specifications[fields[1].upper()] = {
            "name": fields[1],
            "method": fields[2],
            "per_person_m3_s": _number(fields[3]) or 0.0,
            "per_area_m3_s_m2": _number(fields[4]) or 0.0,
            "per_zone_m3_s": _number(fields[5]) or 0.0,
            "air_changes_per_hour": _number(fields[6]) or 0.0,
            "schedule": fields[7],
        }
    systems = {
        value(system, "Name").upper(): value(
            system, "Design_Specification_Outdoor_Air_Object_Name"
        ).upper()
        for system in objects["ZONEHVAC:IDEALLOADSAIRSYSTEM"]
    }
    lists = {}
    for obj in objects["ZONEHVAC:EQUIPMENTLIST"]:
        fields = [str(v).strip() for v in obj.obj]
        lists[fields[1].upper()] = [
            fields[i + 1].upper()
            for i in range(3, len(fields) - 1)
            if fields[i].upper() == "ZONEHVAC:IDEALLOADSAIRSYSTEM"
        ]
    out: dict[str, list[dict]] = {}
    for obj in objects["ZONEHVAC:EQUIPMENTCONNECTIONS"]:
        fields = [str(v).strip() for v in obj.obj] + ["", ""]
        for system in lists.get(fields[2].upper(), []):
            found = specifications.get(systems.get(system, ""))
            if found is not None:
                out.setdefault(fields[1].upper(), []).append(found)
    return out
