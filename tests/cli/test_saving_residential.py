"""Issue 21, residential: `registry check --saving-rate --wait --json` on a residential
building runs the design only (no reference building) and judges GB/T 51350-2019 Table 5.0.2
from the model's ideal loads and the weather file; the JSON, the page and the PDF show the
demands, the limits with their sources, WDH20/DDH28, the shape coefficient and the level, in
English and Chinese, and the cache answers the same upload again with the same numbers."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlmodel import Session, select

from registry.domain.saving.data import seed_parameters
from registry.domain.saving.residential import DegreeHours, cooling_limit_kwh_m2, judge
from registry.models import CheckSavingRate
from registry.services.saving import seed as saving_seed
from tests.cli.conftest import model_file
from tests.cli.test_check_verdict import PASSWORD, a_worker, admin, pdf_text  # noqa: F401
from tests.conftest import MODELS_DIR

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]


def _residential_building(cli) -> int:
    added = cli("building", "add", "--name", "青岛超低能耗住宅", "--district", "市南区",
                "--type", "residential", "--area", "576", "--as", "root", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    return json.loads(added.stdout)["id"]


def test_residential_check_judges_demands(cli, app, admin, client, tmp_path):  # noqa: F811
    engine = app.extensions["registry.engine"]
    with Session(engine) as session:
        saving_seed.seed(session)
    model = model_file(
        tmp_path, (MODELS_DIR / "residential_ultra_low.idf").read_bytes(), "home.idf"
    )
    building = _residential_building(cli)
    args = ("check", model, "--building", building, "--saving-rate", "--n50", "0.6", "--wait",
            "--timeout", "600", "--json", "--lang", "en")  # fmt: skip
    with a_worker(app):
        result = cli(*args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "done", payload["error"]
    saving = payload["saving_rate"]
    found = saving["residential"]
    # No reference building: none of the public rates, no reference run stored.
    assert "itself_pct" not in saving and "reference_kwh" not in saving
    with Session(engine) as session:
        assert session.exec(select(CheckSavingRate)).first() is None

    # 576 m² conditioned; walls 2 × (24 + 12) × 6 m = 432 m² plus a 288 m² roof over 1,728 m³.
    assert found["conditioned_area_m2"] == pytest.approx(576.0)
    assert found["shape_coefficient"] == pytest.approx(720 / 1728, rel=1e-3)
    assert found["heating_demand_kwh_m2"] == pytest.approx(found["heating_kwh"] / 576)
    assert found["cooling_demand_kwh_m2"] == pytest.approx(found["cooling_kwh"] / 576)
    # A well-insulated, tight block with enthalpy recovery: a few kWh/(m²·a) each way.
    assert 0.5 < found["heating_demand_kwh_m2"] < 15
    assert 0.5 < found["cooling_demand_kwh_m2"] < 15
    # The synthetic Qingdao year: a warm, humid July and August.
    assert 0 < found["ddh28_kkh"] < found["wdh20_kkh"] < 20
    params = seed_parameters()
    climate = DegreeHours(wdh20_kkh=found["wdh20_kkh"], ddh28_kkh=found["ddh28_kkh"], hours=8760)
    for level in ("ultra_low", "nearly_zero"):
        assert found["cooling_limit_kwh_m2"][level] == pytest.approx(
            cooling_limit_kwh_m2(level, climate, params)
        )
    assert found["heating_limit_kwh_m2"] == {"ultra_low": 20.0, "nearly_zero": 15.0}
    assert found["n50"] == 0.6 and found["n50_max"] == 0.6 and found["n50_met"] is True
    # No PV on the block: the renewable share (nearly zero asks 10 %) is 0.
    assert found["renewable_pct"] == 0.0
    expected = judge(
        heating_kwh=found["heating_kwh"],
        cooling_kwh=found["cooling_kwh"],
        conditioned_area_m2=576.0,
        climate=climate,
        n50=0.6,
        renewable_pct=0.0,
        params=params,
    )
    assert found["level_met"] == saving["level_met"] == expected.level_met == "ultra_low"
    assert found["not_judged"] == ["composite_energy"]
    assert "composite energy value" in found["not_judged_note"]
    assert "undeclared" in found["rule"] and "WDH20" in found["method"]
    assert saving["parameters_unverified"] is True and "recalled" in saving["unverified_note"]
    assert "unverified" in found["sources"]["heating"].lower()
    assert "kWh/(m²·a)" in saving["summary"] and "ultra-low energy" in saving["summary"]

    again = json.loads(cli(*args).stdout)  # the same model, weather and parameters: cached
    assert again["cached"] is True
    assert again["saving_rate"]["residential"]["cooling_kwh"] == found["cooling_kwh"]

    response = client.post("/login", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    heating = f"{found['heating_demand_kwh_m2']:.1f}"
    cooling = f"{found['cooling_demand_kwh_m2']:.1f}"
    for lang, words in (
        ("en", ("Heating demand", "Cooling demand", "ultra-low energy", "not judged")),
        ("zh_Hans_CN", ("供暖年耗热量", "供冷年耗冷量", "超低能耗", "未判定")),
    ):
        page = client.get(f"/checks/{payload['id']}?lang={lang}").get_data(as_text=True)
        assert 'id="residential-indicators"' in page
        for text in (*words, heating, cooling, f"{found['shape_coefficient']:.3f}"):
            assert text in page, (lang, text)
        if shutil.which("pdftotext"):
            pdf = client.get(f"/checks/{payload['id']}/report.pdf?lang={lang}")
            assert pdf.status_code == 200
            text = pdf_text(pdf.data, tmp_path)
            for word in (*words, heating, cooling, "WDH20", "GB/T 51350-2019"):
                assert word in text, (lang, word)


def _without_ideal_loads(text: str) -> str:
    """office_box.idf with its ZoneHVAC:IdealLoadsAirSystem object commented out."""
    lines, out, inside = text.splitlines(), [], False
    for line in lines:
        if line.startswith("ZoneHVAC:IdealLoadsAirSystem,"):
            inside = True
        out.append(f"! {line}" if inside else line)
        if inside and ";" in line.split("!", 1)[0]:
            inside = False
    return "\n".join(out) + "\n"


def test_residential_check_refuses_a_model_without_ideal_loads(cli, app, admin, tmp_path):  # noqa: F811
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    text = _without_ideal_loads((MODELS_DIR / "office_box.idf").read_text(encoding="utf-8"))
    assert "\nZoneHVAC:IdealLoadsAirSystem," not in text
    model = model_file(tmp_path, text.encode(), "box.idf")
    building = _residential_building(cli)
    with a_worker(app):
        result = cli("check", model, "--building", building, "--saving-rate", "--wait",
                     "--timeout", "300", "--json", "--lang", "en")  # fmt: skip
    payload = json.loads(result.stdout)
    assert payload["status"] == "failed"
    assert payload["error"]["code"] == "saving.residential_needs_ideal_loads"
    assert "ZoneHVAC:IdealLoadsAirSystem" in payload["error"]["message"]


def test_residential_check_refuses_zones_without_ideal_loads(cli, app, admin, tmp_path):  # noqa: F811
    """Some conditioned zones on other equipment: refused before any engine run, the zones
    named (their floor area would dilute the demands per m²)."""
    with Session(app.extensions["registry.engine"]) as session:
        saving_seed.seed(session)
    text = (MODELS_DIR / "residential_ultra_low.idf").read_text(encoding="utf-8")
    for zone in ("F1 Core", "F2 Core"):
        head = f"ZoneHVAC:EquipmentList,\n    {zone} Equipment List,    !- Name\n"
        scheme = "    SequentialLoad,           !- Load Distribution Scheme\n"
        assert head + scheme + "    ZoneHVAC:IdealLoadsAirSystem," in text
        text = text.replace(
            head + scheme + "    ZoneHVAC:IdealLoadsAirSystem,",
            head + scheme + "    ZoneHVAC:Baseboard:Convective:Electric,",
        )
    model = model_file(tmp_path, text.encode(), "partial.idf")
    building = _residential_building(cli)
    with a_worker(app):
        result = cli("check", model, "--building", building, "--saving-rate", "--wait",
                     "--timeout", "300", "--json", "--lang", "en")  # fmt: skip
    payload = json.loads(result.stdout)
    assert payload["status"] == "failed" and payload.get("saving_rate") is None
    assert payload["error"]["code"] == "saving.residential_partial_ideal_loads"
    assert "served by other equipment: F1 Core, F2 Core." in payload["error"]["message"]
    from registry.i18n import render

    zh = render(payload["error"]["code"], {"zones": "F1 Core, F2 Core"}, "zh_Hans_CN")
    assert "以下空调热区由其他设备调节：F1 Core, F2 Core" in zh
