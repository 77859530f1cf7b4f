"""The OpenAPI document says what the API does: uploads are multipart with their fields, the
import's body is described, file answers name their types, every 405 says what is allowed,
an empty number is refused; and the inputs schemathesis found that the API mishandled."""

from __future__ import annotations

import pytest

from registry.documents import rendering

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def spec(app):
    return app.test_client().get("/api/openapi.json").get_json()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/buildings/{building_id}/checks", "idf"),
        ("/api/v1/weather", "epw"),
        ("/api/v1/imports", "file"),
    ],
)
def test_uploads_are_described_as_multipart_with_their_file_field(spec, path, field):
    body = spec["paths"][path]["post"]["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
    schema = body["content"]["multipart/form-data"]["schema"]
    resolved = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert field in resolved["required"]
    assert resolved["properties"][field] == {**resolved["properties"][field], "format": "binary"}
    assert body["required"] is True


def test_file_answers_name_their_types(spec):
    tally = spec["paths"]["/api/v1/tally"]["get"]["responses"]["200"]["content"]
    assert set(tally) == {value.split(";")[0] for value in rendering.EXPORT_FORMATS.values()}
    export = spec["paths"]["/api/v1/buildings/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", XLSX}


def test_ids_in_paths_are_bounded_as_the_server_bounds_them(spec):
    parameter = spec["paths"]["/api/v1/buildings/{building_id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_every_405_says_what_is_allowed(app):
    client = app.test_client()
    missing = []
    for rule in app.url_map.iter_rules():
        if "<" in rule.rule:
            continue
        response = client.open(rule.rule, method="TRACE")
        if response.status_code == 405 and not response.headers.get("Allow"):
            missing.append(rule.rule)
    assert missing == []
    response = client.put("/api/v1/users/me")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["code"] == "http.405"


def test_an_empty_wait_is_refused(api):
    token = api.token("admin")
    response = api.get("/api/v1/checks/1?wait=", token)
    assert response.status_code == 422
    assert "wait" in response.get_json()["errors"]


def test_a_typed_body_field_of_the_wrong_type_is_a_422(api):
    token = api.token("admin")
    response = api.post(
        "/api/v1/users", token, json={"username": "ok-name", "password": ["x"], "role": "viewer"}
    )
    assert response.status_code == 422 and "password" in response.get_json()["errors"]
    me = api.user_of(token)
    response = api.post(f"/api/v1/users/{me.id}/token", token, json={"name": {}})
    assert response.status_code == 422 and "name" in response.get_json()["errors"]


def test_a_choice_field_holding_an_object_is_a_422_not_a_500(api):
    token = api.token("admin")
    for field in ("building_type", "hvac_class", "sub_type"):
        response = api.post("/api/v1/buildings", token, json={"name": "x", field: {}})
        assert response.status_code == 422, (field, response.get_json())


def test_an_area_that_rounds_to_nothing_is_refused(api):
    from tests.conftest import building_data

    token = api.token("admin")
    response = api.post("/api/v1/buildings", token, json=building_data(floor_area_m2=5e-324))
    assert response.status_code == 422
    assert "floor_area_m2" in response.get_json()["errors"]


def test_an_export_in_an_unknown_language_is_refused(api):
    token = api.token("admin")
    assert api.get("/api/v1/buildings/export?lang=null", token).status_code == 422


def test_a_form_part_without_a_readable_name_is_no_500(api):
    token = api.token("admin")
    body = b'--B\r\nContent-Disposition: form-data; name="\\"\r\n\r\n{}\r\n--B--\r\n'
    response = api.post(
        "/api/v1/imports",
        token,
        data=body,
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 422


def test_a_state_conflict_is_a_409(api, make_building, make_record):
    token = api.token("admin")
    admin = api.user_of(token)
    with api.session() as session:
        building = make_building(session, admin)
        record = make_record(session, admin, building, status="approved")
    response = api.post(f"/api/v1/records/{record.id}/approve", token)
    assert response.status_code == 409
    assert response.get_json()["code"] == "record.bad_transition"
