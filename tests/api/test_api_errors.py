"""What the API answers when something is wrong: field messages in zh and en, 400/401/403/404."""

from __future__ import annotations

import pytest
from sqlmodel import select

from registry.i18n import render
from registry.models import Building, User
from tests.conftest import building_data

BAD_BUILDING = {
    "name": "  ",
    "district_code": "999999",
    "building_type": "castle",
    "floor_area_m2": "5万",
    "completion_year": "twenty",
}
EXPECTED_FIELD_CODES = {
    "name": ("field.required", {}),
    "district_code": ("district.unknown", {"value": "999999"}),
    "building_type": ("building.type_unknown", {"value": "castle"}),
    "floor_area_m2": ("area.not_a_number", {"value": "5万"}),
    "completion_year": ("field.not_a_number", {"value": "twenty"}),
}


@pytest.mark.parametrize(
    ("request_options", "locale"),
    [
        ({}, "zh"),
        ({"lang": "zh-CN,zh;q=0.9"}, "zh"),
        ({"lang": "en-US,en;q=0.8"}, "en"),
        ({"query_string": {"lang": "en"}}, "en"),
        ({"lang": "en", "query_string": {"lang": "zh"}}, "zh"),
    ],
)
def test_validation_errors_name_each_field_in_the_asked_language(api, request_options, locale):
    token = api.token("admin")
    response = api.post("/api/v1/buildings", token, json=BAD_BUILDING, **request_options)
    assert response.status_code == 422
    assert response.json["code"] == "validation.failed"
    assert response.json["message"] == render("validation.failed", {}, locale)
    assert response.json["errors"] == {
        field: render(code, params, locale)
        for field, (code, params) in EXPECTED_FIELD_CODES.items()
    }
    with api.session() as session:
        assert session.exec(select(Building)).all() == []


def test_record_validation_errors_per_field(api):
    token = api.token("officer", districts=("370202",))
    building = api.post("/api/v1/buildings", token, json=building_data(floor_area_m2="1000")).json
    response = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        token,
        lang="en",
        json={
            "kind": "green_label",
            "level": "五星",
            "label_number": "QD-9",
            "counted_area_m2": 5000,
        },
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"level", "stage", "issued_on", "counted_area_m2"}
    assert errors["stage"] == render("record.stage_required", {}, "en")
    assert "1000" in errors["counted_area_m2"]

    bad_date = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        token,
        json={"kind": "retrofit", "level": "old_community", "started_on": "2021-02-30"},
    )
    assert bad_date.status_code == 422
    assert "started_on" in bad_date.json["errors"]


def test_building_update_checks_only_given_fields(api):
    token = api.token("admin")
    building = api.post("/api/v1/buildings", token, json=building_data()).json
    changed = api.patch(
        f"/api/v1/buildings/{building['id']}",
        token,
        json={"floor_area_m2": "13,500", "address": "香港中路 2 号"},
    )
    assert changed.status_code == 200
    assert (changed.json["floor_area_m2"], changed.json["name"]) == (13500.0, building["name"])
    wrong = api.patch(
        f"/api/v1/buildings/{building['id']}", token, json={"floor_area_m2": -1}, lang="en"
    )
    assert (wrong.status_code, wrong.json["errors"]) == (
        422,
        {"floor_area_m2": render("area.not_positive", {}, "en")},
    )


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "auth.required"),
        ("Basic dXNlcjpwYXNz", "auth.required"),
        ("Bearer ", "auth.required"),
        ("Bearer rgy_not-a-real-token", "auth.token_invalid"),
    ],
)
def test_requests_without_a_valid_token_get_401(api, header, code):
    headers = {"Authorization": header} if header else {}
    for method, path in [
        ("GET", "/api/v1/buildings"),
        ("POST", "/api/v1/buildings"),
        ("GET", "/api/v1/users/me"),
        ("POST", "/api/v1/records/1/approve"),
    ]:
        response = api.call(method, path, headers=headers, json={})
        assert response.status_code == 401, (method, path)
        assert response.json["code"] == code
        assert response.json["message"] == render(code, {}, "zh")


def test_a_deactivated_users_token_stops_working(api):
    token = api.token("admin")
    assert api.get("/api/v1/users/me", token).status_code == 200
    with api.session() as session:
        user = session.get(User, api.user_of(token).id)
        user.active = False
        session.add(user)
        session.commit()
    response = api.get("/api/v1/users/me", token, lang="en")
    assert (response.status_code, response.json["code"]) == (401, "auth.token_invalid")


