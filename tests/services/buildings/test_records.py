"""The record life cycle, label uniqueness and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from registry.domain import dates
from registry.errors import Conflict, PermissionDenied, RegistryError, ValidationFailed
from registry.i18n import render
from registry.models import AuditEvent, Record
from registry.services.audit import building_history
from registry.services.buildings import records


@pytest.fixture
def officer(session, make_user):
    return make_user(session, role="officer", districts=["370202"])


@pytest.fixture
def building(session, officer, make_building):
    return make_building(session, officer, floor_area_m2="8000")


@pytest.fixture
def checker(session, make_user):
    """A second officer of the district: approves what `officer` drafted (maker-checker)."""
    return make_user(session, role="officer", districts=["370202"])


def test_full_life_cycle_is_audited(session, officer, checker, building):
    record = records.add_record(
        session=session,
        actor=officer,
        building_id=building.id,
        data={
            "kind": "green_label",
            "level": "二星级",
            "stage": "评价",
            "label_number": "NO.2021-001",
            "issued_on": "2021-05-01",
        },
    )
    assert (record.level, record.stage, record.status) == ("2", "evaluation", "draft")
    assert record.counted_area_m2 == 8000  # defaults to the building's floor area
    records.submit_record(session=session, actor=officer, record_id=record.id)
    records.approve_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 5, 10)
    )
    # 2021-05-10 is a Monday: seven working days of notice, to Tuesday 18 May.
    stored = session.get(Record, record.id)
    assert (stored.status, stored.notice_start_on, stored.notice_end_on) == (
        "notice",
        date(2021, 5, 10),
        date(2021, 5, 18),
    )
    records.publish_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 5, 19)
    )
    records.revoke_record(
        session=session,
        actor=officer,
        record_id=record.id,
        reason="抽查不合格",
        on=date(2022, 3, 1),
    )
    stored = session.get(Record, record.id)
    assert stored.status == "revoked" and stored.revoked_on == date(2022, 3, 1)
    assert stored.published_on == date(2021, 5, 19)
    actions = [e.action for e in building_history(session=session, building_id=building.id)]
    assert actions == ["create", "create", "submit", "approve", "publish", "revoke"]
    revoke = building_history(session=session, building_id=building.id)[-1]
    assert revoke.before["status"] == "published" and revoke.after["status"] == "revoked"
    assert revoke.reason == "抽查不合格"


def test_label_numbers_are_unique(session, officer, building):
    data = {
        "kind": "green_label",
        "level": "1",
        "stage": "evaluation",
        "label_number": "DUP-1",
        "issued_on": "2021-01-05",
    }
    first = records.add_record(session=session, actor=officer, building_id=building.id, data=data)
    with pytest.raises(Conflict) as info:
        records.add_record(session=session, actor=officer, building_id=building.id, data=data)
    assert info.value.params == {"label_number": "DUP-1", "other_id": first.id}
    assert len(session.exec(select(Record)).all()) == 1


def test_database_enforces_label_uniqueness(session, officer, building):
    """Even a writer that skips the service check cannot store a duplicate."""
    from sqlalchemy.exc import IntegrityError

    for _ in range(2):
        session.add(
            Record(
                building_id=building.id,
                kind="green_label",
                level="1",
                stage="evaluation",
                label_number="RAW-1",
                counted_area_m2=10,
                issued_on=date(2021, 1, 1),
            )
        )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_approved_records_are_not_edited_in_place(session, officer, building, make_record):
    record = make_record(session, officer, building, status="approved")
    with pytest.raises(RegistryError) as info:
        records.update_draft(
            session=session, actor=officer, record_id=record.id, data={"level": "3"}
        )
    assert info.value.code == "record.not_editable"
    with pytest.raises(ValidationFailed):
        records.correct_record(
            session=session, actor=officer, record_id=record.id, data={"level": "3"}, reason="  "
        )
    records.correct_record(
        session=session,
        actor=officer,
        record_id=record.id,
        data={"level": "3"},
        reason="证书录入错误",
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "correct")).one()
    assert event.before == {"level": "2"} and event.after == {"level": "3"}
    assert event.reason == "证书录入错误"


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (
            {"issued_on": (dates.today() + timedelta(days=3)).isoformat()},
            "issued_on",
            "record.date_in_future",
        ),
        ({"level": "四星级"}, "level", "record.level_unknown"),
        ({"stage": None}, "stage", "record.stage_required"),
        ({"issued_on": "2021-13-01"}, "issued_on", "field.not_a_date"),
        ({"counted_area_m2": "9000"}, "counted_area_m2", "record.counted_area_exceeds_building"),
        ({"label_number": ""}, "label_number", "record.label_number_required"),
    ],
)
def test_bad_records_are_refused(session, officer, building, data, field, code):
    raw = {
        "kind": "green_label",
        "level": "2",
        "stage": "evaluation",
        "label_number": "X-1",
        "issued_on": "2021-02-01",
    }
    raw.update(data)
    with pytest.raises(ValidationFailed) as info:
        records.add_record(session=session, actor=officer, building_id=building.id, data=raw)
    assert info.value.field_errors[field][0] == code
    assert session.exec(select(Record)).all() == []


def test_record_on_missing_building(session, officer):
    with pytest.raises(ValidationFailed) as info:
        records.add_record(
            session=session,
            actor=officer,
            building_id=999,
            data={"kind": "retrofit", "level": "old_community", "started_on": "2021-04-01"},
        )
    assert info.value.field_errors["building_id"][0] == "building.not_found"


def test_revocation_rules(session, officer, building, make_record):
    record = make_record(session, officer, building, status="approved", issued_on=date(2021, 6, 1))
    with pytest.raises(ValidationFailed) as info:
        records.revoke_record(
            session=session, actor=officer, record_id=record.id, reason="x", on=date(2021, 5, 1)
        )
    assert info.value.field_errors["date"][0] == "record.revoked_before_issue"
    with pytest.raises(ValidationFailed):
        records.revoke_record(
            session=session, actor=officer, record_id=record.id, reason="", on=date(2021, 7, 1)
        )
    assert session.get(Record, record.id).status == "published"


def test_reject_needs_reason_and_allows_resubmission(session, officer, building, make_record):
    record = make_record(session, officer, building, status="submitted")
    with pytest.raises(ValidationFailed):
        records.reject_record(session=session, actor=officer, record_id=record.id, reason=" ")
    records.reject_record(session=session, actor=officer, record_id=record.id, reason="材料不全")
    records.update_draft(
        session=session, actor=officer, record_id=record.id, data={"notes": "补充材料"}
    )
    records.submit_record(session=session, actor=officer, record_id=record.id)
    assert session.get(Record, record.id).status == "submitted"


def test_bad_transitions(session, officer, building, make_record):
    record = make_record(session, officer, building)
    with pytest.raises(Conflict) as info:
        records.approve_record(session=session, actor=officer, record_id=record.id)
    assert info.value.code == "record.bad_transition"
    assert render(info.value.code, info.value.params, "zh") == (
        "该记录当前状态为“草稿”，不能审查通过。未保存任何数据。"
    )
    assert render(info.value.code, info.value.params, "en") == (
        "A record that is “Draft” cannot be approved; nothing was changed."
    )


def test_roles(session, make_user, make_building, make_record):
    designer = make_user(session, role="designer")
    officer_far = make_user(session, role="officer", districts=["370285"])
    officer = make_user(session, role="officer", districts=["370202"])
    building = make_building(session, designer)
    record = make_record(session, designer, building, status="submitted")
    with pytest.raises(PermissionDenied) as info:
        records.approve_record(session=session, actor=designer, record_id=record.id)
    assert info.value.code == "permission.designer_cannot_review"
    with pytest.raises(PermissionDenied) as info:
        records.approve_record(session=session, actor=officer_far, record_id=record.id)
    assert info.value.code == "permission.district"
    records.approve_record(session=session, actor=officer, record_id=record.id)
