"""/api/v1/parcels: record, link, show, list, the breach list; per-field reasons."""

from __future__ import annotations

import jsonschema

from registry.i18n import render
from tests.conftest import building_data


def _check(body, name, spec):
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def test_record_link_show_list_and_breaches(api):
    spec = api.get("/api/openapi.json").json
    token = api.token("officer")
    building = api.post("/api/v1/buildings", token, json=building_data()).json
    body = {
        "number": "ls2021-07",
        "district_code": "市南区",
        "site_area_m2": "8,000",
        "conditions": [
            {"kind": "min_star", "value": 3, "clause": "三星级", "document": "出让合同"},
            {"kind": "min_prefab_pct", "status": "待核实"},
        ],
    }
    added = api.post("/api/v1/parcels", token, json=body)
    assert added.status_code == 201, added.json
    assert added.headers["Location"].endswith("/api/v1/parcels/LS2021-07")
    _check(added.json, "ParcelReport", spec)
    linked = api.post(
        "/api/v1/parcels/LS2021-07/buildings",
        token,
        json={"building_id": building["id"], "completed_on": "2020-01-01"},
    )
    assert linked.status_code == 200, linked.json
    # Completed long ago with no evaluation label: overdue, so the parcel is breached.
    assert linked.json["buildings"][0]["status"] == "overdue"
    assert linked.json["status"] == "breached"
    shown = api.get("/api/v1/parcels/ls2021-07", token)
    _check(shown.json, "ParcelReport", spec)
    assert [p["number"] for p in api.get("/api/v1/parcels?status=breached", token).json] == [
        "LS2021-07"
    ]
    assert api.get("/api/v1/parcels?status=met", token).json == []
    assert [p["number"] for p in api.get("/api/v1/parcels/breaches", token).json] == ["LS2021-07"]
    assert api.get("/api/v1/parcels/NONE-1", token).status_code == 404


def test_bad_input_has_a_reason_per_field(api):
    token = api.token("officer")
    answer = api.post(
        "/api/v1/parcels",
        token,
        json={"number": "", "district_code": "370202", "conditions": [{"kind": "min_star"}]},
        lang="en",
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "number": render("parcel.number_required", {}, "en"),
        "min_star": render("parcel.condition_value_required", {}, "en"),
    }
    other = api.token("officer", districts=("370203",))
    refused = api.post("/api/v1/parcels", other, json={"number": "X1", "district_code": "370202"})
    assert refused.status_code == 403
    viewer = api.token("viewer")
    assert (
        api.post(
            "/api/v1/parcels", viewer, json={"number": "X1", "district_code": "370202"}
        ).status_code
        == 403
    )
