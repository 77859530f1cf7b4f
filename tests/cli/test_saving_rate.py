"""Issue 21 end to end on real EnergyPlus: the ultra-low office uploaded with
`registry check --saving-rate --wait --json` runs the design and its generated reference
building (two engine runs, one check) and returns `saving_rate`; the same upload again is
answered from the cache with the same rates; the page and the PDF list the changes, the
rates and that the parameters are unverified."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlmodel import Session

from registry.domain.saving.data import seed_values
from registry.domain.saving.rates import level_met
from registry.services.saving import seed as saving_seed
from tests.cli.conftest import model_file
from tests.cli.test_check_verdict import PASSWORD, a_worker, add_building, admin, pdf_text  # noqa: F401
from tests.conftest import MODELS_DIR

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]


def test_saving_rate_check_end_to_end(cli, app, admin, client, tmp_path):  # noqa: F811
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    office = model_file(
        tmp_path, (MODELS_DIR / "office_ultra_low.idf").read_bytes(), "ultra_low.idf"
    )
    building = add_building(cli, "1296", name="青岛超低能耗办公楼")
    args = ("check", office, "--building", building, "--saving-rate", "--wait", "--timeout",
            "600", "--json", "--lang", "en")  # fmt: skip
    with a_worker(app):
        result = cli(*args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "done", payload["error"]
    rates = payload["saving_rate"]
    for key in ("design_kwh", "reference_kwh", "itself_pct", "comprehensive_pct",
                "renewable_pct", "level_met", "changes"):  # fmt: skip
        assert key in rates
    assert 0 < rates["design_kwh"] < rates["reference_kwh"]
    assert rates["itself_pct"] == pytest.approx(
        100 * (rates["reference_kwh"] - rates["design_kwh"]) / rates["reference_kwh"]
    )
    # The roof PV moves the comprehensive rate, not the building-itself one.
    assert rates["renewable_kwh"] > 0
    assert rates["comprehensive_pct"] == pytest.approx(
        rates["itself_pct"] + 100 * rates["renewable_kwh"] / rates["reference_kwh"]
    )
    params = {key: {"value": value} for key, value in seed_values().items()}
    covered = rates["renewable_kwh"] >= rates["design_kwh"]
    assert rates["level_met"] == level_met(
        rates["itself_pct"], rates["comprehensive_pct"], rates["renewable_pct"], covered, params
    )
    assert rates["level_met"] in ("ultra_low", "nearly_zero")  # the office is built to be one
    walls = [c for c in rates["changes"] if c["name"] == "Reference wall (Exterior Wall)"]
    assert walls and walls[0]["reference"] == "0.5" and float(walls[0]["design"]) < 0.25
    assert rates["parameters_unverified"] is True and rates["unverified_note"]
    assert rates["reference_unmet_hours"]["occupied_heating"] is not None

    again = json.loads(cli(*args).stdout)  # the same pair of models: from the cache
    assert again["cached"] is True
    assert again["saving_rate"]["itself_pct"] == rates["itself_pct"]
    assert again["saving_rate"]["changes"] == rates["changes"]

    response = client.post("/login", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/checks/{payload['id']}?lang=en").get_data(as_text=True)
    assert 'id="saving-rate"' in page
    assert "Reference wall (Exterior Wall)" in page
    assert f"{rates['itself_pct']:.1f}" in page
    if shutil.which("pdftotext"):
        pdf = client.get(f"/checks/{payload['id']}/report.pdf?lang=en")
        assert pdf.status_code == 200
        text = pdf_text(pdf.data, tmp_path)
        assert "Reference wall (Exterior Wall)" in text
        assert f"{rates['comprehensive_pct']:.1f}" in text
