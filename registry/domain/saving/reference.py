"""The reference building (参照建筑) generated from a design model: a transparent transformation.

Works on a model parsed by `registry.domain.checks.idf.parse_text` and edits it only through
idf.py's API (`editing`, `add_object`, `model_text`): eppy stays behind idf.py.

Same geometry, zoning, orientation, schedules, occupancy, plug loads, infiltration and
fresh air. Changed, each change returned as one entry (object, name, field, design value,
reference value, source):

- opaque envelope: each exterior wall, roof, exposed floor and ground floor construction gets
  a reference twin with its most insulating layer replaced by a `Material:NoMass` whose
  resistance brings the construction to the reference U (ground floor: the reference layer
  resistance), so the other layers' thermal mass stays. When the other layers alone already
  insulate better than the reference, the NoMass layer is kept at its minimum (the reference
  is then better than the table; the change says so). The standard does not let the
  reference keep a better design envelope (recalled), so a better design is weakened too.
- windows: per façade (north, east, south, west) the window-to-wall ratio is capped by
  shrinking each window about its centre; the windows get a `WindowMaterial:
  SimpleGlazingSystem` with the U and SHGC of the façade's ratio band (the design's SHGC
  kept where the table has no limit).
- lighting: every `Lights` object at the reference power density of its space type (read
  from the zone's name; office when nothing matches).
- HVAC: the design keeps its own system; the reference building's
  `ZoneHVAC:IdealLoadsAirSystem`s (the same ones, same schedules and fresh air) meter their
  heating as district heating at the reference efficiency and their cooling as electricity at
  the reference system COP (SCOP_T), without heat recovery. A design without ideal loads is
  refused (`saving.needs_ideal_loads`): the first version converts no real plant.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from registry.domain.checks import idf as idf_api
from registry.domain.saving.data import SPACE_KEYWORDS, WWR_BANDS, band_key
from registry.domain.saving.errors import SavingRejected

MIN_NOMASS_R = 0.001  # EnergyPlus's smallest Material:NoMass resistance, m²·K/W


@dataclass
class Change:
    object: str
    name: str
    field: str
    design: str
    reference: str
    source: str


@dataclass
class Reference:
    text: str
    changes: list[dict]
    wwr: dict[str, dict[str, float]]  # façade -> {design, reference}


def _num(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _fmt(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"


class _Transform:
    def __init__(self, idf, params: dict[str, dict]):
        self.idf = idf
        self.params = params
        self.changes: list[Change] = []

    def value(self, key: str) -> float:
        return float(self.params[key]["value"])

    def source(self, key: str) -> str:
        row = self.params[key]
        return f"{row['standard']} {row['clause']}"

    def change(self, obj: str, name: str, field: str, design, reference, key: str) -> None:
        self.changes.append(Change(obj, name, field, str(design), str(reference), self.source(key)))

    def objects(self, key: str) -> list:
        return list(self.idf.idfobjects[key.upper()])

    def named(self, key: str, name: str):
        for obj in self.idf.idfobjects[key.upper()]:
            if str(obj.Name).upper() == name.upper():
                return obj
        return None


# ---- opaque envelope -------------------------------------------------------------------


def _category(surface) -> str | None:
    kind = str(surface.Surface_Type).lower()
    boundary = str(surface.Outside_Boundary_Condition).lower()
    if boundary == "outdoors":
        return {"wall": "wall", "roof": "roof", "ceiling": "roof", "floor": "exposed_floor"}.get(
            kind
        )
    if boundary.startswith("ground") and kind == "floor":
        return "ground_floor"
    return None


def _layer_r(t: _Transform, name: str) -> float | None:
    material = t.named("Material", name)
    if material is not None:
        conductivity = _num(material.Conductivity)
        return _num(material.Thickness) / conductivity if conductivity > 0 else None
    for key in ("Material:NoMass", "Material:AirGap"):
        found = t.named(key, name)
        if found is not None:
            return _num(found.Thermal_Resistance)
    return None


def _layers(construction) -> list[str]:
    return [str(v) for v in construction.obj[2:] if str(v).strip()]


def _envelope(t: _Transform) -> None:
    rsi, rse = t.value("surface_rsi"), t.value("surface_rse")
    made: dict[tuple[str, str], str] = {}
    for surface in t.objects("BuildingSurface:Detailed"):
        category = _category(surface)
        if category is None:
            continue
        design_name = str(surface.Construction_Name)
        key = (design_name.upper(), category)
        if key not in made:
            made[key] = _reference_construction(t, design_name, category, rsi, rse)
        new_name = made[key]
        if new_name and new_name != design_name:
            surface.Construction_Name = new_name
            t.change(
                "BuildingSurface:Detailed",
                str(surface.Name),
                "Construction Name",
                design_name,
                new_name,
                _param_key(category),
            )


def _param_key(category: str) -> str:
    return {"ground_floor": "ground_floor_r"}.get(category, f"{category}_u")


def _reference_construction(t, design_name: str, category: str, rsi: float, rse: float):
    construction = t.named("Construction", design_name)
    if construction is None:
        return None
    layers = _layers(construction)
    resistances = [_layer_r(t, layer) for layer in layers]
    key = _param_key(category)
    target = t.value(key)
    # Resistance the layers must add up to: ground floors are given as layer resistance.
    layers_target = target if category == "ground_floor" else 1 / target - rsi - rse
    new_name = f"Reference {category.replace('_', ' ')} ({design_name})"
    material = f"Reference insulation {category.replace('_', ' ')} ({design_name})"
    if None in resistances or not layers:
        insulation_r = max(layers_target, MIN_NOMASS_R)
        new_layers = [material]
        design_r = None
    else:
        thickest = max(range(len(layers)), key=lambda i: resistances[i])
        others = sum(resistances) - resistances[thickest]
        insulation_r = max(layers_target - others, MIN_NOMASS_R)
        new_layers = list(layers)
        new_layers[thickest] = material
        design_r = sum(resistances)
    idf_api.add_object(
        t.idf, "Material:NoMass", [material, "MediumRough", round(insulation_r, 4), 0.9, 0.7, 0.7]
    )
    idf_api.add_object(t.idf, "Construction", [new_name, *new_layers])
    reached_r = insulation_r + (design_r - resistances[thickest] if design_r is not None else 0)
    if category == "ground_floor":
        field, design, reference = "Layer resistance (m2·K/W)", design_r, reached_r
    else:
        field = "U-value (W/m2·K)"
        design = 1 / (design_r + rsi + rse) if design_r is not None else None
        reference = 1 / (reached_r + rsi + rse)
    t.change(
        "Construction",
        new_name,
        field,
        _fmt(design) if design is not None else f"layers of {design_name}",
        _fmt(reference),
        key,
    )
    return new_name


# ---- windows ---------------------------------------------------------------------------


def _newell(points: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    nx = ny = nz = 0.0
    for (x1, y1, z1), (x2, y2, z2) in zip(points, points[1:] + points[:1], strict=True):
        nx += (y1 - y2) * (z1 + z2)
        ny += (z1 - z2) * (x1 + x2)
        nz += (x1 - x2) * (y1 + y2)
    return nx, ny, nz


def _vertices(obj, first_field: str) -> list[tuple[float, float, float]]:
    start = obj.objls.index(first_field)
    values = [_num(v) for v in obj.obj[start:] if str(v).strip()]
    return [tuple(values[i : i + 3]) for i in range(0, len(values) - 2, 3)]


def _facade(t: _Transform, surface, points) -> str:
    """N/E/S/W from the wall's outward normal, counterclockwise vertices seen from outside."""
    nx, ny, _ = _newell(points)
    buildings = t.objects("Building")
    north_axis = _num(buildings[0].North_Axis) if buildings else 0.0
    zone = t.named("Zone", str(surface.Zone_Name))
    zone_north = _num(zone.Direction_of_Relative_North) if zone is not None else 0.0
    azimuth = (math.degrees(math.atan2(nx, ny)) + north_axis + zone_north) % 360
    return ("north", "east", "south", "west")[int(((azimuth + 45) % 360) // 90)]


def _area(points) -> float:
    nx, ny, nz = _newell(points)
    return 0.5 * math.sqrt(nx * nx + ny * ny + nz * nz)


def _windows(t: _Transform) -> dict[str, dict[str, float]]:
    walls: dict[str, tuple[str, float]] = {}
    for surface in t.objects("BuildingSurface:Detailed"):
        if _category(surface) == "wall":
            points = _vertices(surface, "Vertex_1_Xcoordinate")
            walls[str(surface.Name).upper()] = (_facade(t, surface, points), _area(points))
    windows = []  # (object, facade, area)
    for window in t.objects("Window"):
        wall = walls.get(str(window.Building_Surface_Name).upper())
        if wall:
            windows.append(
                (
                    window,
                    wall[0],
                    _num(window.Length) * _num(window.Height) * max(_num(window.Multiplier, 1), 1),
                )
            )
    for window in t.objects("FenestrationSurface:Detailed"):
        if str(window.Surface_Type).lower() not in ("window", "glassdoor"):
            continue
        wall = walls.get(str(window.Building_Surface_Name).upper())
        if wall:
            area = _area(_vertices(window, "Vertex_1_Xcoordinate"))
            windows.append((window, wall[0], area * max(_num(window.Multiplier, 1), 1)))
    wall_area: dict[str, float] = {}
    for facade, area in walls.values():
        wall_area[facade] = wall_area.get(facade, 0.0) + area
    window_area: dict[str, float] = {}
    for _w, facade, area in windows:
        window_area[facade] = window_area.get(facade, 0.0) + area
    cap = t.value("wwr_max")
    ratios = {}
    for facade, area in window_area.items():
        design = area / wall_area[facade] if wall_area.get(facade) else 0.0
        ratios[facade] = {"design": round(design, 4), "reference": round(min(design, cap), 4)}
    glazing = {
        facade: _reference_glazing(t, facade, ratio["reference"], windows)
        for facade, ratio in ratios.items()
    }
    for window, facade, _area_m2 in windows:
        design_ratio = ratios[facade]["design"]
        if design_ratio > cap:
            _shrink(t, window, math.sqrt(cap / design_ratio))
        design_construction = str(window.Construction_Name)
        window.Construction_Name = glazing[facade]
        t.change(
            window.obj[0],
            str(window.Name),
            "Construction Name",
            design_construction,
            glazing[facade],
            band_key("window_u", _band(ratios[facade]["reference"])),
        )
    return ratios


def _band(ratio: float) -> float:
    return next((upper for upper in WWR_BANDS if ratio <= upper + 1e-9), WWR_BANDS[-1])


def _simple_glazing(t: _Transform, construction_name: str):
    construction = t.named("Construction", construction_name)
    if construction is None:
        return None
    layers = _layers(construction)
    if len(layers) != 1:
        return None
    return t.named("WindowMaterial:SimpleGlazingSystem", layers[0])


def _reference_glazing(t: _Transform, facade: str, ratio: float, windows) -> str:
    upper = _band(ratio)
    u_key = band_key("window_u", upper)
    shgc_key = band_key("window_shgc_north" if facade == "north" else "window_shgc", upper)
    design = next(
        (
            _simple_glazing(t, str(w.Construction_Name))
            for w, f, _a in windows
            if f == facade and _simple_glazing(t, str(w.Construction_Name)) is not None
        ),
        None,
    )
    design_u = _num(design.UFactor) if design is not None else None
    design_shgc = _num(design.Solar_Heat_Gain_Coefficient) if design is not None else None
    design_vt = _num(design.Visible_Transmittance, 0.6) if design is not None else 0.6
    if shgc_key in t.params:
        shgc, shgc_source = t.value(shgc_key), shgc_key
    else:  # no limit in this band: the design's own (0.60 when it is not a simple glazing)
        shgc, shgc_source = (design_shgc if design_shgc else 0.60), u_key
    u = t.value(u_key)
    material, construction = f"Reference glazing {facade}", f"Reference window {facade}"
    idf_api.add_object(
        t.idf, "WindowMaterial:SimpleGlazingSystem", [material, u, round(shgc, 3), design_vt]
    )
    idf_api.add_object(t.idf, "Construction", [construction, material])
    design_name = design.Name if design is not None else "layered glazing"
    t.change(
        "WindowMaterial:SimpleGlazingSystem",
        material,
        "U-Factor (W/m2·K)",
        f"{_fmt(design_u)} ({design_name})" if design_u else design_name,
        _fmt(u),
        u_key,
    )
    t.change(
        "WindowMaterial:SimpleGlazingSystem",
        material,
        "Solar Heat Gain Coefficient",
        f"{_fmt(design_shgc)} ({design_name})" if design_shgc else design_name,
        _fmt(shgc),
        shgc_source,
    )
    return construction


def _shrink(t: _Transform, window, factor: float) -> None:
    """Scale a window about its centre by `factor` in both directions (area by factor²)."""
    if window.obj[0].upper() == "WINDOW":
        length, height = _num(window.Length), _num(window.Height)
        new_length, new_height = length * factor, height * factor
        for field, design, reference in (
            (
                "Starting_X_Coordinate",
                _num(window.Starting_X_Coordinate),
                _num(window.Starting_X_Coordinate) + (length - new_length) / 2,
            ),
            (
                "Starting_Z_Coordinate",
                _num(window.Starting_Z_Coordinate),
                _num(window.Starting_Z_Coordinate) + (height - new_height) / 2,
            ),
            ("Length", length, new_length),
            ("Height", height, new_height),
        ):
            window[field] = round(reference, 4)
            t.change(
                "Window",
                str(window.Name),
                field.replace("_", " "),
                _fmt(design, 5),
                _fmt(round(reference, 4), 5),
                "wwr_max",
            )
        return
    points = _vertices(window, "Vertex_1_Xcoordinate")
    centre = [sum(p[i] for p in points) / len(points) for i in range(3)]
    start = window.objls.index("Vertex_1_Xcoordinate")
    for index, point in enumerate(points):
        for axis in range(3):
            window.obj[start + 3 * index + axis] = round(
                centre[axis] + (point[axis] - centre[axis]) * factor, 4
            )
    t.change(
        "FenestrationSurface:Detailed",
        str(window.Name),
        "Vertices",
        f"{_area(points):.3f} m2",
        f"{_area(points) * factor**2:.3f} m2",
        "wwr_max",
    )


# ---- lighting and HVAC -----------------------------------------------------------------


def space_type(name: str) -> str:
    lowered = name.lower()
    for kind, words in SPACE_KEYWORDS:
        if any(word in lowered for word in words):
            return kind
    return "office"


def _lighting(t: _Transform) -> None:
    for lights in t.objects("Lights"):
        zone = str(lights.Zone_or_ZoneList_or_Space_or_SpaceList_Name)
        key = f"lpd.{space_type(zone)}"
        lpd = t.value(key)
        method = str(lights.Design_Level_Calculation_Method)
        if method.lower() == "watts/area":
            design = _fmt(_num(lights.Watts_per_Floor_Area))
        elif method.lower() == "lightinglevel":
            design = f"{_fmt(_num(lights.Lighting_Level))} W"
        else:
            design = f"{_fmt(_num(lights.Watts_per_Person))} W/person"
        lights.Design_Level_Calculation_Method = "Watts/Area"
        lights.Lighting_Level = ""
        lights.Watts_per_Floor_Area = lpd
        lights.Watts_per_Person = ""
        if design != _fmt(lpd):
            t.change(
                "Lights", str(lights.Name), "Watts per Floor Area (W/m2)", design, _fmt(lpd), key
            )


HEATING_SCHEDULE = "Reference Heating Efficiency"
COOLING_SCHEDULE = "Reference Cooling SCOP"
LIMITS = "Reference Any Number"


def _hvac(t: _Transform) -> None:
    systems = t.objects("ZoneHVAC:IdealLoadsAirSystem")
    if not systems:
        raise SavingRejected("saving.needs_ideal_loads")
    idf_api.add_object(t.idf, "ScheduleTypeLimits", [LIMITS])
    idf_api.add_object(
        t.idf, "Schedule:Constant", [HEATING_SCHEDULE, LIMITS, t.value("ref_heating_efficiency")]
    )
    idf_api.add_object(
        t.idf, "Schedule:Constant", [COOLING_SCHEDULE, LIMITS, t.value("ref_cooling_scop")]
    )
    fields = (
        ("Heating_Fuel_Efficiency_Schedule_Name", HEATING_SCHEDULE, "ref_heating_efficiency"),
        ("Heating_Fuel_Type", "DistrictHeatingWater", "ref_heating_efficiency"),
        ("Cooling_Fuel_Efficiency_Schedule_Name", COOLING_SCHEDULE, "ref_cooling_scop"),
        ("Cooling_Fuel_Type", "Electricity", "ref_cooling_scop"),
        ("Heat_Recovery_Type", "None", "ref_cooling_scop"),
    )
    for system in systems:
        for field, reference, key in fields:
            design = str(system[field])
            if design.lower() != reference.lower():
                system[field] = reference
                t.change(
                    "ZoneHVAC:IdealLoadsAirSystem",
                    str(system.Name),
                    field.replace("_", " "),
                    design or "(blank)",
                    reference,
                    key,
                )


def reference_building(text: str, params: dict[str, dict]) -> Reference:
    """The reference building's IDF text for the design model `text`, and what changed.

    `params` maps each parameter key to {value, standard, clause, ...} (the versions in
    force: registry.services.saving.seed.current, or data.seed_parameters in tests).
    """
    idf = idf_api.parse_text(text)
    with idf_api.editing():
        transform = _Transform(idf, params)
        _hvac(transform)
        _envelope(transform)
        ratios = _windows(transform)
        _lighting(transform)
        out = idf_api.model_text(idf)
    return Reference(text=out, changes=[asdict(change) for change in transform.changes], wwr=ratios)
