"""Registering, updating and listing buildings, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from registry.errors import PermissionDenied, ValidationFailed
from registry.models import AuditEvent, Building
from registry.services.buildings.registration import (
    BuildingFilters,
    list_buildings,
    register_building,
    update_building,
)
from tests.conftest import building_data


def test_register_building_normalises_and_audits(session, make_user):
    officer = make_user(session, role="officer", districts=["370215"])
    building = register_building(
        session=session,
        actor=officer,
        data=building_data(district_code="即墨市", floor_area_m2="12,345.5"),
    )
    assert building.district_code == "370215"  # legacy 即墨市 -> 即墨区
    assert building.floor_area_m2 == 12345.5
    events = session.exec(select(AuditEvent).where(AuditEvent.building_id == building.id)).all()
    assert [e.action for e in events] == ["create"]
    assert events[0].after["floor_area_m2"] == 12345.5
    assert events[0].actor_name == officer.username


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("floor_area_m2", "-5", "area.not_positive"),
        ("floor_area_m2", "0", "area.not_positive"),
        ("floor_area_m2", "abc", "area.not_a_number"),
        ("floor_area_m2", "20000000", "area.too_large"),
        ("district_code", "高新区", "district.unknown"),
        ("district_code", "370299", "district.unknown"),
        ("building_type", "castle", "building.type_unknown"),
        ("name", "  ", "field.required"),
        ("storeys", "2.5", "field.not_an_integer"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_written(session, make_user, field, value, code):
    admin = make_user(session, role="admin")
    with pytest.raises(ValidationFailed) as info:
        register_building(session=session, actor=admin, data=building_data(**{field: value}))
    assert info.value.field_errors[field][0] == code
    assert session.exec(select(Building)).all() == []
    assert session.exec(select(AuditEvent).where(AuditEvent.entity == "building")).all() == []


def test_bad_credit_code_checksum_is_rejected(session, make_user):
    admin = make_user(session, role="admin")
    good = building_data()["owner_credit_code"]
    bad_check = "0" if good[-1] != "0" else "1"
    with pytest.raises(ValidationFailed) as info:
        register_building(
            session=session,
            actor=admin,
            data=building_data(owner_credit_code=good[:-1] + bad_check),
        )
    assert info.value.field_errors["owner_credit_code"][0].startswith("credit_code.")


def test_every_problem_is_reported_at_once(session, make_user):
    admin = make_user(session, role="admin")
    with pytest.raises(ValidationFailed) as info:
        register_building(
            session=session,
            actor=admin,
            data=building_data(floor_area_m2="-1", district_code="火星", name=""),
        )
    assert set(info.value.field_errors) >= {"floor_area_m2", "district_code", "name"}


def test_officer_cannot_register_outside_their_districts(session, make_user):
    officer = make_user(session, role="officer", districts=["370202"])
    with pytest.raises(PermissionDenied):
        register_building(
            session=session, actor=officer, data=building_data(district_code="370212")
        )


def test_viewer_cannot_register(session, make_user):
    viewer = make_user(session, role="viewer")
    with pytest.raises(PermissionDenied):
        register_building(session=session, actor=viewer, data=building_data())


def test_update_records_before_and_after(session, make_user, make_building):
    officer = make_user(session, role="officer", districts=["370202"])
    building = make_building(session, officer, floor_area_m2="1000")
    update_building(
        session=session,
        actor=officer,
        building_id=building.id,
        data={"floor_area_m2": "1500", "name": building.name},
    )
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.building_id == building.id, AuditEvent.action == "update"
        )
    ).one()
    assert event.before == {"floor_area_m2": 1000.0}
    assert event.after == {"floor_area_m2": 1500.0}


def test_designer_edits_only_own_buildings(session, make_user, make_building):
    designer = make_user(session, role="designer")
    other = make_user(session, role="designer")
    building = make_building(session, designer)
    with pytest.raises(PermissionDenied):
        update_building(session=session, actor=other, building_id=building.id, data={"name": "x"})


def test_list_filters_and_pages(session, make_user, make_building, make_record):
    admin = make_user(session, role="admin")
    b1 = make_building(
        session, admin, district_code="370202", building_type="school", sub_type="primary"
    )
    b2 = make_building(
        session, admin, district_code="370212", building_type="hotel", sub_type="star_4"
    )
    for _ in range(5):
        make_building(session, admin, district_code="370213")
    make_record(session, admin, b1, level="3", status="approved")
    make_record(session, admin, b2, kind="energy", level="nearly_zero", stage=None)

    def ids(**kwargs):
        return [
            b.id
            for b in list_buildings(
                session=session, filters=BuildingFilters(**kwargs), page_size=100
            ).items
        ]

    assert ids(district_code="370212") == [b2.id]
    assert ids(building_type="school") == [b1.id]
    assert ids(kind="green_label", level="3") == [b1.id]
    assert ids(status="published") == [b1.id]
    assert ids(status="draft") == [b2.id]
    assert ids(year=2021) == [b2.id, b1.id]
    assert ids(q=b2.name) == [b2.id]
    page = list_buildings(session=session, filters=BuildingFilters(), page=2, page_size=3)
    assert page.total == 7 and page.pages == 3 and len(page.items) == 3
