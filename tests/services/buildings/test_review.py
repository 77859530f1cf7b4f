"""Maker-checker and the public notice (公示 → 公布), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from registry.domain import dates
from registry.errors import Conflict, PermissionDenied, RegistryError, ValidationFailed
from registry.i18n import render
from registry.models import AuditEvent, CalendarDay, CalendarYear, Record, TallyEpisode
from registry.services import settings as settings_service
from registry.services.buildings import records
from registry.services.notice import objections


@pytest.fixture
def officer(session, make_user):
    return make_user(session, role="officer", districts=["370202"])


@pytest.fixture
def checker(session, make_user):
    return make_user(session, role="officer", districts=["370202"])


@pytest.fixture
def admin(session, make_user):
    return make_user(session, role="admin")


@pytest.fixture
def building(session, officer, make_building):
    return make_building(session, officer, floor_area_m2="20000")


def _label(session, officer, building, **overrides):
    data = {
        "kind": "green_label",
        "level": "3",
        "stage": "evaluation",
        "label_number": "QD-2021-3-001",
        "issued_on": "2021-05-06",
    }
    data.update(overrides)
    record = records.add_record(session=session, actor=officer, building_id=building.id, data=data)
    records.submit_record(session=session, actor=officer, record_id=record.id)
    return record


def test_whoever_submitted_cannot_approve_and_is_told_why(session, officer, checker, building):
    record = _label(session, officer, building)
    with pytest.raises(PermissionDenied) as refused:
        records.approve_record(session=session, actor=officer, record_id=record.id)
    assert refused.value.code == "record.approver_submitted"
    assert "不能由您本人批准" in render(refused.value.code, {}, "zh")
    assert "cannot approve it" in render(refused.value.code, {}, "en")
    stored = session.get(Record, record.id)
    assert stored.status == "submitted" and stored.approved_by_id is None
    approvals = session.exec(select(AuditEvent).where(AuditEvent.action == "approve")).all()
    assert approvals == []
    records.approve_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 5, 10)
    )
    assert session.get(Record, record.id).approved_by_id == checker.id


def test_whoever_drafted_cannot_approve_what_another_submitted(
    session, make_user, officer, checker, building
):
    designer = make_user(session, role="designer")
    own = records.add_record(
        session=session,
        actor=checker,
        building_id=building.id,
        data={"kind": "retrofit", "level": "old_community", "started_on": "2021-04-01"},
    )
    records.submit_record(session=session, actor=officer, record_id=own.id)
    with pytest.raises(PermissionDenied) as refused:
        records.approve_record(session=session, actor=checker, record_id=own.id)
    assert refused.value.code == "record.approver_drafted"
    assert designer.id  # a designer never reviews at all (test_records.test_roles)


def test_the_setting_is_audited_and_can_be_turned_off(session, admin, officer, building):
    assert settings_service.get_value(session=session, key="maker_checker") is True
    with pytest.raises(PermissionDenied):
        settings_service.set_value(session=session, actor=officer, key="maker_checker", raw="off")
    settings_service.set_value(
        session=session, actor=admin, key="maker_checker", raw="off", reason="单人值班"
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "setting")).one()
    assert (event.before, event.after, event.reason) == (
        {"maker_checker": True},
        {"maker_checker": False},
        "单人值班",
    )
    record = _label(session, officer, building)
    records.approve_record(
        session=session, actor=officer, record_id=record.id, on=date(2021, 5, 10)
    )
    assert session.get(Record, record.id).status == "notice"


def test_a_label_goes_through_notice_and_counts_from_its_publication(
    session, officer, checker, building
):
    record = _label(session, officer, building)
    records.approve_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 5, 10)
    )
    stored = session.get(Record, record.id)
    assert (stored.status, stored.notice_start_on, stored.notice_end_on) == (
        "notice",
        date(2021, 5, 10),
        date(2021, 5, 18),
    )
    # Under notice it does not count.
    assert session.exec(select(TallyEpisode)).all() == []
    with pytest.raises(ValidationFailed) as early:
        records.publish_record(
            session=session, actor=checker, record_id=record.id, on=date(2021, 5, 18)
        )
    assert early.value.field_errors["date"][0] == "notice.not_ended"
    message = render(*early.value.field_errors["date"], "zh")
    assert "2021-05-10 至 2021-05-18" in message
    assert "from 2021-05-10 to 2021-05-18" in render(*early.value.field_errors["date"], "en")
    records.publish_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 5, 20)
    )
    episodes = session.exec(select(TallyEpisode)).all()
    assert [(e.target, e.start_on, e.area_m2) for e in episodes] == [
        ("star_rated", date(2021, 5, 20), 20000.0)
    ]


def test_an_open_objection_holds_publication_until_resolved(session, officer, checker, building):
    today = dates.today()
    record = _label(session, officer, building, issued_on=today.isoformat())
    records.approve_record(session=session, actor=checker, record_id=record.id)
    objection = objections.lodge(
        session=session, record_id=record.id, reason="面积与实际不符", contact="张先生 13800000000"
    )
    assert objection.status == "open"
    # Publication is refused before the end of the notice, and with an open objection.
    session.execute(
        Record.__table__.update()
        .where(Record.id == record.id)
        .values(notice_start_on=date(2021, 5, 10), notice_end_on=date(2021, 5, 18))
    )
    session.commit()
    with pytest.raises(Conflict) as held:
        records.publish_record(session=session, actor=checker, record_id=record.id)
    assert held.value.code == "notice.open_objections"
    assert "1 条异议尚未处理" in render(held.value.code, held.value.params, "zh")
    objections.resolve(
        session=session,
        actor=checker,
        objection_id=objection.id,
        outcome="dismissed",
        note="经核实面积无误",
    )
    with pytest.raises(Conflict) as again:
        objections.resolve(
            session=session, actor=checker, objection_id=objection.id, outcome="upheld", note="x"
        )
    assert again.value.code == "objection.already_resolved"
    records.publish_record(session=session, actor=checker, record_id=record.id)
    assert session.get(Record, record.id).status == "published"
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["lodge", "dismissed", "publish"]


def test_an_upheld_objection_sends_the_record_back(session, officer, checker, building):
    record = _label(session, officer, building, issued_on=dates.today().isoformat())
    records.approve_record(session=session, actor=checker, record_id=record.id)
    objection = objections.lodge(
        session=session, record_id=record.id, reason="星级材料造假", contact="匿名 a@b.cn"
    )
    objections.resolve(
        session=session, actor=checker, objection_id=objection.id, outcome="upheld", note="查实"
    )
    stored = session.get(Record, record.id)
    assert (stored.status, stored.rejected_reason) == ("rejected", "查实")
    assert stored.approved_by_id is None and stored.notice_end_on is None
    with pytest.raises(Conflict) as late:
        objections.lodge(session=session, record_id=record.id, reason="x", contact="y")
    assert late.value.code == "objection.not_under_notice"


def test_objections_need_a_reason_and_a_contact(session, officer, checker, building):
    record = _label(session, officer, building, issued_on=dates.today().isoformat())
    records.approve_record(session=session, actor=checker, record_id=record.id)
    with pytest.raises(ValidationFailed) as refused:
        objections.lodge(session=session, record_id=record.id, reason=" ", contact="")
    assert set(refused.value.field_errors) == {"reason", "contact"}


def test_a_historic_label_entered_after_the_fact(session, officer, checker, building):
    """Both dates in the past, consistent with the notice period."""
    record = _label(session, officer, building)
    records.approve_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 9, 27)
    )
    stored = session.get(Record, record.id)
    # 2021: 1–7 October off; Sunday 26 September and Saturday 9 October worked.
    # 27–30 September, Friday 8, Saturday 9 (worked) and Monday 11 October.
    assert (stored.notice_start_on, stored.notice_end_on) == (date(2021, 9, 27), date(2021, 10, 11))
    records.publish_record(
        session=session, actor=checker, record_id=record.id, on=date(2021, 10, 12)
    )
    assert session.get(Record, record.id).published_on == date(2021, 10, 12)


def test_a_notice_in_a_year_without_holidays_is_refused(session, officer, checker, building):
    record = _label(session, officer, building)
    session.execute(CalendarDay.__table__.delete().where(CalendarDay.year == 2021))
    session.execute(CalendarYear.__table__.delete().where(CalendarYear.year == 2021))
    session.commit()
    with pytest.raises(RegistryError) as refused:
        records.approve_record(
            session=session, actor=checker, record_id=record.id, on=date(2021, 5, 10)
        )
    assert refused.value.code == "notice.calendar_missing"
    assert "2021 年的法定节假日安排尚未录入" in render(refused.value.code, refused.value.params)
    assert session.get(Record, record.id).status == "submitted"


def test_retrofit_records_have_no_notice(session, officer, checker, building):
    record = records.add_record(
        session=session,
        actor=officer,
        building_id=building.id,
        data={"kind": "retrofit", "level": "old_community", "started_on": "2021-04-01"},
    )
    records.submit_record(session=session, actor=officer, record_id=record.id)
    records.approve_record(session=session, actor=checker, record_id=record.id)
    stored = session.get(Record, record.id)
    assert (stored.status, stored.notice_start_on, stored.published_on) == ("approved", None, None)
    with pytest.raises(Conflict):
        records.publish_record(session=session, actor=checker, record_id=record.id)
