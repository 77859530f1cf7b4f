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
from registry.models import User
from registry.services import settings as settings_service
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
    args = ("check", office, "--building", building, "--saving-rate", "--n50", "0.6", "--wait",
            "--timeout",
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
    assert rates["airtightness"] == {"n50_declared": 0.6, "n50_max": 1.0, "met": True}
    assert rates["reference_unmet_hours"]["occupied_heating"] is not None
    assert rates["reference_energyplus_messages"]["severes"] == 0
    assert rates["reference_valid"] is True
    assert {item["rule"] for item in rates["reference_validity"]} == {
        "unmet_hours",
        "severe_errors",
    }

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


def _record(cli, building: int, level: str) -> int:
    added = cli("record", "add", building, "--kind", "energy", "--level", level, "--label",
                f"QD-SR-{building}-{level}", "--issued", "2026-11-01", "--as", "root",
                "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    record_id = json.loads(added.stdout)["id"]
    submitted = cli("record", "submit", record_id, "--as", "root")
    assert submitted.exit_code == 0, submitted.output
    return record_id


def test_an_energy_record_cites_the_check_and_the_officer_sees_it(
    cli,
    app,
    admin,  # noqa: F811
    make_user,
    client,
    tmp_path,
):
    """Uses the previous test's cached run when it ran first (same model and parameters)."""
    engine = app.extensions["registry.engine"]
    with Session(engine) as session:
        saving_seed.seed(session)
        make_user(session, role="officer", username="reviewer")
    office = model_file(
        tmp_path, (MODELS_DIR / "office_ultra_low.idf").read_bytes(), "ultra_low.idf"
    )
    building = add_building(cli, "1296", name="青岛超低能耗办公楼")
    with a_worker(app):
        done = cli("check", office, "--building", building, "--saving-rate", "--wait",
                   "--timeout", "600", "--json")  # fmt: skip
    payload = json.loads(done.stdout)
    check_id, level = payload["id"], payload["saving_rate"]["level_met"]
    assert level in ("ultra_low", "nearly_zero")

    backed = _record(cli, building, "ultra_low")
    beyond = _record(cli, building, "zero")  # more than the check shows
    cited = cli("record", "cite-check", backed, check_id, "--as", "root", "--json",
                "--lang", "en")  # fmt: skip
    assert cited.exit_code == 0, cited.output
    evidence = json.loads(cited.stdout)["saving_evidence"]
    assert evidence["meets"] is True and evidence["check_id"] == check_id
    short = json.loads(cli("record", "cite-check", beyond, check_id, "--as", "root", "--json",
                           "--lang", "en").stdout)["saving_evidence"]  # fmt: skip
    assert short["meets"] is False and "not Zero energy" in short["text"]
    # A plain check (no reference building) is no evidence.
    wrong = cli("record", "cite-check", backed, check_id + 999, "--as", "root", "--lang", "en")
    assert wrong.exit_code != 0 and "not a finished saving-rate check" in wrong.output

    # The designer's way in the browser: the check page offers the building's energy records.
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 302
    page = client.get(f"/checks/{check_id}?lang=en").get_data(as_text=True)
    assert 'id="saving-cite"' in page and f'value="{backed}"' in page
    cited_web = client.post(f"/checks/{check_id}/cite", data={"record_id": backed})
    assert cited_web.status_code == 302 and f"/buildings/{building}" in cited_web.location
    client.post("/logout")

    # The officer reviewing the building sees both verdicts beside the records.
    response = client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/buildings/{building}?lang=en").get_data(as_text=True)
    assert f'id="saving-evidence-{backed}"' in page and f'id="saving-evidence-{beyond}"' in page
    assert evidence["text"] in page

    # With the setting on, the record whose evidence falls short cannot be approved.
    with Session(engine) as session:
        settings_service.set_value(
            session=session,
            actor=session.get(User, admin.id),
            key="saving_evidence_required",
            raw="on",
        )
    refused = cli("record", "approve", beyond, "--as", "reviewer", "--lang", "en")
    assert refused.exit_code != 0 and "does not meet the record's level" in refused.output
    approved = cli("record", "approve", backed, "--as", "reviewer")
    assert approved.exit_code == 0, approved.output
    # The tally's evidence figure counts published records: the approved one is under notice.
    backed_area = json.loads(cli("record", "saving-backed", "--json").stdout)
    assert backed_area["target"] == "ultra_low_energy"
    assert backed_area["counted_area_m2"] == backed_area["backed_area_m2"] == 0
