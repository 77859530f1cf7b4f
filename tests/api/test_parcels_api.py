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
    assert [p["number"] for p in api.get("/api/v1/parcel-breaches", token).json] == ["LS2021-07"]
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


def test_update_and_verify(api):
    token = api.token("officer")
    body = {
        "number": "V-1",
        "district_code": "370202",
        "conditions": [{"kind": "min_star", "status": "待核实"}],
    }
    added = api.post("/api/v1/parcels", token, json=body).json
    api.post("/api/v1/parcels", token, json={"number": "V-2", "district_code": "370202"})
    condition_id = added["conditions"][0]["id"]
    assert added["conditions"][0]["status"] == "unverified"
    changed = api.patch("/api/v1/parcels/V-1", token, json={"land_use": "住宅", "number": "X"})
    assert (changed.status_code, changed.json["land_use"], changed.json["number"]) == (
        200,
        "住宅",
        "V-1",
    )
    bad = api.patch("/api/v1/parcels/V-1", token, json={"site_area_m2": "多"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"site_area_m2"}
    # A condition of another parcel is not found under this one.
    assert (
        api.post(
            f"/api/v1/parcels/V-2/conditions/{condition_id}/verify", token, json={}
        ).status_code
        == 404
    )
    missing_value = api.post(f"/api/v1/parcels/V-1/conditions/{condition_id}/verify", token)
    assert missing_value.status_code == 422
    verified = api.post(
        f"/api/v1/parcels/V-1/conditions/{condition_id}/verify", token, json={"value": "★★"}
    )
    assert verified.status_code == 200
    assert (verified.json["conditions"][0]["status"], verified.json["conditions"][0]["value"]) == (
        "verified",
        2,
    )
