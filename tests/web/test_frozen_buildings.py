"""Approved facts are frozen (issue 24, item 3): a designer cannot rewrite a building whose
label passed review, on the API, the web form or the CLI; an officer corrects it with a
reason, audited, the tally index recounted in the same transaction; the public verification
page keeps showing what was reviewed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

import registry.cli.common
from registry.cli import main
from registry.models import AuditEvent, Building, TallyEpisode
from registry.services import users as user_service
from tests.web.conftest import text_of

PATCH = {
    "name": "改名大厦",
    "district_code": "370212",
    "building_type": "hotel",
    "floor_area_m2": 900000,
}


@pytest.fixture
def approved(app_both, make_user, make_building, make_record):
    """A designer's building with a published 三星级 label, and tokens for both sides."""
    with Session(app_both.extensions["registry.engine"], expire_on_commit=False) as session:
        designer = make_user(session, role="designer")
        officer = make_user(session, role="officer", districts=["370202", "370212"])
        building = make_building(session, designer, name="海天中心", floor_area_m2="20000")
        make_record(
            session,
            designer,
            building,
            status="approved",
            approver=officer,
            level="3",
            label_number="QD-FROZEN-3",
        )
        tokens = {
            user.role: user_service.issue_api_token(session=session, actor=user, user=user)
            for user in (designer, officer)
        }
    return building, designer, officer, tokens


def _headers(token, lang="en"):
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def test_a_designer_cannot_rewrite_an_approved_building(app_both, approved):
    building, _designer, _officer, tokens = approved
    client = app_both.test_client()
    before = client.get("/verify/QD-FROZEN-3?lang=en")
    reply = client.patch(
        f"/api/v1/buildings/{building.id}", json=PATCH, headers=_headers(tokens["designer"])
    )
    assert reply.status_code == 409
    assert reply.json["code"] == "building.facts_frozen"
    assert "name, district, building type, floor area are frozen" in reply.json["message"]
    zh = client.patch(
        f"/api/v1/buildings/{building.id}", json=PATCH, headers=_headers(tokens["designer"], "zh")
    )
    assert "名称、所在区（市）、建筑类型、建筑面积已锁定" in zh.json["message"]
    with Session(app_both.extensions["registry.engine"]) as session:
        stored = session.get(Building, building.id)
        assert (stored.name, stored.district_code, stored.floor_area_m2) == (
            "海天中心",
            "370202",
            20000.0,
        )
        episodes = session.exec(select(TallyEpisode)).all()
        assert [(e.district_code, e.area_m2) for e in episodes] == [("370202", 20000.0)]
        updates = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "building", AuditEvent.action != "create")
        ).all()
        assert updates == []
    after = client.get("/verify/QD-FROZEN-3?lang=en")
    assert text_of(after) == text_of(before)
    assert "海天中心" in text_of(after) and "Shinan" in text_of(after)
    # Fields that decide nothing are still the designer's to edit.
    ok = client.patch(
        f"/api/v1/buildings/{building.id}",
        json={"design_unit": "新设计院"},
        headers=_headers(tokens["designer"]),
    )
    assert ok.status_code == 200


def test_an_officer_corrects_with_a_reason_and_the_tally_follows(app_both, approved):
    building, _designer, _officer, tokens = approved
    client = app_both.test_client()
    no_reason = client.patch(
        f"/api/v1/buildings/{building.id}",
        json={"district_code": "370212"},
        headers=_headers(tokens["officer"]),
    )
    assert no_reason.status_code == 422
    assert "give the reason" in no_reason.json["errors"]["reason"]
    reply = client.post(
        f"/api/v1/buildings/{building.id}/correct",
        json={"district_code": "370212", "reason": "登记时区划选错"},
        headers=_headers(tokens["officer"]),
    )
    assert reply.status_code == 200, reply.json
    with Session(app_both.extensions["registry.engine"]) as session:
        event = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "building", AuditEvent.action == "correct"
            )
        ).one()
        assert (event.before, event.after, event.reason) == (
            {"district_code": "370202"},
            {"district_code": "370212"},
            "登记时区划选错",
        )
        episodes = session.exec(select(TallyEpisode)).all()
        assert [e.district_code for e in episodes] == ["370212"]
    # A designer's "correction" is still refused.
    refused = client.post(
        f"/api/v1/buildings/{building.id}/correct",
        json={"name": "x", "reason": "想改"},
        headers=_headers(tokens["designer"]),
    )
    assert refused.status_code == 409


def test_the_web_form_and_the_cli_refuse_a_designer_too(
    app, app_session, make_user, make_building, make_record, login, monkeypatch, runner
):
    designer = make_user(app_session, role="designer")
    officer = make_user(app_session, role="officer", districts=["370202"])
    building = make_building(app_session, designer, name="海天中心")
    make_record(app_session, designer, building, status="approved", approver=officer)
    client = app.test_client()
    login(client, designer)
    form = client.get(f"/buildings/{building.id}/edit?lang=en")
    assert "can only be corrected by an officer" in text_of(form)
    data = {
        "name": "改名大厦",
        "district_code": "370202",
        "building_type": building.building_type,
        "floor_area_m2": "12000",
        "is_new_build": "true",
        "prefabricated": "false",
    }
    refused = client.post(f"/buildings/{building.id}/edit", data=data)
    assert refused.status_code == 409
    assert "are frozen and cannot be edited" in text_of(refused)
    monkeypatch.setattr(registry.cli.common, "_app", app)
    result = runner.invoke(
        main,
        ["building", "update", str(building.id), "--name", "改名大厦", "--as", designer.username],
    )
    assert result.exit_code == 1 and "已锁定" in result.output
    corrected = runner.invoke(
        main,
        [
            "building",
            "update",
            str(building.id),
            "--name",
            "海天中心（一期）",
            "--reason",
            "名称以规划许可为准",
            "--as",
            officer.username,
            "--lang",
            "en",
        ],
    )
    assert corrected.exit_code == 0, corrected.output
    app_session.expire_all()
    assert app_session.get(Building, building.id).name == "海天中心（一期）"
