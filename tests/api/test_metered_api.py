"""Measured energy over the API: enter monthly gas for a gas-heated office, read its verdict,
import a sheet, and read the quota list."""

from __future__ import annotations

import io

import pytest

from registry.services.quotas import seed as quota_seed
from tests.conftest import building_data


def test_enter_months_then_quota_list(api, make_building):
    token = api.token()
    with api.session() as session:
        quota_seed.seed(session)
        officer = api.user_of(token)
        building = make_building(
            session,
            officer,
            **{
                **building_data(),
                "sub_type": "below_city",
                "heating_type": "gas_oil",
                "floor_area_m2": "5000",
            },
        )
    gas = {
        5: 1000,
        6: 1000,
        7: 1000,
        8: 1000,
        9: 1000,
        10: 1000,
        11: 5000,
        12: 9000,
        1: 10000,
        2: 8000,
        3: 5000,
        4: 2000,
    }
    body = {
        "year": 2022,
        "source": "bill",
        "months": {str(m): {"natural_gas_m3": g, "electricity_kwh": 20000} for m, g in gas.items()},
    }
    made = api.post(f"/api/v1/buildings/{building.id}/metered", token, json=body, lang="en")
    assert made.status_code == 201, made.get_json()
    [year] = made.get_json()
    heat = next(i for i in year["indicators"] if i["basis"] == "heating")
    assert heat["value"] == pytest.approx(32_000 * 1.2143 / 5_000)
    assert year["split_method"] == "gas_excess" and year["source"] == "bill"

    bad = api.post(
        f"/api/v1/buildings/{building.id}/metered", token, json={"year": 1900, "electricity_kwh": 1}
    )
    assert bad.status_code == 422 and "year" in bad.get_json()["errors"]

    sheet = f"登记编号,年份,用电量(kWh)\n{building.id},2023,240000\n".encode()
    imported = api.post(
        "/api/v1/metered/imports?dry_run=1",
        token,
        data={"file": (io.BytesIO(sheet), "m.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200 and imported.get_json()["counts"]["accepted"] == 1

    listed = api.get("/api/v1/quota-list?year=2022", token).get_json()
    [entry] = listed["entries"]
    assert entry["building_id"] == building.id
    assert {i["basis"] for i in entry["indicators"]} == {
        "non_heating",
        "heating",
        "conventional_electricity",
    }
    assert api.get("/api/v1/quota-list?year=abc", token).status_code == 422
