"""A designer-supplied reference model checked against its design, on the project's small
office: the generated reference written out is consistent; a reference with a zone deleted,
a changed schedule or a wall above the reference U is refused, each difference named."""

from __future__ import annotations

import pytest

from registry.domain.checks import idf as idf_api
from registry.domain.checks.comparable import comparable_facts
from registry.domain.saving.consistency import check_pair
from registry.domain.saving.data import seed_parameters
from registry.domain.saving.reference import reference_building
from registry.i18n import render
from tests.conftest import MODELS_DIR

PARAMS = seed_parameters()


@pytest.fixture(scope="module")
def pair():
    text = (MODELS_DIR / "office_small.idf").read_text(encoding="utf-8")
    return comparable_facts(idf_api.parse_text(text)), reference_building(text, PARAMS).text


def _edited(reference_text: str, edit) -> dict:
    """The facts of the reference model after `edit(idf)`, written out and read again."""
    idf = idf_api.parse_text(reference_text)
    with idf_api.editing():
        edit(idf)
        text = idf_api.model_text(idf)
    return comparable_facts(idf_api.parse_text(text))


def _named(idf, key: str, name: str):
    return next(o for o in idf.idfobjects[key.upper()] if o.Name == name)


def _messages(found) -> list[str]:
    return [render(*difference.message(), "en") for difference in found.differences]


def test_the_generated_reference_written_out_is_consistent(pair):
    design, reference_text = pair
    found = check_pair(design, comparable_facts(idf_api.parse_text(reference_text)), PARAMS)
    assert found.differences == []
    assert found.consistent
    assert found.findings["zones"] == 10
    assert found.findings["surface_groups"] == 18  # 8 walls, 5 roofs, 5 ground floors
    assert found.findings["schedules"] == 12
    assert found.findings["wwr"]["south"] == {"design": 0.38, "reference": 0.38}


def test_the_design_itself_is_no_reference(pair):
    """Same geometry and loads, but the design's envelope and lighting: refused on those."""
    design, _ = pair
    found = check_pair(design, design, PARAMS)
    fields = {(d.object, d.field) for d in found.differences}
    assert ("Construction", "U-value") in fields
    assert ("Construction", "window U-value") in fields
    assert ("Zone", "lighting power density") in fields
    assert ("Ideal loads system", "cooling efficiency") in fields  # the design's SCOP 3.5
    assert {d.code for d in found.differences} == {"consistency.standard"}


def test_a_deleted_zone_is_named(pair):
    design, reference_text = pair
    facts = _edited(reference_text, lambda idf: idf.removeidfobject(_named(idf, "Zone", "F2 Core")))
    found = check_pair(design, facts, PARAMS)
    assert (found.differences[0].code, found.differences[0].object) == (
        "consistency.missing",
        "Zone",
    )
    assert (
        _messages(found)[0] == "Zone “F2 Core” of the design is missing from the reference model."
    )
    # Its loads, left pointing at no zone, are named too; nothing of another zone is.
    assert {d.name.split(" (")[0].upper() for d in found.differences} == {"F2 CORE"}


def test_a_changed_schedule_is_named_with_both_values(pair):
    design, reference_text = pair

    def edit(idf):
        schedule = _named(idf, "Schedule:Compact", "Office Occupancy")
        at = schedule.obj.index("0.95")
        schedule.obj[at] = "0.5"

    found = check_pair(design, _edited(reference_text, edit), PARAMS)
    assert len(found.differences) == 1
    difference = found.differences[0]
    assert (difference.code, difference.object, difference.name) == (
        "consistency.schedule",
        "Schedule",
        "Office Occupancy",
    )
    assert difference.design.startswith("0.95") and difference.reference.startswith("0.5")
    (message,) = _messages(found)
    assert "Office Occupancy" in message and "0.95" in message
    assert "“0.5" in render(*difference.message(), "zh_Hans_CN")


def test_a_wall_above_the_reference_u_is_refused_with_its_value(pair):
    design, reference_text = pair

    def edit(idf):
        insulation = _named(idf, "Material:NoMass", "Reference insulation wall (Exterior Wall)")
        insulation.Thermal_Resistance = 0.5

    found = check_pair(design, _edited(reference_text, edit), PARAMS)
    assert len(found.differences) == 1
    difference = found.differences[0]
    assert (difference.object, difference.name, difference.field) == (
        "Construction",
        "Reference wall (Exterior Wall)",
        "U-value",
    )
    assert float(difference.reference.split()[0]) > 0.5
    assert difference.tolerance == "0.5 W/(m²·K) ±2%"
    params = found.as_params()
    assert params["count"] == 1 and params["differences"][0]["field"] == "U-value"


