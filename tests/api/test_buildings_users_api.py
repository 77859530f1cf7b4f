"""Listing buildings (filters, pages) and the users endpoints."""

from __future__ import annotations

from registry.i18n import render
from registry.services.buildings import registration as building_service
from tests.conftest import building_data


def test_pages_and_filters(api_both, make_building):
    api = api_both
    token = api.token("admin")
    with api.session() as session:
        admin = session.merge(api.user_of(token))
        for number in range(23):
            make_building(session, admin, name=f"市南大厦 {number:02d}")
        for number in range(4):
            make_building(session, admin, name=f"崂山科技园 {number}", district_code="370212")

    first = api.get("/api/v1/buildings", token, query_string={"page_size": 10})
    assert first.status_code == 200
    assert (first.json["total"], first.json["pages"], first.json["page"]) == (27, 3, 1)
    assert len(first.json["items"]) == 10
    last = api.get("/api/v1/buildings", token, query_string={"page_size": 10, "page": 3}).json
    assert len(last["items"]) == 7
    ids = [
        item["id"]
        for page in (1, 2, 3)
        for item in api.get(
            "/api/v1/buildings", token, query_string={"page_size": 10, "page": page}
        ).json["items"]
    ]
    assert len(set(ids)) == 27
    assert ids == sorted(ids, reverse=True)

    beyond = api.get("/api/v1/buildings", token, query_string={"page": 9}).json
    assert (beyond["items"], beyond["total"]) == ([], 27)

    laoshan = api.get("/api/v1/buildings", token, query_string={"district_code": "崂山区"}).json
    assert laoshan["total"] == 4
    assert {item["district_code"] for item in laoshan["items"]} == {"370212"}
    found = api.get("/api/v1/buildings", token, query_string={"q": "科技园 2"}).json
    assert [item["name"] for item in found["items"]] == ["崂山科技园 2"]


def test_bad_page_parameters_are_field_errors(api):
    token = api.token("admin")
    response = api.get(
        "/api/v1/buildings",
        token,
        lang="en",
        query_string={
            "page": "first",
            "page_size": building_service.MAX_PAGE_SIZE + 1,
            "district_code": "北京",
            "year": "1800",
        },
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "page": render("field.not_an_integer", {"value": "first"}, "en"),
        "page_size": render(
            "field.out_of_range", {"low": 1, "high": building_service.MAX_PAGE_SIZE}, "en"
        ),
        "district_code": render("district.unknown", {"value": "北京"}, "en"),
        "year": render("field.out_of_range", {"low": 1900, "high": 2200}, "en"),
    }


def test_record_filters_reach_the_list(api):
    token = api.token("admin")
    with_label = api.post("/api/v1/buildings", token, json=building_data()).json
    api.post("/api/v1/buildings", token, json=building_data())
    api.post(
        f"/api/v1/buildings/{with_label['id']}/records",
        token,
        json={
            "kind": "green_label",
            "level": "3",
            "stage": "evaluation",
            "label_number": "QD-3STAR",
            "issued_on": "2020-09-01",
        },
    )
    listed = api.get(
        "/api/v1/buildings", token, query_string={"kind": "green_label", "level": "3", "year": 2020}
    ).json
    assert [item["id"] for item in listed["items"]] == [with_label["id"]]
    assert api.get("/api/v1/buildings", token, query_string={"year": 2019}).json["total"] == 0


def test_users_me_list_and_create(api):
    admin = api.token("admin", username="chief")
    officer = api.token("officer", districts=("370212",), username="laoshan-officer")

    me = api.get("/api/v1/users/me", officer).json
    assert (me["username"], me["role"], me["districts"]) == (
        "laoshan-officer",
        "officer",
        ["370212"],
    )
    assert not {"password_hash", "api_token_hash"} & set(me)

    assert api.get("/api/v1/users", officer).json["code"] == "permission.denied"
    assert api.get("/api/v1/users", officer).status_code == 403
    names = [user["username"] for user in api.get("/api/v1/users", admin).json]
    assert names == ["chief", "laoshan-officer"]

    made = api.post(
        "/api/v1/users",
        admin,
        json={
            "username": "shinan",
            "password": "long-enough-pw",
            "role": "officer",
            "districts": ["市南区", "370212"],
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["districts"] == ["370202", "370212"]

    refused = api.post(
        "/api/v1/users",
        officer,
        json={"username": "sneaky", "password": "long-enough-pw", "role": "admin"},
    )
    assert (refused.status_code, refused.json["code"]) == (403, "permission.denied")
    invalid = api.post(
        "/api/v1/users",
        admin,
        lang="en",
        json={"username": "", "password": "short", "role": "officer"},
    )
    assert invalid.status_code == 422
    assert set(invalid.json["errors"]) == {"username", "password", "districts"}
    taken = api.post(
        "/api/v1/users",
        admin,
        json={"username": "shinan", "password": "long-enough-pw", "role": "viewer"},
    )
    assert (taken.status_code, taken.json["code"]) == (409, "user.username_taken")
