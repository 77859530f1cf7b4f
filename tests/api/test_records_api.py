"""A record's whole life over the API, on SQLite and PostgreSQL, and the label-number rule."""

from __future__ import annotations

import threading

import pytest

from registry.errors import Conflict
from registry.i18n import render
from registry.models import User
from registry.services.buildings import records as record_service
from tests.conftest import building_data

LABEL = {"kind": "green_label", "level": "2", "stage": "evaluation", "issued_on": "2021-06-01"}


def _register(api, token, **overrides):
    response = api.post("/api/v1/buildings", token, json=building_data(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def test_record_lifecycle_over_api(api_both):
    api = api_both
    designer = api.token("designer")
    officer = api.token("officer", districts=("370202",))

    building = _register(api, designer, floor_area_m2="12,000")
    assert building["floor_area_m2"] == 12000.0
    building_id = building["id"]
    assert api.get(f"/api/v1/buildings/{building_id}", designer).json["name"] == building["name"]

    added = api.post(
        f"/api/v1/buildings/{building_id}/records",
        designer,
        json={**LABEL, "label_number": "QD-LS-2021-001", "counted_area_m2": 9000},
    )
    assert added.status_code == 201, added.json
    assert added.headers["Location"].endswith(f"/api/v1/records/{added.json['id']}")
    record_id = added.json["id"]
    assert added.json["status"] == "draft"

    edited = api.patch(f"/api/v1/records/{record_id}", designer, json={"level": "一星级"})
    assert edited.status_code == 200, edited.json
    assert (edited.json["level"], edited.json["counted_area_m2"]) == ("1", 9000.0)

    assert api.post(f"/api/v1/records/{record_id}/submit", designer).json["status"] == "submitted"

    denied = api.post(f"/api/v1/records/{record_id}/approve", designer, json={})
    assert denied.status_code == 403
    assert denied.json["code"] == "permission.designer_cannot_review"

    approved = api.post(
        f"/api/v1/records/{record_id}/approve", officer, json={"date": "2022-01-10"}
    )
    assert approved.status_code == 200, approved.json
    assert (approved.json["status"], approved.json["approved_on"]) == ("notice", "2022-01-10")
    # Monday 10 January 2022: seven working days of notice, to Tuesday the 18th.
    assert (approved.json["notice_start_on"], approved.json["notice_end_on"]) == (
        "2022-01-10",
        "2022-01-18",
    )
    early = api.post(f"/api/v1/records/{record_id}/publish", officer, json={"date": "2022-01-18"})
    assert (early.status_code, early.json["errors"]["date"][:6]) == (422, "公示期为 2")
    published = api.post(
        f"/api/v1/records/{record_id}/publish", officer, json={"date": "2022-01-19"}
    )
    assert published.status_code == 200, published.json
    assert (published.json["status"], published.json["published_on"]) == (
        "published",
        "2022-01-19",
    )

    frozen = api.patch(f"/api/v1/records/{record_id}", designer, json={"level": "3"})
    assert (frozen.status_code, frozen.json["code"]) == (409, "record.not_editable")

    no_reason = api.post(f"/api/v1/records/{record_id}/correct", officer, json={"level": "3"})
    assert no_reason.status_code == 422
    assert set(no_reason.json["errors"]) == {"reason"}
    corrected = api.post(
        f"/api/v1/records/{record_id}/correct",
        officer,
        json={"level": "3", "reason": "证书复印件核对"},
    )
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["level"] == "3"

    revoked = api.post(
        f"/api/v1/records/{record_id}/revoke",
        officer,
        json={"reason": "标识被撤销", "date": "2023-03-01"},
    )
    assert revoked.status_code == 200, revoked.json
    assert (revoked.json["status"], revoked.json["revoked_on"]) == ("revoked", "2023-03-01")
    again = api.post(
        f"/api/v1/records/{record_id}/revoke",
        officer,
        json={"reason": "again", "date": "2023-03-02"},
    )
    assert (again.status_code, again.json["code"]) == (409, "record.bad_transition")

    records = api.get(f"/api/v1/buildings/{building_id}/records", designer).json
    assert [(r["id"], r["status"]) for r in records] == [(record_id, "revoked")]

    history = api.get(f"/api/v1/buildings/{building_id}/history", officer)
    assert history.status_code == 200
    actions = [(e["entity"], e["action"]) for e in history.json]
    assert actions == [
        ("building", "create"),
        ("record", "create"),
        ("record", "update"),
        ("record", "submit"),
        ("record", "approve"),
        ("record", "publish"),
        ("record", "correct"),
        ("record", "revoke"),
    ]
    correction = history.json[6]
    assert correction["reason"] == "证书复印件核对"
    assert (correction["before"], correction["after"]) == ({"level": "1"}, {"level": "3"})
    assert "password_hash" not in str(history.json)


def test_reject_then_resubmit(api_both):
    api = api_both
    officer = api.token("officer", districts=("370202",))
    building = _register(api, officer)
    record = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        officer,
        json={**LABEL, "label_number": "QD-REJ-1"},
    ).json
    api.post(f"/api/v1/records/{record['id']}/submit", officer)

    blank = api.post(f"/api/v1/records/{record['id']}/reject", officer, json={"reason": " "})
    assert (blank.status_code, list(blank.json["errors"])) == (422, ["reason"])
    rejected = api.post(
        f"/api/v1/records/{record['id']}/reject", officer, json={"reason": "缺少证书扫描件"}
    )
    assert (rejected.json["status"], rejected.json["rejected_reason"]) == (
        "rejected",
        "缺少证书扫描件",
    )
    resubmitted = api.post(f"/api/v1/records/{record['id']}/submit", officer)
    assert resubmitted.json["status"] == "submitted"


def test_label_number_collision_is_409_with_a_clear_message(api_both):
    api = api_both
    officer = api.token("officer", districts=("370202",))
    first_building = _register(api, officer)
    second_building = _register(api, officer)
    first = api.post(
        f"/api/v1/buildings/{first_building['id']}/records",
        officer,
        json={**LABEL, "label_number": "QD-2021-007"},
    )
    assert first.status_code == 201

    taken = api.post(
        f"/api/v1/buildings/{second_building['id']}/records",
        officer,
        json={**LABEL, "label_number": "QD-2021-007"},
        lang="en",
    )
    assert taken.status_code == 409
    assert taken.json["code"] == "record.label_number_taken"
    expected = render(
        "record.label_number_taken",
        {"label_number": "QD-2021-007", "other_id": first.json["id"]},
        "en",
    )
    assert taken.json["message"] == expected
    assert taken.json["errors"] == {"label_number": expected}

    other = api.post(
        f"/api/v1/buildings/{second_building['id']}/records",
        officer,
        json={**LABEL, "label_number": "QD-2021-008"},
    ).json
    renamed = api.patch(
        f"/api/v1/records/{other['id']}", officer, json={"label_number": "QD-2021-007"}
    )
    assert (renamed.status_code, renamed.json["code"]) == (409, "record.label_number_taken")
    assert "已被记录" in renamed.json["message"]
    with api.session() as session:
        stored = record_service.get_record(session=session, record_id=other["id"])
        assert stored.label_number == "QD-2021-008"


@pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgresql", marks=pytest.mark.requires_postgres)],
    indirect=True,
)
def test_concurrent_adds_with_one_label_store_exactly_one(api_both):
    """Threads race on the unique index: one record is stored, the rest get the clear 409."""
    api = api_both
    token = api.token("officer", districts=("370202",))
    actor_id = api.user_of(token).id
    building_id = _register(api, token)["id"]
    workers = 6
    barrier = threading.Barrier(workers)
    outcomes: list = []
    lock = threading.Lock()

    def add():
        with api.session() as session:
            actor = session.get(User, actor_id)
            barrier.wait(timeout=30)
            try:
                record = record_service.add_record(
                    session=session,
                    actor=actor,
                    building_id=building_id,
                    data={**LABEL, "label_number": "QD-RACE-1"},
                )
                result = ("stored", record.id)
            except Conflict as exc:
                result = ("conflict", exc)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=add) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == workers
    stored = [value for kind, value in outcomes if kind == "stored"]
    conflicts = [value for kind, value in outcomes if kind == "conflict"]
    assert len(stored) == 1
    assert len(conflicts) == workers - 1
    for exc in conflicts:
        assert exc.code == "record.label_number_taken"
        assert exc.params == {"label_number": "QD-RACE-1", "other_id": stored[0]}
    listed = api.get(f"/api/v1/buildings/{building_id}/records", token).json
    assert [r["label_number"] for r in listed] == ["QD-RACE-1"]


def test_whoever_submitted_cannot_approve_over_the_api(api_both):
    api = api_both
    officer = api.token("officer", districts=("370202",))
    building = _register(api, officer)
    record = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        officer,
        json={**LABEL, "label_number": "QD-MC-1"},
    ).json
    api.post(f"/api/v1/records/{record['id']}/submit", officer)
    refused = api.post(f"/api/v1/records/{record['id']}/approve", officer, lang="en")
    assert (refused.status_code, refused.json["code"]) == (403, "record.approver_submitted")
    assert "You submitted this record, so you cannot approve it" in refused.json["message"]
    zh = api.post(f"/api/v1/records/{record['id']}/approve", officer)
    assert "您提交了这条记录，不能由您本人批准" in zh.json["message"]
    checker = api.token("officer", districts=("370202",))
    approved = api.post(
        f"/api/v1/records/{record['id']}/approve", checker, json={"date": "2021-06-01"}
    )
    assert (approved.status_code, approved.json["status"]) == (200, "notice")
