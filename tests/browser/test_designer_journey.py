"""A designer's check in a real browser, on a real server, with a real worker and EnergyPlus.

The designer logs in, registers a city government office (a type the quotas cover),
uploads `energyplus_models/office_small.idf`, watches the progress page refresh itself until
the run is done, reads the EUI and the verdict, and downloads the check report.

The server (a thread here) and the Celery worker (a subprocess) share one SQLite database,
one SQLite broker file and one instance folder, as a deployment on one machine would.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.domain.buildings.credit_code import make_credit_code
from registry.models import Check, CheckResult
from registry.services.checks import weather_seed
from registry.services.quotas import seed as quota_seed
from registry.services.users import create_user
from tests.browser.conftest import served_with_worker
from tests.conftest import poppler

pytestmark = [pytest.mark.requires_chromium, pytest.mark.energyplus, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# The project's small office (2 storeys, 1,296 m²), as a designer would upload it.
MODEL = ROOT / "energyplus_models" / "office_small.idf"
PASSWORD = "designer-password-1"


@pytest.fixture
def stack(tmp_path):
    """Database, broker and instance folder in tmp; the app served from a thread; a worker."""

    def seed(session):
        weather_seed.seed(session)
        quota_seed.seed(session)
        create_user(
            session=session,
            actor=None,
            username="qd-designer",
            password=PASSWORD,
            role="designer",
            districts=[],
            display_name="青岛设计院 张工",
        )

    with served_with_worker(tmp_path, seed) as stack:
        yield stack


def test_designer_uploads_a_model_and_reads_the_verdict_and_report(stack, page, tmp_path, shot):
    from playwright.sync_api import expect

    page.goto(f"{stack.url}/login")
    page.fill("#username", "qd-designer")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("建筑")

    page.get_by_role("link", name="登记建筑").click()
    page.fill("#name", "市南区政务服务中心")
    page.fill("#address", "青岛市市南区宁夏路 288 号")
    page.select_option("#district_code", "370202")
    page.select_option("#building_type", "office_government")
    page.select_option("#sub_type", "city")
    page.select_option("#hvac_class", "A")
    page.select_option("#heating_type", "district")
    page.fill("#floor_area_m2", "1296")
    page.fill("#storeys", "1")
    page.fill("#completion_year", "2024")
    page.fill("#owner_name", "青岛市机关事务服务中心")
    page.fill("#owner_credit_code", make_credit_code("12370200MB2D3456X"))
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".flash-success")).to_have_text("建筑已登记。")
    expect(page.locator("h1")).to_have_text("市南区政务服务中心")

    page.get_by_role("link", name="上传模型").click()
    expect(page.locator("h1")).to_have_text("上传 EnergyPlus 模型")
    expect(page.locator("#weather option:checked")).to_contain_text("合成")
    page.set_input_files("#idf", str(MODEL))
    shot(page, "upload")
    page.get_by_role("button", name="上传并校核").click()

    expect(page).to_have_url(re.compile(r"/checks/\d+$"))
    check_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1")).to_have_text(f"能耗校核 #{check_id}")
    badge = page.locator("#check-status .badge")
    shot(page, "progress")
    first_state = badge.inner_text()
    assert first_state in {"排队中", "校验模型", "计算中", "读取结果", "完成"}
    if first_state != "完成":
        # The page refreshes itself every 3 s while the check is waiting or running.
        assert page.locator('meta[http-equiv="refresh"]').count() == 1
    try:
        expect(badge).to_have_text("完成", timeout=240_000)
    except AssertionError:
        print(stack.log.read_text(errors="replace")[-4000:])
        raise
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)

    with Session(stack.engine) as session:
        check = session.exec(select(Check).where(Check.id == check_id)).one()
        result = session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).one()
    assert check.status == "done" and check.attempts == 1
    eui = f"{result.eui_kwh_per_m2:.1f}"
    expect(page.locator("#check-result")).to_contain_text(f"{eui} kWh/(m²·a)")
    expect(page.locator("dl.trace")).to_contain_text(result.idf_sha256)
    expect(page.locator("dl.trace")).to_contain_text("EnergyPlus 25.2")

    verdict = page.locator("#verdict")
    expect(verdict).to_be_visible()
    expect(page.locator("#verdict-band .badge")).to_have_text(re.compile(r"[≤>] .+值"))
    expect(page.locator("#verdict-indicators")).to_contain_text("DB37/T 2672")
    expect(page.locator("#verdict-notes")).to_contain_text("模拟")
    shot(page, "verdict")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载校核报告（PDF）").click()
    download = download_info.value
    assert download.suggested_filename == f"check-{check_id}-zh.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        [poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "建筑能耗模拟校核报告" in text and eui in text
