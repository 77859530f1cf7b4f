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

from dataclasses import asdict

from registry.domain.checks import idf as idf_api
from registry.domain.saving.data import SPACE_KEYWORDS
from registry.domain.saving.errors import SavingRejected
from registry.domain.saving.transform import (
    MIN_NOMASS_R,
    Reference,
    Transform,
    fmt,
    layer_names,
    num,
    surface_category,
)
from registry.domain.saving.windows import reference_windows

# ---- opaque envelope -------------------------------------------------------------------


def _layer_r(t: Transform, name: str) -> float | None:
    material = t.named("Material", name)
    if material is not None:
        conductivity = num(material.Conductivity)
        return num(material.Thickness) / conductivity if conductivity > 0 else None
    for key in ("Material:NoMass", "Material:AirGap"):
        found = t.named(key, name)
        if found is not None:
            return num(found.Thermal_Resistance)
    return None


def _envelope(t: Transform) -> None:
    rsi, rse = t.value("surface_rsi"), t.value("surface_rse")
    made: dict[tuple[str, str], str] = {}
    for surface in t.objects("BuildingSurface:Detailed"):
        category = surface_category(surface)
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
    layers = layer_names(construction)
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
        fmt(design) if design is not None else f"layers of {design_name}",
        fmt(reference),
        key,
    )
    return new_name


# ---- lighting and HVAC -----------------------------------------------------------------


def space_type(name: str) -> str:
    lowered = name.lower()
    for kind, words in SPACE_KEYWORDS:
        if any(word in lowered for word in words):
            return kind
    return "office"


def _lighting(t: Transform) -> None:
    for lights in t.objects("Lights"):
        zone = str(lights.Zone_or_ZoneList_or_Space_or_SpaceList_Name)
        key = f"lpd.{space_type(zone)}"
        lpd = t.value(key)
        method = str(lights.Design_Level_Calculation_Method)
        if method.lower() == "watts/area":
            design = fmt(num(lights.Watts_per_Floor_Area))
        elif method.lower() == "lightinglevel":
            design = f"{fmt(num(lights.Lighting_Level))} W"
        else:
            design = f"{fmt(num(lights.Watts_per_Person))} W/person"
        lights.Design_Level_Calculation_Method = "Watts/Area"
        lights.Lighting_Level = ""
        lights.Watts_per_Floor_Area = lpd
        lights.Watts_per_Person = ""
        if design != fmt(lpd):
            t.change(
                "Lights", str(lights.Name), "Watts per Floor Area (W/m2)", design, fmt(lpd), key
            )


HEATING_SCHEDULE = "Reference Heating Efficiency"
COOLING_SCHEDULE = "Reference Cooling SCOP"
LIMITS = "Reference Any Number"


def _hvac(t: Transform) -> None:
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


# Surface objects the transformation does not rewrite yet: a model using them for its envelope
# is refused rather than given a reference that silently keeps the design's constructions.
UNSUPPORTED_SURFACES = (
    "Wall:Exterior",
    "Wall:Detailed",
    "Wall:Underground",
    "RoofCeiling:Detailed",
    "Roof",
    "Floor:Detailed",
    "Floor:GroundContact",
    "GlazedDoor",
    "Door",
)


def _refuse_unsupported(t: Transform) -> None:
    found = [key for key in UNSUPPORTED_SURFACES if t.objects(key)]
    if found:
        raise SavingRejected("saving.unsupported_surfaces", {"objects": ", ".join(found)})


def reference_building(text: str, params: dict[str, dict]) -> Reference:
    """The reference building's IDF text for the design model `text`, and what changed.

    `params` maps each parameter key to {value, standard, clause, ...} (the versions in
    force: registry.services.saving.seed.current, or data.seed_parameters in tests).
    """
    idf = idf_api.parse_text(text)
    with idf_api.editing():
        transform = Transform(idf, params)
        _refuse_unsupported(transform)
        _hvac(transform)
        _envelope(transform)
        ratios = reference_windows(transform)
        _lighting(transform)
        out = idf_api.model_text(idf)
    return Reference(text=out, changes=[asdict(change) for change in transform.changes], wwr=ratios)
