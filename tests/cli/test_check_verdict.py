"""Issue 17's "done when", end to end on real EnergyPlus: the registry's small office on the
official weather gets an official verdict; on a building registered 20 % larger, on an
uploaded EPW, or undersized (over 300 unmet hours) it gets its figures and "不予正式判定"
with the reason, in the plain CLI, the JSON, the check page and the PDF.

Buildings are registered with `registry building add` (every field a quota depends on);
checks are uploaded with `registry check --wait`. No Celery worker runs here: a thread plays
the worker, running each queued check through `execute_check` as the real one would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import uuid
from contextlib import contextmanager

import pytest
from sqlmodel import Session, select

from registry.domain.checks import energyplus
from registry.models import Check
from registry.services.checks import weather_seed
from registry.services.checks.runner import execute_check
from registry.services.quotas import seed as quota_seed
from tests.cli.conftest import model_file
from tests.conftest import MODELS_DIR

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]

PASSWORD = "correct-horse-battery"  # the make_user fixture's
SAN_FRANCISCO = "USA_CA_San.Francisco.Intl.AP.724940_TMY3.epw"


@contextmanager
def a_worker(app):
    """Run every queued check through the real pipeline until told to stop."""
    engine = app.extensions["registry.engine"]
    config = app.extensions["registry.config"]
    stop = threading.Event()

    def work():
        while not stop.wait(0.05):
            with Session(engine) as session:
                queued = session.exec(select(Check.id).where(Check.status == "queued")).all()
            for check_id in queued:
                execute_check(engine=engine, config=config, check_id=check_id, worker="thread:1")

    thread = threading.Thread(target=work)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(done.stdout.split())


@pytest.fixture
def admin(app, make_user):
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        weather_seed.seed(session)
        quota_seed.seed(session)
        return make_user(session, role="admin", username="root")


def add_building(cli, area: str, heating: str = "district", name: str = "青岛小型办公楼") -> int:
    result = cli(
        "building",
        "add",
        "--name",
        name,
        "--district",
        "市南区",
        "--type",
        "office_government",
        "--sub-type",
        "city",
        "--area",
        area,
        "--hvac-class",
        "A",
        "--heating-type",
        heating,
        "--heated-area",
        area,
        "--use-hours",
        "2500",
        "--persons",
        "130",
        "--as",
        "root",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["hvac_class"], payload["heating_type"]) == ("A", heating)
    assert payload["heated_area_m2"] == float(area)
    assert payload["annual_use_hours"] == 2500
    assert payload["area_per_person_m2"] == pytest.approx(float(area) / 130, abs=0.01)
    return payload["id"]


def test_done_when(cli, app, admin, client, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext)")
    office = model_file(tmp_path, (MODELS_DIR / "office_small.idf").read_bytes(), "office.idf")
    registered = add_building(cli, "1296")
    larger = add_building(cli, "1555.2")  # 20 % larger than the model

    with a_worker(app):
        official = cli("check", office, "--building", registered, "--wait", "--timeout", "300")
    assert official.exit_code == 0, official.output
    lines = official.stdout.splitlines()
    assert lines[0].endswith("完成")
    assert (
        lines[2].startswith("正式判定：单位建筑面积非供暖能耗 ")
        and "（DB37/T 2672-2019 表1）" in lines[2]
    )
    assert "气象数据：青岛（登记系统指定的青岛气象年）" in lines
    assert "EnergyPlus 提示：警告 1 个，严重错误 0 个，致命错误 0 个。" in lines
    assert "结果来自本次新的计算（未复用已有结果）。" in lines

    # The same model on a building registered 20 % larger: answered from the cache.
    withheld = cli("check", office, "--building", larger, "--wait", "--timeout", "300")
    assert withheld.exit_code == 0, withheld.output
    text = withheld.stdout
    assert "不予正式判定（以下数值仅供参考）：" in text
    reason = "模型建筑面积 1,296 m² 与登记面积 1,555 m² 相差 17 %，超过 ±5 %。"
    assert f"  - {reason}" in text
    assert "结果复用了此前一次完全相同的计算" in text
    assert "正式判定：" not in text.replace("不予正式判定", "")
    as_json = cli(
        "check", office, "--building", larger, "--wait", "--timeout", "300", "--json",
        "--lang", "en",
    )  # fmt: skip
    payload = json.loads(as_json.stdout)
    assert payload["cached"] is True and payload["verdict"]["official"] is False
    assert payload["verdict"]["withheld"] == [
        {
            "code": "validity.floor_area.outside",
            "rule": "floor_area",
            "message": "The model's floor area, 1,296 m², differs from the registered "
            "1,555 m² by 17 %, more than ±5 %.",
            "value": pytest.approx(-16.67, abs=0.01),
            "limit": 5.0,
            "unit": "%",
        }
    ]
    assert payload["result"]["model_conditioned_area_m2"] == pytest.approx(1296.0)
    assert payload["result"]["unmet_hours"]["occupied_heating"] == pytest.approx(61.5, abs=5)
    assert payload["verdict"]["band"] is None

    # An uploaded weather file: figures, and no official verdict.
    epw = model_file(
        tmp_path, (energyplus.weather_data_dir() / SAN_FRANCISCO).read_bytes(), SAN_FRANCISCO
    )
    with a_worker(app):
        foreign = cli(
            "check", office, "--building", registered, "--epw", epw, "--wait",
            "--timeout", "300", "--lang", "en",
        )  # fmt: skip
    assert foreign.exit_code == 0, foreign.output
    assert "No official verdict (the figures are for reference only):" in foreign.stdout
    assert "not the registry's official Qingdao year (Qingdao)" in foreign.stdout
    assert re.search(
        r"Weather: [^\n]+ \(not the registry's official Qingdao year\)", foreign.stdout
    )

    # Over 300 unmet hours: the office box with its heating cut, on a gas-heated building.
    box = model_file(tmp_path, (MODELS_DIR / "office_box_undersized.idf").read_bytes(), "box.idf")
    small = add_building(cli, "100", heating="gas_oil", name="小办公室")
    with a_worker(app):
        undersized = cli("check", box, "--building", small, "--wait", "--timeout", "300")
    assert "  - 使用时段内供暖与供冷设定温度未满足共 552 h" in undersized.stdout

    ids: dict[int, int] = {}  # each building's first finished check
    with Session(app.extensions["registry.engine"]) as session:
        for check in session.exec(select(Check).where(Check.status == "done").order_by(Check.id)):
            ids.setdefault(check.building_id, check.id)
    response = client.post("/login", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    # The page: the official check leads with 正式判定, the others with the reasons.
    page = client.get(f"/checks/{ids[registered]}").get_data(as_text=True)
    assert 'id="verdict-official"' in page and 'class="badge badge-' in page
    for building, expected in (
        (larger, reason),
        (small, "使用时段内供暖与供冷设定温度未满足共 552 h"),
    ):
        page = client.get(f"/checks/{ids[building]}").get_data(as_text=True)
        assert 'id="verdict-withheld"' in page and "不予正式判定" in page
        assert expected in page
        assert 'class="badge badge-le' not in page and 'class="badge badge-gt' not in page
    # The building's headline is its latest official verdict, not the newer foreign-weather one.
    detail = client.get(f"/buildings/{registered}").get_data(as_text=True)
    assert 'id="latest-verdict"' in detail and 'id="latest-withheld"' in detail
    # The PDF: a banner, both model areas, the unmet hours, the weather and its status.
    pdf = pdf_text(client.get(f"/checks/{ids[larger]}/report.pdf").data, tmp_path)
    assert "不予正式判定" in pdf and reason in pdf
    assert (
        "模型空调面积 1,296.0 m²" in pdf
        and "模型建筑面积（总面积，与登记面积核对） 1,296.0 m²" in pdf
    )
    assert "设定温度未满足时数" in pdf and "登记系统指定的青岛气象年" in pdf
    english = pdf_text(client.get(f"/checks/{ids[registered]}/report.pdf?lang=en").data, tmp_path)
    assert "Official verdict: every validity rule holds" in english
