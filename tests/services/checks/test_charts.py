"""The check page's charts: monthly energy by fuel and the end-use breakdown, as inline SVG."""

from __future__ import annotations

import re

from sqlmodel import select

from registry import vocabulary
from registry.documents.charts import CJK_FONT
from registry.models import CheckResult
from registry.services.checks.charts import check_charts
from tests.services.checks.test_report import add_done_check, add_weather
from tests.web.conftest import PASSWORD

MONTHS_ZH = [vocabulary.month(number, "zh") for number in range(1, 13)]
MONTHS_EN = [vocabulary.month(number, "en") for number in range(1, 13)]

ELECTRICITY = {month: 6_000.0 + 500 * (month in (7, 8)) for month in range(1, 13)}
HEAT = {1: 10_000.0, 2: 5_500.0, 3: 2_100.0, 11: 500.0, 12: 5_800.0}
END_USES = [
    {"end_use": "Interior Equipment", "fuel": "Electricity", "energy_kwh": 55_696.0},
    {"end_use": "Interior Lighting", "fuel": "Electricity", "energy_kwh": 26_241.0},
    {"end_use": "Heating", "fuel": "District Heating Water", "energy_kwh": 24_780.0},
    {"end_use": "Cooling", "fuel": "Electricity", "energy_kwh": 17_603.0},
]


def stored(result: dict) -> dict:
    """What a JSON column gives back: month keys as strings."""
    return {fuel: {str(m): kwh for m, kwh in months.items()} for fuel, months in result.items()}


def result_of(**fields) -> dict:
    return {
        "monthly_by_fuel_kwh": stored({"Electricity": ELECTRICITY, "District Heating Water": HEAT}),
        "monthly_kwh": None,
        **fields,
    }


def test_both_charts_name_the_cjk_font_and_label_the_months_in_chinese():
    charts = check_charts(result_of(), END_USES, "zh")
    assert set(charts) == {"monthly", "end_uses"}
    for svg in charts.values():
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        assert f"font-family: '{CJK_FONT}'" in svg
    monthly = charts["monthly"]
    assert all(f">{label}<" in monthly for label in MONTHS_ZH)
    assert "逐月能耗（kWh）" in monthly
    assert ">电力<" in monthly and ">市政热水<" in monthly  # one legend entry per fuel
    end_uses = charts["end_uses"]
    for name in ("室内设备", "室内照明", "供暖", "供冷"):
        assert f">{name}<" in end_uses
    assert "> 55,696<" in end_uses  # the bar's value is printed beside it


def test_english_labels_and_stacked_bars():
    charts = check_charts(result_of(), END_USES, "en")
    monthly = charts["monthly"]
    assert all(f">{label}<" in monthly for label in MONTHS_EN)
    assert ">Electricity<" in monthly and ">District Heating Water<" in monthly
    # 12 electricity bars + 12 heat bars (zeros included), stacked: two bar colours.
    bars = re.findall(
        r'<g id="chart-check-monthly-patch_\d+">\s*<path d="[^"]*"[^>]*'
        r'style="fill: (#[0-9a-f]{6})',
        monthly,
    )
    assert len([b for b in bars if b in ("#2e7d32", "#ef6c00")]) >= 24
    assert ">Interior Equipment<" in charts["end_uses"]


def test_older_results_without_fuels_chart_the_monthly_totals():
    totals = {str(m): 1_000.0 * m for m in range(1, 13)}
    charts = check_charts({"monthly_by_fuel_kwh": None, "monthly_kwh": totals}, [], "zh")
    assert set(charts) == {"monthly"}
    assert ">合计<" in charts["monthly"] and ">12月<" in charts["monthly"]


def test_no_result_no_charts_and_ids_do_not_clash():
    assert check_charts(None, END_USES, "zh") == {}
    charts = check_charts(result_of(), END_USES, "zh")
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in charts.values()]
    assert not ids[0] & ids[1]
    assert check_charts(result_of(), END_USES, "zh") == charts  # deterministic


def test_the_check_page_shows_the_charts_from_stored_results(
    app, app_session, make_user, make_building
):
    designer = make_user(app_session, role="designer", districts=())
    building = make_building(app_session, designer, floor_area_m2="10000")
    check = add_done_check(app_session, building, designer, add_weather(app_session))
    result = app_session.exec(select(CheckResult).where(CheckResult.check_id == check.id)).one()
    result.monthly_by_fuel_kwh = {"Electricity": ELECTRICITY, "Natural Gas": HEAT}
    app_session.add(result)
    app_session.commit()

    client = app.test_client()
    client.post("/login", data={"username": designer.username, "password": PASSWORD})
    html = client.get(f"/checks/{check.id}").get_data(as_text=True)
    section = html.split('id="check-charts"', 1)[1].split("</section>", 1)[0]
    assert section.count("<svg") == 2
    assert f"font-family: '{CJK_FONT}'" in section
    assert ">1月<" in section and ">12月<" in section and ">天然气<" in section