def test_a_reference_cooled_better_than_the_standard_is_refused(pair):
    """The rates take the reference's energy as run: its ideal loads must be metered at the
    reference SCOP, not at the designer's own."""
    design, reference_text = pair

    def edit(idf):
        schedule = _named(idf, "Schedule:Constant", "Reference Cooling SCOP")
        schedule.Hourly_Value = 3.5

    found = check_pair(design, _edited(reference_text, edit), PARAMS)
    (difference,) = found.differences
    assert (difference.object, difference.field, difference.reference) == (
        "Ideal loads system",
        "cooling efficiency",
        "3.5",
    )
    assert difference.name.endswith("(+8)")  # ten systems, one line


def test_the_tolerances_are_the_parameters_in_force(pair):
    """A people load 3 % off is refused at the seeded ±1 % and passes once an administrator
    widens `consistency.load_rel` to 5 %; the findings keep the tolerances used."""
    design, reference_text = pair

    def edit(idf):
        people = _named(idf, "People", "F1 South Perimeter People")
        assert people.obj[4] == "Area/Person"
        people.obj[7] = float(people.obj[7]) * 1.03  # floor area per person

    reference = _edited(reference_text, edit)
    found = check_pair(design, reference, PARAMS)
    (difference,) = found.differences
    assert (difference.object, difference.name, difference.field, difference.tolerance) == (
        "Internal loads",
        "F1 South Perimeter",
        "people",
        "±1%",
    )
    assert found.findings["tolerances"]["load_rel"] == 0.01
    wider = {**PARAMS, "consistency.load_rel": {**PARAMS["consistency.load_rel"], "value": 0.05}}
    widened = check_pair(design, reference, wider)
    assert widened.consistent and widened.findings["tolerances"]["load_rel"] == 0.05
    # The seeded tolerances are the ones the comparison has always used.
    assert widened.findings["tolerances"] | {"load_rel": 0.01} == {
        "area_rel": 0.01,
        "area_abs_m2": 0.01,
        "volume_rel": 0.01,
        "load_rel": 0.01,
        "air_rel": 0.01,
        "orientation_deg": 5.0,
        "standard_rel": 0.02,
    }


def test_infiltration_and_fresh_air_are_compared_zone_by_zone(pair):
    design, reference_text = pair

    def edit(idf):
        leak = _named(idf, "ZoneInfiltration:DesignFlowRate", "F1 South Perimeter Infiltration")
        assert leak.obj[4] == "AirChanges/Hour" and float(leak.obj[8]) == 0.3
        leak.obj[8] = 0.31  # 3 % more: beyond ±1 %
        fresh = _named(idf, "DesignSpecification:OutdoorAir", "Office Fresh Air")
        fresh.obj[3] = 0.0085  # per person, every zone's ideal loads name it

    found = check_pair(design, _edited(reference_text, edit), PARAMS)
    infiltration = [d for d in found.differences if d.object == "Infiltration"]
    fresh_air = [d for d in found.differences if d.object == "Fresh air"]
    assert len(found.differences) == len(infiltration) + len(fresh_air)
    (leak,) = infiltration
    assert (leak.name, leak.field, leak.design, leak.reference, leak.tolerance) == (
        "F1 South Perimeter",
        "infiltration rate",
        "0.3 1/h",
        "0.31 1/h",
        "±1%",
    )
    assert len(fresh_air) == len(design["zones"]) == 10
    assert {d.field for d in fresh_air} == {"outdoor air flow"}
    assert fresh_air[0].design == "flow/person, 0.0083 m³/(s·person)"
    assert fresh_air[0].reference == "flow/person, 0.0085 m³/(s·person)"
    en = render(*leak.message(), "en")
    assert en == (
        "Infiltration “F1 South Perimeter”, infiltration rate: 0.3 1/h in the design, 0.31 1/h "
        "in the reference model (allowed: ±1%)."
    )
    zh = render(*fresh_air[0].message(), "zh_Hans_CN")
    assert "新风" in zh and "0.0085" in zh
    assert found.findings["infiltration_zones"] == 8  # the two cores have none
    # With the tolerance widened to 5 % (an administrator's edit), nothing is named.
    wider = {**PARAMS, "consistency.air_rel": {**PARAMS["consistency.air_rel"], "value": 0.05}}
    assert check_pair(design, _edited(reference_text, edit), wider).consistent
