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


def test_an_async_meter_import_is_a_job_then_a_report(api_both, make_building):
    """async=1 (and any file over 1 MB) answers 202 with the job; the worker's run (the same
    `run_import` the task calls) gives the report at its URL; cancel after the end does
    nothing; the same file again is answered with the first import."""
    from pathlib import Path

    from registry.services.imports.jobs import run_import

    token = api_both.token(role="officer", districts=("370202",))
    with api_both.session() as session:
        building = make_building(session, api_both.user_of(token))
    sheet = f"登记编号,年份,用电量(kWh)\n{building.id},2023,240000\n99999,2023,1\n".encode()

    def post(query: str):
        return api_both.call(
            "POST",
            "/api/v1/metered/imports" + query,
            token,
            data={"file": (io.BytesIO(sheet), "m.csv")},
            content_type="multipart/form-data",
        )

    def run(job: dict) -> str:
        return run_import(
            engine=api_both.app.extensions["registry.engine"],
            folder=Path(api_both.app.config["UPLOAD_DIR"]) / "imports",
            job_id=job["id"],
            worker="test",
        )

    queued = post("?async=1")
    assert queued.status_code == 202
    job = queued.get_json()
    assert (job["state"], job["kind"], job["report"]) == ("queued", "meter_commit", None)
    assert queued.headers["Location"] == job["status_url"]
    assert run(job) == "done"
    done = api_both.call("GET", job["status_url"], token, lang="en").get_json()
    assert done["state"] == "done" and done["fraction"] == 1.0 and done["batch_id"]
    report = done["report"]
    assert report["counts"]["years"] == 1 and report["counts"]["rejected"] == 1
    assert report["rows"][0]["row"] == 3 and report["rows"][0]["problems"][0]["message"]
    assert done["message"] == "Stored 1 building-years; 1 rows rejected."
    other = api_both.token(role="officer", districts=("370202",))
    assert api_both.call("GET", job["status_url"], other).status_code == 403
    # A building import's job URL does not show a meter job.
    assert api_both.call("GET", f"/api/v1/imports/jobs/{job['id']}", token).status_code == 404
    assert api_both.call("POST", job["status_url"] + "/cancel", token).get_json()["state"] == "done"

    again = post("?async=1").get_json()
    assert run(again) == "done"
    repeated = api_both.call("GET", again["status_url"], token, lang="en").get_json()
    assert repeated["repeated"] and repeated["batch_id"] == done["batch_id"]
    assert "imported before" in repeated["message"]
    dry = post("?async=1&dry_run=1").get_json()
    assert dry["kind"] == "meter_preview" and run(dry) == "done"
    report = api_both.call("GET", dry["status_url"], token).get_json()["report"]
    assert report["dry_run"] is True and report["counts"]["accepted"] == 1


def test_import_switches_are_0_or_1_and_a_file_the_reader_refuses_is_not_queued(api):
    """`async` and `dry_run` are documented as 0 or 1: "true" is refused with the field's
    message, not read as either; an async upload the reader would refuse at once (a PNG
    named .png) is answered 422 at once, not queued to fail on the worker."""
    from sqlmodel import func, select

    from registry.models import ImportJob

    token = api.token(role="officer", districts=("370202",))
    for path in ("/api/v1/metered/imports", "/api/v1/imports"):
        answer = api.call(
            "POST",
            path + "?async=true",
            token,
            lang="en",
            data={"file": (io.BytesIO(b"a,b\n1,2\n"), "m.csv")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422, path
        assert "“true” is not a whole number." in str(answer.get_json()), path
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    answer = api.call(
        "POST",
        "/api/v1/metered/imports?async=1",
        token,
        lang="en",
        data={"file": (io.BytesIO(png), "file.png")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    with api.session() as session:
        assert session.exec(select(func.count()).select_from(ImportJob)).one() == 0
