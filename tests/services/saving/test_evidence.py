"""Issue 21, residential: a residential ultra-low record cites its residential check; the
reviewer reads the demands against the limits, the n50 and the level; approval (by the
setting) and the tally's evidence figure judge it like a public check; a check of the other
kind is refused with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.saving.data import seed_parameters
from registry.errors import Conflict, ValidationFailed
from registry.models import Check, CheckResidentialDemand
from registry.services.saving.evidence import cite_check, evidence_line, require_evidence
from registry.services.tally import tallies as tally_service
from tests.conftest import take_to
from tests.services.tally.test_evidence import saving_check


def residential_check(session, building, level_met: str) -> int:
    """A finished residential check of the building (its run is the residential tests'
    business; here only its stored verdict matters)."""
    check = Check(
        building_id=building.id,
        idf_path="x.idf",
        idf_sha256="2" * 64,
        status="done",
        options={"saving_rate": True, "residential": True},
    )
    session.add(check)
    session.flush()
    session.add(
        CheckResidentialDemand(
            check_id=check.id,
            heating_kwh=8_640.0,
            cooling_kwh=5_760.0,
            conditioned_area_m2=576.0,
            heating_demand_kwh_m2=15.0,
            cooling_demand_kwh_m2=10.0,
            wdh20_kkh=1.2,
            ddh28_kkh=0.1,
            exterior_area_m2=700.0,
            volume_m3=1_700.0,
            shape_coefficient=0.41,
            n50_declared=0.5,
            level_met=level_met,
            judgement={
                "heating_limit_kwh_m2": {"ultra_low": 15.0, "nearly_zero": 10.0},
                "cooling_limit_kwh_m2": {"ultra_low": 13.4, "nearly_zero": 12.1},
                "n50_max": 0.6,
                "renewable_min_pct": 10.0,
                # Ultra-low held throughout; nearly zero fails on heating (15.0 > 10.0).
                "held": {
                    "heating": {"ultra_low": True, "nearly_zero": level_met == "nearly_zero"},
                    "cooling": {"ultra_low": True, "nearly_zero": True},
                    "n50": {"ultra_low": True, "nearly_zero": True},
                    "renewable": {"ultra_low": True, "nearly_zero": None},
                },
                "not_judged": ["composite_energy"],
            },
            parameters={
                key: row for key, row in seed_parameters().items() if key.startswith("residential.")
            },
        )
    )
    session.commit()
    return check.id


@pytest.fixture
def officer(session, make_user):
    return make_user(session, districts=("370202",))


def energy_record(session, make_building, make_record, officer, *, level, building_type):
    building = make_building(
        session, officer, floor_area_m2="5000", building_type=building_type, sub_type=None
    )
    record = make_record(session, officer, building, kind="energy", level=level, stage=None,
                         issued_on=date(2022, 3, 1), counted_area_m2="5000")  # fmt: skip
    return building, record


def level_name(level: str) -> str:
    return {"none": "no level", "ultra_low": "Ultra-low", "nearly_zero": "Nearly zero"}[level]


def test_a_residential_record_cites_its_residential_check(
    session, officer, make_building, make_record
):
    building, record = energy_record(session, make_building, make_record, officer,
                                     level="ultra_low", building_type="residential")  # fmt: skip
    _other, higher = energy_record(session, make_building, make_record, officer,
                                   level="nearly_zero", building_type="residential")  # fmt: skip
    check_id = residential_check(session, building, "ultra_low")
    cite_check(session=session, actor=officer, record_id=record.id, check_id=check_id)
    line = evidence_line(session, record, "en", level_name)
    assert line["meets"] is True and line["residential"] is True
    assert line["text"] == (
        f"Evidence: residential check #{check_id}, heating demand 15.0 kWh/(m²·a) (limit "
        "15.0), cooling demand 10.0 kWh/(m²·a) (limit 13.4), n50 0.50 (at most 0.60): meets "
        "Ultra-low."
    )
    zh = evidence_line(session, record, "zh", level_name)["text"]
    assert "居住建筑核验" in zh and "15.0" in zh and "0.50" in zh
    require_evidence(session, record)  # meets: no refusal

    # The same check for a nearly-zero record (of a building of its own): falls short; the
    # setting's refusal names the demands and limits of the record's level.
    other_check = residential_check(session, _other, "ultra_low")
    cite_check(session=session, actor=officer, record_id=higher.id, check_id=other_check)
    short = evidence_line(session, higher, "en", level_name)
    assert short["meets"] is False and "limit 10.0" in short["text"]
    assert short["text"].endswith("meets Ultra-low, not Nearly zero.")
    with pytest.raises(Conflict) as refused:
        require_evidence(session, higher)
    assert refused.value.code == "saving.approval_residential_evidence_short"
    assert refused.value.params["heating_limit"] == "10.0"

    # The tally's evidence figure counts the residential check like a public one.
    take_to(session, record, "approved", actor=officer)
    take_to(session, higher, "approved", actor=officer)
    low = tally_service.compute(session=session, year=2022, evidence=True).evidence[
        "ultra_low_energy"
    ]
    assert (low.cumulative_m2, low.cumulative_backed_m2, low.backed_buildings) == (10_000, 5_000, 1)


def test_a_check_of_the_other_kind_is_refused(session, officer, make_building, make_record):
    def record_of(building_type):
        return energy_record(session, make_building, make_record, officer, level="ultra_low",
                             building_type=building_type)  # fmt: skip

    public, public_record = record_of("office_government")
    home, home_record = record_of("residential")
    # Checks made before the building's type changed: a residential one on the office, a
    # public one on the home.
    for record, check_id, code in (
        (public_record, residential_check(session, public, "nearly_zero"),
         "saving.evidence_residential_check_for_public"),
        (home_record, saving_check(session, home, "nearly_zero"),
         "saving.evidence_public_check_for_residential"),
    ):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            cite_check(session=session, actor=officer, record_id=record.id, check_id=check_id)
        assert refused.value.field_errors["check_id"] == (code, {"check": check_id})
        assert evidence_line(session, record, "en", level_name)["check_id"] is None


def test_the_check_page_offers_no_record_for_a_check_of_the_other_kind(
    session, officer, make_building, make_record
):
    from registry.services.saving.evidence import citable_records

    home, record = energy_record(session, make_building, make_record, officer,
                                 level="ultra_low", building_type="residential")  # fmt: skip
    ours = session.get(Check, residential_check(session, home, "ultra_low"))
    theirs = session.get(Check, saving_check(session, home, "ultra_low"))
    assert [r.id for r in citable_records(session, officer, ours)] == [record.id]
    assert citable_records(session, officer, theirs) == []
