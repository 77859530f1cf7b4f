"""Issue 21's alternative: the designer's own reference model, `registry check MODEL
--saving-rate --reference REF.idf`. An inconsistent pair is refused on the worker before any
engine run, each difference listed (CLI --json, the check page); a consistent pair (the
generated reference written out) runs both models on real EnergyPlus, cached on the pair of
hashes, with `reference_source: "designer"` and no changes."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from sqlmodel import Session

from registry.domain.saving.data import seed_parameters
from registry.domain.saving.reference import reference_building
from registry.models import Check
from registry.services.saving import designer
from registry.services.saving import seed as saving_seed
from tests.cli.conftest import model_file
from tests.cli.test_check_verdict import (  # noqa: F401
    PASSWORD,
    a_worker,
    add_building,
    admin,
    pdf_text,
)
from tests.conftest import MODELS_DIR


def _pair(tmp_path, model: str = "office_ultra_low.idf"):
    text = (MODELS_DIR / model).read_text(encoding="utf-8")
    reference = reference_building(text, seed_parameters()).text
    return model_file(tmp_path, text.encode(), "design.idf"), reference


def _weakened_wall(reference: str) -> str:
    """The reference with its wall insulation thinner: a U above the standard's."""
    pattern = (
        r"(Reference insulation wall \(Exterior Wall\),[^\n]*\n\s*MediumRough,[^\n]*\n\s*)"
        r"([0-9.]+)"
    )
    edited, count = re.subn(pattern, r"\g<1>0.5", reference)
    assert count == 1, "the generated reference's wall insulation was not found"
    return edited


def test_an_inconsistent_pair_is_refused_before_any_run_with_each_difference(
    cli,
    app,
    admin,  # noqa: F811
    client,
    tmp_path,
):
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    design, reference = _pair(tmp_path, "office_small.idf")
    bad = model_file(tmp_path, _weakened_wall(reference).encode(), "reference.idf")
    building = add_building(cli, "1296")
    args = ("check", design, "--building", building, "--saving-rate", "--reference", bad,
            "--wait", "--timeout", "120", "--json", "--lang", "en")  # fmt: skip
    with a_worker(app):
        result = cli(*args)
    assert result.exit_code != 0
    payload = json.loads(result.stdout)
    assert payload["status"] == "failed"
    assert payload["error"]["code"] == "saving.reference_inconsistent"
    assert "neither model was run" in payload["error"]["message"]
    (difference,) = payload["error"]["differences"]
    assert (difference["object"], difference["name"], difference["field"]) == (
        "Construction",
        "Reference wall (Exterior Wall)",
        "U-value",
    )
    assert difference["tolerance"] == "0.5 W/(m²·K) ±2%"
    assert "U-value" in difference["message"] and difference["reference"] in difference["message"]
    assert payload["result"] is None and payload["energyplus_messages"] is None  # no run

    with Session(app.extensions["registry.engine"]) as session:
        row = session.get(Check, payload["id"])
        (chinese,) = designer.differences(row.error_code, row.error_params, "zh_Hans_CN")
    assert (chinese["object"], chinese["field"]) == ("构造", "传热系数")  # the reader's language
    assert "Reference wall (Exterior Wall)" in chinese["message"]

    # The check page lists the differences.
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 302
    page = client.get(f"/checks/{payload['id']}?lang=en").get_data(as_text=True)
    assert 'id="reference-differences"' in page and "Reference wall (Exterior Wall)" in page


def test_a_reference_the_engine_could_not_run_is_refused_as_the_reference(
    cli,
    app,
    admin,  # noqa: F811
    tmp_path,
):
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    design, reference = _pair(tmp_path, "office_small.idf")
    no_period = re.sub(r"\n\s*RunPeriod,[^;]*;", "\n", reference)
    assert no_period != reference
    bad = model_file(tmp_path, no_period.encode(), "reference.idf")
    building = add_building(cli, "1296")
    with a_worker(app):
        result = cli("check", design, "--building", building, "--saving-rate", "--reference",
                     bad, "--wait", "--timeout", "120", "--json", "--lang", "en")  # fmt: skip
    payload = json.loads(result.stdout)
    assert result.exit_code != 0 and payload["error"]["code"] == "saving.reference_rejected"
    assert payload["error"]["message"].startswith("The reference model cannot be checked: ")
    assert "RunPeriod" in payload["error"]["message"]  # the reason, rendered, not a code


@pytest.mark.energyplus
@pytest.mark.slow
def test_a_consistent_pair_runs_both_models(cli, app, admin, client, tmp_path):  # noqa: F811
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    design, reference = _pair(tmp_path)
    ours = model_file(tmp_path, reference.encode(), "reference.idf")
    building = add_building(cli, "1296", name="青岛超低能耗办公楼")
    args = ("check", design, "--building", building, "--saving-rate", "--reference", ours,
            "--wait", "--timeout", "600", "--json", "--lang", "en")  # fmt: skip
    with a_worker(app):
        result = cli(*args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "done", payload["error"]
    rates = payload["saving_rate"]
    for key in ("design_kwh", "reference_kwh", "itself_pct", "comprehensive_pct",
                "renewable_pct", "level_met", "changes"):  # fmt: skip
        assert key in rates
    assert rates["reference_source"] == "designer" and rates["changes"] == []
    assert rates["consistency"]["zones"] == 10
    assert rates["consistency"]["tolerances"]["orientation_deg"] == 5.0
    assert 0 < rates["design_kwh"] < rates["reference_kwh"]
    assert rates["itself_pct"] == pytest.approx(
        100 * (rates["reference_kwh"] - rates["design_kwh"]) / rates["reference_kwh"]
    )
    assert rates["level_met"] in ("ultra_low", "nearly_zero")
    assert rates["reference_valid"] is True  # the usual validity rules on the reference run
    assert rates["end_uses"]["wwr"]["south"]["reference"] == pytest.approx(0.38)

    again = json.loads(cli(*args).stdout)  # the same pair of models: from the cache
    assert again["cached"] is True
    assert again["saving_rate"]["reference_kwh"] == rates["reference_kwh"]

    # The page says whose reference it is and lists no changes the registry did not make.
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 302
    page = client.get(f"/checks/{payload['id']}?lang=en").get_data(as_text=True)
    assert 'id="saving-designer-reference"' in page and 'id="saving-changes"' not in page
    assert "Compared with the design: 10 zones, 18 groups of exterior surfaces" in page
    if shutil.which("pdftotext"):
        pdf = client.get(f"/checks/{payload['id']}/report.pdf?lang=en")
        assert pdf.status_code == 200
        assert "the designer's own model" in pdf_text(pdf.data, tmp_path)
