"""Parcels, their conditions and their buildings' compliance, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlmodel import select

from registry.errors import Conflict, PermissionDenied, ValidationFailed
from registry.i18n import render
from registry.models import AuditEvent, Building, Parcel
from registry.services.buildings import records as record_service
from registry.services.parcels import breach_report, compliance
from registry.services.parcels import parcels as parcel_service
from tests.conftest import poppler

TODAY = date(2025, 6, 1)


@pytest.fixture
def officer(session, make_user):
    return make_user(session, role="officer", districts=["370202"])


def _add(session, actor, number="LS2021-03", conditions=None, **data):
    return parcel_service.add_parcel(
        session=session,
        actor=actor,
        data={"number": number, "district_code": "370202", **data},
        conditions=conditions
        if conditions is not None
        else [{"kind": "min_star", "value": "2", "clause": "绿色建筑二星级及以上"}],
    )


def _report(session, number="LS2021-03", today=TODAY):
    parcel = parcel_service.get_parcel(session=session, number=number)
    return compliance.parcel_report(session=session, parcel=parcel, today=today)


def _link(session, actor, building, number="LS2021-03", completed_on="2024-03-01"):
    parcel_service.link_building(
        session=session,
        actor=actor,
        number=number,
        building_id=building.id,
        completed_on=completed_on,
    )


def test_done_when_scenario(session, officer, make_building, make_record, tmp_path):
    """★★ for every building and 10,000 m² ultra-low: one building at ★, one at ★★★, too
    little ultra-low area -> breached (short by one star, and by the area); the ★★ label and
    enough ultra-low area -> met."""
    _add(
        session,
        officer,
        conditions=[
            {"kind": "min_star", "value": "2", "clause": "二星级", "document": "出让合同"},
            {"kind": "min_ultra_low_m2", "value": "10000", "clause": "超低能耗 1 万 m²"},
        ],
    )
    first = make_building(session, officer, floor_area_m2="12000")
    second = make_building(session, officer, floor_area_m2="15000")
    _link(session, officer, first)
    _link(session, officer, second)
    make_record(session, officer, first, level="1", status="published")
    make_record(session, officer, second, level="3", status="published")
    make_record(
        session,
        officer,
        second,
        kind="energy",
        level="ultra_low",
        stage=None,
        counted_area_m2="6000",
        status="published",
    )
    report = _report(session)
    assert report["status"] == "breached"
    by_id = {b["id"]: b for b in report["buildings"]}
    assert (by_id[first.id]["status"], by_id[first.id]["shortfall_stars"]) == ("short", 1)
    assert by_id[second.id]["status"] == "met"
    area = next(c for c in report["conditions"] if c["kind"] == "min_ultra_low_m2")
    assert (area["outcome"], area["reached"], area["shortfall"]) == ("short", 6000.0, 4000.0)
    assert [r["number"] for r in compliance.breaches(session=session, today=TODAY)] == ["LS2021-03"]
    # The breach list's Chinese PDF names the parcel, the building one star short and the
    # ultra-low-energy area 4,000 m² short.
    data = breach_report.context(session=session, locale="zh_Hans_CN", today=TODAY)
    pdf = tmp_path / "breaches.pdf"
    pdf.write_bytes(breach_report.pdf(data))
    text = " ".join(
        subprocess.run(
            [poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "未达到绿色建筑出让条件的地块清单" in text and "LS2021-03" in text
    assert first.name in text and "超低能耗建筑面积下限" in text and "4,000 m²" in text

    make_record(session, officer, first, level="2", status="published")
    make_record(
        session,
        officer,
        first,
        kind="energy",
        level="nearly_zero",
        stage=None,
        counted_area_m2="4000",
        status="published",
    )
    report = _report(session)
    assert report["status"] == "met", report
    assert compliance.breaches(session=session, today=TODAY) == []


def test_a_revocation_moves_the_parcel_to_breached(session, officer, make_building, make_record):
    _add(session, officer)
    building = make_building(session, officer)
    _link(session, officer, building)
    label = make_record(session, officer, building, level="3", status="published")
    assert _report(session)["status"] == "met"
    record_service.revoke_record(
        session=session, actor=officer, record_id=label.id, reason="撤销", on=date(2025, 1, 2)
    )
    report = _report(session)
    assert report["status"] == "breached"
    assert report["buildings"][0]["status"] == "revoked"


def test_an_unverified_condition_is_never_met(session, officer, make_building, make_record):
    _add(session, officer, conditions=[{"kind": "min_star", "status": "待核实"}])
    building = make_building(session, officer)
    _link(session, officer, building)
    make_record(session, officer, building, level="3", status="published")
    report = _report(session)
    assert report["status"] == "pending"
    assert report["buildings"][0]["status"] == "pending"
    assert report["buildings"][0]["requirement_unverified"] is True
    condition_id = report["conditions"][0]["id"]
    parcel_service.set_condition_status(
        session=session, actor=officer, condition_id=condition_id, status="verified", value="2"
    )
    assert _report(session)["status"] == "met"


def test_bad_input_is_refused_with_a_reason_per_field_and_nothing_written(session, officer):
    with pytest.raises(ValidationFailed) as caught:
        parcel_service.add_parcel(
            session=session,
            actor=officer,
            data={"number": "A;B", "district_code": "火星区", "site_area_m2": "-3"},
            conditions=[
                {"kind": "min_star", "value": "5"},
                {"kind": "min_prefab_pct", "value": "150"},
            ],
        )
    errors = caught.value.field_errors
    assert set(errors) == {"number", "district_code", "site_area_m2", "min_star", "min_prefab_pct"}
    assert "“5”" in render(*errors["min_star"], "en")
    assert session.exec(select(Parcel)).all() == []


def test_only_the_districts_officers_write_and_numbers_are_unique(
    session, officer, make_user, make_building
):
    other = make_user(session, role="officer", districts=["370203"])
    with pytest.raises(PermissionDenied):
        _add(session, other)
    _add(session, officer, number="ls2021—03")
    with pytest.raises(Conflict):
        _add(session, officer, number="LS 2021-03")
    building = make_building(session, officer)
    with pytest.raises(PermissionDenied):
        parcel_service.link_building(
            session=session, actor=other, number="LS2021-03", building_id=building.id
        )
    _add(session, officer, number="LS2021-04")
    _link(session, officer, building)
    with pytest.raises(Conflict):
        _link(session, officer, building, number="LS2021-04")
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "parcel")).all()
    assert len(events) == 2


def test_typed_parcel_ids_are_linked_when_the_parcel_is_recorded(session, officer, make_building):
    matching = make_building(session, officer, land_parcel_id="ls 2021－03")
    stray = make_building(session, officer, land_parcel_id="LS2099-01")
    _add(session, officer)
    session.refresh(matching)
    assert matching.parcel_id is not None
    unresolved = parcel_service.unresolved_buildings(session=session, actor=officer)
    assert [b.id for b in unresolved] == [stray.id]
    assert session.get(Building, stray.id).parcel_id is None


def test_the_dashboard_summary_counts_and_sums_by_district(
    session, officer, make_building, make_record
):
    _add(session, officer, site_area_m2="5000")
    _add(session, officer, number="LS2021-05", site_area_m2="7000")
    building = make_building(session, officer)
    _link(session, officer, building)
    make_record(session, officer, building, level="1", status="published")
    (row,) = compliance.district_summary(session=session, today=TODAY)
    assert row["district_code"] == "370202"
    assert (row["breached_count"], row["breached_site_area_m2"]) == (1, 5000.0)
    assert (row["pending_count"], row["pending_site_area_m2"]) == (1, 7000.0)
    assert row["met_count"] == 0


def test_policy_floors_raise_the_required_level(
    session, officer, make_user, make_building, make_record
):
    from registry.services.parcels import floors

    admin = make_user(session, role="admin")
    _add(session, officer)
    building = make_building(session, officer, floor_area_m2="30000")
    _link(session, officer, building)
    make_record(session, officer, building, level="2", status="published")
    assert _report(session)["status"] == "met"
    with pytest.raises(PermissionDenied):
        floors.add_floor(session=session, actor=officer, raw={"name": "x", "min_star": "3"})
    with pytest.raises(ValidationFailed) as caught:
        floors.add_floor(
            session=session, actor=admin, raw={"name": "", "min_star": "9", "min_storeys": "x"}
        )
    assert set(caught.value.field_errors) == {"name", "min_star", "min_storeys"}
    # An unverified floor asks more, but cannot make the building short: it keeps it pending.
    unverified = floors.add_floor(
        session=session,
        actor=admin,
        raw={
            "name": "大型公共建筑",
            "min_star": "3",
            "min_floor_area_m2": "20000",
            "public_only": "1",
        },
    )
    building_row = _report(session)["buildings"][0]
    assert (building_row["status"], building_row["required_stars"]) == ("pending", 3)
    assert "大型公共建筑" in building_row["requirement_sources"]
    floors.retire_floor(session=session, actor=admin, floor_id=unverified.id)
    floors.add_floor(
        session=session,
        actor=admin,
        raw={"name": "verified", "min_star": "3", "source_status": "verified-primary"},
    )
    building_row = _report(session)["buildings"][0]
    assert (building_row["status"], building_row["shortfall_stars"]) == ("short", 1)
    assert _report(session)["status"] == "breached"


def test_buildings_registered_after_their_parcel_are_linked_on_request(
    session, officer, make_user, make_building
):
    _add(session, officer)
    late = make_building(session, officer, land_parcel_id="LS 2021-03")
    other_district = make_user(session, role="officer", districts=["370203"])
    assert parcel_service.link_typed_ids(session=session, actor=other_district) == 0
    assert parcel_service.link_typed_ids(session=session, actor=officer) == 1
    session.refresh(late)
    assert late.parcel_id is not None
    assert parcel_service.unresolved_buildings(session=session, actor=officer) == []


def test_a_parcel_with_buildings_keeps_its_district(session, make_user, make_building):
    admin = make_user(session, role="admin")
    _add(session, admin)
    parcel_service.update_parcel(
        session=session, actor=admin, number="LS2021-03", data={"land_use": "住宅用地"}
    )
    _link(session, admin, make_building(session, admin))
    with pytest.raises(ValidationFailed) as caught:
        parcel_service.update_parcel(
            session=session, actor=admin, number="LS2021-03", data={"district_code": "370203"}
        )
    assert caught.value.field_errors["district_code"][0] == "parcel.district_has_buildings"
    assert _report(session)["land_use"] == "住宅用地"
