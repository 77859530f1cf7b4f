"""`registry metered import FILE [--dry-run] --json` and `registry metered list --year Y`."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from registry.services.quotas import seed as quota_seed
from tests.conftest import building_data


@pytest.fixture
def office(app, cli, make_user, make_building):
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        quota_seed.seed(session)
        admin = make_user(session, role="admin", username="boss")
        building = make_building(
            session,
            admin,
            **{
                **building_data(),
                "building_type": "office_commercial",
                "sub_type": "",
                "hvac_class": "A",
                "heating_type": "district",
                "floor_area_m2": "20000",
            },
        )
    return building


def test_import_dry_run_then_list(tmp_path, cli, office):
    path = tmp_path / "meters.csv"
    path.write_text(
        "Registry ID,Year,Electricity (kWh),Natural gas (m3),District heat (GJ),"
        "Operating hours (h),Occupants\n"
        f"{office.id},2023,1340000,,3000,3000,1600\n"
        "nope,2023,1,,,,\n",
        encoding="utf-8",
    )
    dry = cli("metered", "import", path, "--dry-run", "--json", "--as", "boss", "--lang", "en")
    report = json.loads(dry.output)
    assert dry.exit_code == 0 and report["dry_run"] is True
    assert report["counts"]["accepted"] == 1 and report["counts"]["rejected"] == 1
    assert report["rows"][0]["row"] == 3
    listed = json.loads(cli("metered", "list", "--year", 2023, "--json").output)
    assert listed["entries"] == []

    done = json.loads(cli("metered", "import", path, "--json", "--as", "boss").output)
    assert done["batch_id"] and done["counts"]["years"] == 1
    listed = json.loads(cli("metered", "list", "--year", 2023, "--json", "--lang", "en").output)
    [entry] = listed["entries"]
    assert entry["building_id"] == office.id
    non = next(i for i in entry["indicators"] if i["basis"] == "non_heating")
    # 67 kWh/m² × γ1 0.8833 × γ2 1.075 = 63.62, within the 65 constraint (GB/T 51161 A office)
    assert non["unit"] == "kWh/(m2·a)" and non["band"] == "le_constraint"
    assert non["value"] == pytest.approx(67 * (0.3 + 0.7 * 2500 / 3000) * 1.075)
    assert non["correction"]["gamma2"] == pytest.approx(1.075)
    none = json.loads(
        cli("metered", "list", "--year", 2023, "--district", "370203", "--json").output
    )
    assert none["count"] == 0