def test_permissions_over_the_api(api_both):
    api = api_both
    officer = api.token("officer", districts=("370202",))
    other_officer = api.token("officer", districts=("370212",))
    viewer = api.token("viewer")
    designer = api.token("designer")
    building = api.post("/api/v1/buildings", officer, json=building_data()).json
    record = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        officer,
        json={
            "kind": "energy",
            "level": "超低能耗",
            "label_number": "E-1",
            "issued_on": "2022-05-01",
        },
    ).json
    api.post(f"/api/v1/records/{record['id']}/submit", officer)

    cases = [
        (
            designer,
            f"/api/v1/records/{record['id']}/approve",
            {},
            "permission.designer_cannot_review",
        ),
        (other_officer, f"/api/v1/records/{record['id']}/approve", {}, "permission.district"),
        (other_officer, "/api/v1/buildings", building_data(), "permission.district"),
        (viewer, "/api/v1/buildings", building_data(), "permission.denied"),
        (
            viewer,
            f"/api/v1/buildings/{building['id']}/records",
            {"kind": "energy", "level": "zero", "label_number": "E-2", "issued_on": "2022-05-01"},
            "permission.denied",
        ),
        (
            designer,
            f"/api/v1/buildings/{building['id']}/records",
            {"kind": "energy", "level": "zero", "label_number": "E-3", "issued_on": "2022-05-01"},
            "permission.own_buildings_only",
        ),
    ]
    for token, path, body, code in cases:
        response = api.post(path, token, json=body, lang="en")
        assert response.status_code == 403, (path, code, response.json)
        assert response.json["code"] == code
    district_message = api.post(f"/api/v1/records/{record['id']}/approve", other_officer).json
    assert "崂山区" in district_message["message"] and "370212" not in district_message["message"]
    viewer_patch = api.patch(f"/api/v1/buildings/{building['id']}", viewer, json={"name": "x"})
    assert viewer_patch.status_code == 403
    # Reading is open to every signed-in role.
    assert api.get(f"/api/v1/records/{record['id']}", viewer).json["status"] == "submitted"
    assert api.get(f"/api/v1/buildings/{building['id']}", viewer).json["name"] == (building["name"])


def test_not_found_and_not_json(api):
    token = api.token("admin")
    missing = api.get("/api/v1/buildings/4040", token, lang="en")
    assert (missing.status_code, missing.json["code"]) == (404, "building.not_found")
    assert missing.json["message"] == render("building.not_found", {"id": 4040}, "en")
    assert api.get("/api/v1/records/4040", token).json["code"] == "record.not_found"
    no_building = api.post(
        "/api/v1/buildings/4040/records", token, json={"kind": "energy", "level": "zero"}
    )
    assert (no_building.status_code, no_building.json["code"]) == (404, "building.not_found")
    for body in (
        {"data": "name=x", "content_type": "application/x-www-form-urlencoded"},
        {"data": "[1, 2]", "content_type": "application/json"},
        {"data": "{not json", "content_type": "application/json"},
    ):
        response = api.call("POST", "/api/v1/buildings", token, **body)
        assert (response.status_code, response.json["code"]) == (400, "request.not_json")


def test_review_dates_are_checked(api):
    token = api.token("admin")
    building = api.post("/api/v1/buildings", token, json=building_data()).json
    record = api.post(
        f"/api/v1/buildings/{building['id']}/records",
        token,
        json={"kind": "energy", "level": "zero", "label_number": "E-9", "issued_on": "2022-05-01"},
    ).json
    api.post(f"/api/v1/records/{record['id']}/submit", token)
    malformed = api.post(
        f"/api/v1/records/{record['id']}/approve", token, json={"date": "tomorrow"}, lang="en"
    )
    assert (malformed.status_code, malformed.json["errors"]) == (
        422,
        {"date": render("field.not_a_date", {"value": "tomorrow"}, "en")},
    )
    checker = api.token("admin")  # maker-checker: a second person reviews
    api.post(f"/api/v1/records/{record['id']}/approve", checker, json={"date": "2022-05-05"})
    api.post(f"/api/v1/records/{record['id']}/publish", checker, json={"date": "2022-05-16"})
    early = api.post(
        f"/api/v1/records/{record['id']}/revoke", token, json={"reason": "x", "date": "2022-05-10"}
    )
    assert early.status_code == 422
    # Not before it was granted: its publication.
    assert early.json["errors"]["date"] == render(
        "record.revoked_before_issue", {"date": "2022-05-10", "issued": "2022-05-16"}, "zh"
    )
    missing = api.post(f"/api/v1/records/{record['id']}/revoke", token, json={})
    assert set(missing.json["errors"]) == {"reason", "date"}
