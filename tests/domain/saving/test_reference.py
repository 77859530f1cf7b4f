"""The reference-building transformation on the project's small office, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.domain.checks.idf import parse_text
from registry.domain.saving.data import SEED_PARAMS, seed_parameters
from registry.domain.saving.reference import SavingRejected, reference_building, space_type

MODELS = Path(__file__).resolve().parents[3] / "energyplus_models"
PARAMS = seed_parameters()
VALUE = {row.key: row.value for row in SEED_PARAMS}


@pytest.fixture(scope="module")
def small():
    text = (MODELS / "office_small.idf").read_text(encoding="utf-8")
    reference = reference_building(text, PARAMS)
    return text, reference, parse_text(reference.text)


def _by_name(idf, key, name):
    return next(o for o in idf.idfobjects[key.upper()] if o.Name == name)


def _nomass_r(idf, construction):
    return sum(
        float(o.Thermal_Resistance)
        for o in idf.idfobjects["MATERIAL:NOMASS"]
        if o.Name in construction.obj[2:]
    )


def _layers_r(idf, construction):
    total = 0.0
    for layer in construction.obj[2:]:
        found = [m for m in idf.idfobjects["MATERIAL"] if m.Name == layer]
        if found:
            total += float(found[0].Thickness) / float(found[0].Conductivity)
        else:
            total += float(_by_name(idf, "Material:NoMass", layer).Thermal_Resistance)
    return total


@pytest.mark.parametrize(
    ("construction", "key"),
    [("Reference wall (Exterior Wall)", "wall_u"), ("Reference roof (Roof)", "roof_u")],
)
def test_opaque_constructions_reach_the_reference_u(small, construction, key):
    _text, _reference, idf = small
    found = _by_name(idf, "Construction", construction)
    films = VALUE["surface_rsi"] + VALUE["surface_rse"]
    assert 1 / (_layers_r(idf, found) + films) == pytest.approx(VALUE[key], abs=1e-3)
    assert _nomass_r(idf, found) > 0  # the insulation layer is the one replaced


def test_ground_floor_layers_at_the_reference_resistance(small):
    _text, reference, idf = small
    found = _by_name(idf, "Construction", "Reference ground floor (Ground Floor)")
    assert _layers_r(idf, found) == pytest.approx(VALUE["ground_floor_r"], abs=1e-3)
    # The structural layers (and their thermal mass) stay.
    assert "Reinforced Concrete 120mm" in found.obj


def test_every_exterior_surface_uses_a_reference_construction_and_is_listed(small):
    _text, reference, idf = small
    listed = {
        c["name"]: c["reference"]
        for c in reference.changes
        if c["object"] == "BuildingSurface:Detailed"
    }
    exterior = [
        s
        for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"]
        if s.Outside_Boundary_Condition in ("Outdoors", "Ground")
    ]
    assert len(exterior) == len(listed) == 18  # 8 walls, 5 roofs, 5 ground floors
    for surface in exterior:
        assert surface.Construction_Name.startswith("Reference ")
        assert listed[surface.Name] == surface.Construction_Name
    interior = [s for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"] if s not in exterior]
    assert all(not s.Construction_Name.startswith("Reference") for s in interior)


def test_windows_get_the_band_u_and_shgc_and_keep_size_under_the_cap(small):
    text, reference, idf = small
    design = parse_text(text)
    # Every façade of the small office has WWR 0.38: the 0.30–0.40 band, below the cap.
    assert {f: r["design"] for f, r in reference.wwr.items()} == {
        "north": 0.38,
        "east": 0.38,
        "south": 0.38,
        "west": 0.38,
    }
    for facade in ("north", "east", "south", "west"):
        glazing = _by_name(idf, "WindowMaterial:SimpleGlazingSystem", f"Reference glazing {facade}")
        assert float(glazing.UFactor) == VALUE["window_u.0.40"]
        # No north SHGC limit in this band: the design's own 0.40 is kept.
        expected = 0.40 if facade == "north" else VALUE["window_shgc.0.40"]
        assert float(glazing.Solar_Heat_Gain_Coefficient) == expected
    for window, before in zip(idf.idfobjects["WINDOW"], design.idfobjects["WINDOW"], strict=True):
        assert window.Construction_Name.startswith("Reference window ")
        assert (window.Length, window.Height) == (before.Length, before.Height)


def test_windows_above_the_cap_shrink_to_it():
    text = (MODELS / "office_small.idf").read_text(encoding="utf-8")
    params = {**PARAMS, "wwr_max": {**PARAMS["wwr_max"], "value": 0.30}}
    reference = reference_building(text, params)
    idf = parse_text(reference.text)
    design = parse_text(text)
    for window, before in zip(idf.idfobjects["WINDOW"], design.idfobjects["WINDOW"], strict=True):
        area = float(window.Length) * float(window.Height)
        was = float(before.Length) * float(before.Height)
        assert area == pytest.approx(was * 0.30 / 0.38, rel=1e-3)
    assert all(r["reference"] == 0.30 for r in reference.wwr.values())
    lengths = [c for c in reference.changes if c["field"] == "Length"]
    assert len(lengths) == 8 and all(c["source"].startswith("GB 50189-2015") for c in lengths)


def test_lighting_at_the_reference_density(small):
    _text, reference, idf = small
    for lights in idf.idfobjects["LIGHTS"]:
        assert lights.Design_Level_Calculation_Method == "Watts/Area"
        assert float(lights.Watts_per_Floor_Area) == VALUE["lpd.office"]
    changes = [c for c in reference.changes if c["object"] == "Lights"]
    assert len(changes) == 10
    assert {(c["design"], c["reference"]) for c in changes} == {("8", "9")}
    assert space_type("F1 Meeting Room 会议室") == "meeting"


def test_ideal_loads_at_the_reference_efficiencies(small):
    _text, reference, idf = small
    schedules = {o.Name: float(o.Hourly_Value) for o in idf.idfobjects["SCHEDULE:CONSTANT"]}
    for system in idf.idfobjects["ZONEHVAC:IDEALLOADSAIRSYSTEM"]:
        heating = system.Heating_Fuel_Efficiency_Schedule_Name
        cooling = system.Cooling_Fuel_Efficiency_Schedule_Name
        assert schedules[heating] == VALUE["ref_heating_efficiency"]
        assert schedules[cooling] == VALUE["ref_cooling_scop"]
        assert system.Heating_Fuel_Type == "DistrictHeatingWater"
        assert system.Cooling_Fuel_Type == "Electricity"
        assert system.Heat_Recovery_Type == "None"


def test_geometry_loads_and_schedules_are_unchanged(small):
    text, _reference, idf = small
    design = parse_text(text)
    for key in (
        "ZONE",
        "PEOPLE",
        "ELECTRICEQUIPMENT",
        "SCHEDULE:COMPACT",
        "ZONEINFILTRATION:DESIGNFLOWRATE",
    ):
        assert [o.obj for o in idf.idfobjects[key]] == [o.obj for o in design.idfobjects[key]]
    for surface, before in zip(
        idf.idfobjects["BUILDINGSURFACE:DETAILED"],
        design.idfobjects["BUILDINGSURFACE:DETAILED"],
        strict=True,
    ):
        assert surface.obj[4:] == before.obj[4:]  # all but name, type and construction


def test_every_change_names_a_seeded_source(small):
    _text, reference, _idf = small
    sources = {f"{row.standard} {row.clause}" for row in SEED_PARAMS}
    assert reference.changes
    for change in reference.changes:
        assert change["source"] in sources
        assert change["design"] != change["reference"]


def test_a_model_without_ideal_loads_is_refused():
    text = (MODELS / "office_small.idf").read_text(encoding="utf-8")
    # Drop the ideal loads (and the equipment lists naming them): a model with no plant here.
    kept = [chunk for chunk in text.split(";") if "IdealLoadsAirSystem" not in chunk]
    with pytest.raises(SavingRejected) as caught:
        reference_building(";".join(kept), PARAMS)
    assert caught.value.code == "saving.needs_ideal_loads"


def test_a_model_with_envelope_objects_not_rewritten_is_refused_by_name():
    # The small office has only BuildingSurface:Detailed and Window; a simple Door is an
    # envelope object the transformation does not rewrite, so it refuses and names it.
    text = (MODELS / "office_small.idf").read_text(encoding="utf-8")
    door = "\nDoor,Front Door,Exterior Wall,F1 South Perimeter Wall 1,1,1,0,1,2;\n"
    with pytest.raises(SavingRejected) as caught:
        reference_building(text + door, PARAMS)
    assert caught.value.code == "saving.unsupported_surfaces"
    assert caught.value.params == {"objects": "Door"}
