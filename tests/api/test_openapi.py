"""The OpenAPI document covers every /api/ route, is well formed, and tells the truth."""

from __future__ import annotations

import re

import jsonschema
import pytest

from tests.conftest import building_data

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# The blueprints of the registry core: every operation of theirs must carry schemas.
CORE_ENDPOINT_PREFIXES = ("api_buildings.", "api_records.", "api_users.", "openapi.")


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_api_route_is_in_the_document(app, spec):
    expected = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            expected.add((path, method.lower()))
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert expected, "no /api/ routes registered"
    assert expected - documented == set()
    assert documented - expected == set()
    for path, method in [
        ("/api/v1/buildings", "get"),
        ("/api/v1/buildings", "post"),
        ("/api/v1/records/{record_id}/revoke", "post"),
        ("/api/v1/users/me", "get"),
    ]:
        assert (path, method) in documented


# Actions that take nothing but the path.
BODYLESS_ACTIONS = ("/submit", "/deactivate", "/activate", "/reset-password", "/revoke")


def test_core_operations_carry_schemas(app, spec):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(CORE_ENDPOINT_PREFIXES):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path][method.lower()]
            assert "x-undocumented" not in operation, (path, method)
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert len(success) == 1 and operation["responses"][success[0]].get("content"), (
                path,
                method,
            )
            if method in {"POST", "PATCH"} and not path.endswith(BODYLESS_ACTIONS):
                assert "requestBody" in operation, (path, method)
            if path.startswith("/api/v1/"):
                assert operation["security"] == [{"bearerAuth": []}]
                assert "401" in operation["responses"]


def test_document_is_structurally_valid(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] and spec["info"]["version"]
    schemas = spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token issued to a user.",
    }
    assert set(schemas["Error"]["required"]) == {"code", "message", "errors"}
    operation_ids = []
    for path, item in spec["paths"].items():
        assert path.startswith("/")
        assert set(item) <= HTTP_METHODS
        names_in_path = set(re.findall(r"{(\w+)}", path))
        for operation in item.values():
            operation_ids.append(operation["operationId"])
            assert operation["summary"]
            assert operation["responses"]
            assert all(re.fullmatch(r"[1-5]\d\d|default", code) for code in operation["responses"])
            path_parameters = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert path_parameters == names_in_path, path
            for parameter in operation["parameters"]:
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                assert "schema" in parameter
                if parameter["in"] == "path":
                    assert parameter["required"] is True
            for requirement in operation["security"]:
                assert set(requirement) <= set(spec["components"]["securitySchemes"])
    assert len(operation_ids) == len(set(operation_ids))
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[-1] in schemas, ref
    # Generated from the data models, so a new model field appears here by itself.
    assert {"floor_area_m2", "district_code", "id", "created_at"} <= set(
        schemas["BuildingPublic"]["properties"]
    )
    assert "password_hash" not in str(schemas)


def test_component_schemas_are_valid_json_schema(spec):
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_responses_match_their_schemas(api, spec):
    token = api.token("admin")

    def check(body, schema_name):
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
        jsonschema.Draft202012Validator(schema).validate(body)

    building = api.post("/api/v1/buildings", token, json=building_data())
    check(building.json, "BuildingPublic")
    record = api.post(
        f"/api/v1/buildings/{building.json['id']}/records",
        token,
        json={"kind": "energy", "level": "zero", "label_number": "Z-1", "issued_on": "2022-02-02"},
    )
    check(record.json, "RecordPublic")
    check(api.get("/api/v1/buildings", token).json, "BuildingPublicPage")
    for event in api.get(f"/api/v1/buildings/{building.json['id']}/history", token).json:
        check(event, "AuditEventPublic")
    check(api.get("/api/v1/users/me", token).json, "UserPublic")
    check(api.get("/api/v1/buildings/999", token).json, "Error")


def test_docs_page_lists_paths_without_outside_scripts(client, spec):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert "<script" not in page
    assert "http://" not in page and "https://" not in page
    for path in spec["paths"]:
        assert path in page
    assert 'id="schema-BuildingPublic"' in page


def test_a_new_route_appears_at_once_marked_undocumented(app):
    def extra(rest):
        """Echo a path (a route added without OpenAPI notes)."""
        return rest

    app.add_url_rule("/api/v1/extra/<path:rest>", "extra", extra, methods=["GET", "PUT"])
    spec = app.test_client().get("/api/openapi.json").json
    item = spec["paths"]["/api/v1/extra/{rest}"]
    assert set(item) == {"get", "put"}
    assert item["get"]["x-undocumented"] is True
    assert item["get"]["summary"] == "Echo a path (a route added without OpenAPI notes)."
    assert item["put"]["parameters"] == [
        {"name": "rest", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
