"""What a parsed model says about itself: zones, surfaces, floor area, run period.

Read from eppy's objects by duck typing (this module does not import eppy), so the facts
stay apart from parsing and safety checks in `registry.domain.checks.idf`.
"""

from __future__ import annotations

from registry.domain.checks.results import MONTHLY_REPORT_NAME

SURFACE_OBJECTS = (
    "BUILDINGSURFACE:DETAILED",
    "WALL:DETAILED",
    "ROOFCEILING:DETAILED",
    "FLOOR:DETAILED",
    "WALL:EXTERIOR",
    "WALL:ADIABATIC",
    "WALL:UNDERGROUND",
    "WALL:INTERZONE",
    "ROOF",
    "CEILING:ADIABATIC",
    "CEILING:INTERZONE",
    "FLOOR:GROUNDCONTACT",
    "FLOOR:ADIABATIC",
    "FLOOR:INTERZONE",
)
SUBSURFACE_OBJECTS = (
    "FENESTRATIONSURFACE:DETAILED",
    "WINDOW",
    "DOOR",
    "GLAZEDDOOR",
    "WINDOW:INTERZONE",
    "DOOR:INTERZONE",
    "GLAZEDDOOR:INTERZONE",
)


def run_period(obj) -> dict:
    """A RunPeriod's name and dates, as shown on the check page."""

    def number(name):
        return whole(value(obj, name))

    return {
        "name": value(obj, "Name"),
        "begin": f"{number('Begin_Month')}/{number('Begin_Day_of_Month')}",
        "end": f"{number('End_Month')}/{number('End_Day_of_Month')}",
        "begin_year": number("Begin_Year"),
        "end_year": number("End_Year"),
    }


def model_facts(
    idf, *, version: str, object_count: int, engine_idd: str, dropped: tuple[str, ...]
) -> dict:
    """What the check page shows of a model before its run."""
    objects = idf.idfobjects
    timestep = objects["TIMESTEP"]
    periods = objects["RUNPERIOD"]
    return {
        "version": version,
        "engine_idd": engine_idd,
        "objects": object_count,
        "zones": len(objects["ZONE"]),
        "surfaces": sum(len(objects[key]) for key in SURFACE_OBJECTS),
        "subsurfaces": sum(len(objects[key]) for key in SUBSURFACE_OBJECTS),
        "floor_area_m2": _floor_area_m2(idf),
        "run_period": run_period(periods[0]) if periods else None,
        "timesteps_per_hour": whole(value(timestep[0], "Number_of_Timesteps_per_Hour"))
        if timestep
        else None,
        "schedule_compact": len(objects["SCHEDULE:COMPACT"]),
        "output_requests_dropped": sum(
            1
            for key in dropped
            for obj in objects[key]
            if not (key == "OUTPUT:TABLE:MONTHLY" and obj.obj[1:2] == [MONTHLY_REPORT_NAME])
        ),
    }


def _floor_area_m2(idf) -> float | None:
    """Floor surfaces' area times zone multipliers, for zones counted in the total floor area.

    EnergyPlus's own `Building Area` (read after the run) is the figure to trust; this one is
    shown before the run and is None when floors are not given as detailed or simple surfaces.
    """
    zones = {}
    for zone in idf.idfobjects["ZONE"]:
        multiplier = value(zone, "Multiplier")
        counted = value(zone, "Part_of_Total_Floor_Area").lower() != "no"
        zones[value(zone, "Name").upper()] = (whole(multiplier) or 1) if counted else 0
    total, found = 0.0, False
    for key in ("BUILDINGSURFACE:DETAILED", "FLOOR:DETAILED"):
        for surface in idf.idfobjects[key]:
            if (
                key == "BUILDINGSURFACE:DETAILED"
                and value(surface, "Surface_Type").lower() != "floor"
            ):
                continue
            start = surface.objls.index("Number_of_Vertices") + 1
            try:
                coords = [float(v) for v in surface.obj[start:] if v != ""]
            except (TypeError, ValueError):
                return None
            zone = value(surface, "Zone_Name").upper()
            total += _polygon_area(coords) * zones.get(zone, 1.0)
            found = True
    for key in ("FLOOR:GROUNDCONTACT", "FLOOR:ADIABATIC", "FLOOR:INTERZONE"):
        for surface in idf.idfobjects[key]:
            try:
                area = float(value(surface, "Length")) * float(value(surface, "Width"))
            except (TypeError, ValueError):
                return None
            total += area * zones.get(value(surface, "Zone_Name").upper(), 1.0)
            found = True
    return round(total, 2) if found else None


def _polygon_area(coords: list[float]) -> float:
    """Area of a planar 3-D polygon from flat x, y, z triples (Newell's method)."""
    points = [coords[i : i + 3] for i in range(0, len(coords) - 2, 3)]
    nx = ny = nz = 0.0
    for (x1, y1, z1), (x2, y2, z2) in zip(points, points[1:] + points[:1], strict=True):
        nx += (y1 - y2) * (z1 + z2)
        ny += (z1 - z2) * (x1 + x2)
        nz += (x1 - x2) * (y1 + y2)
    return 0.5 * (nx * nx + ny * ny + nz * nz) ** 0.5


def whole(text: str) -> int | None:
    """A field's text as a whole number, None when blank or not a number."""
    try:
        return int(float(text))
    except ValueError:
        return None


def value(obj, name: str) -> str:
    """A field's value as stripped text ('' when absent), without eppy's per-call lookups."""
    try:
        value = obj.obj[obj.objls.index(name)]
    except (ValueError, IndexError):
        return ""
    return str(value).strip()
