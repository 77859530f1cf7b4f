"""Issue 20's "done when", as an officer goes through it on the pages: a year of meter data
for a handful of government offices imported through the meter import page (one office
district-heated, with electricity and heat only; one gas-heated; one upgraded in 2022 with
its years before and after), each judged on its building page; the 2022 quota list by band,
downloaded as XLSX and PDF; one building's design vs measured vs quota; the upgrade's
weather-normalised saving."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

from openpyxl import load_workbook
from sqlmodel import select

from registry.models import MeteredYear
from registry.services.metered import savings
from registry.services.quotas import seed as quota_seed
from registry.services.quotas import verdicts
from tests.conftest import poppler
from tests.services.quotas.test_verdicts import GOVERNMENT_END_USES, add_check
from tests.web.conftest import run_import_job, text_of

WINTER = (1, 2, 3, 11, 12)


def _platform_export(city_hall: int, district_office: int, service_centre: int) -> bytes:
    """The monitoring platform's export: months for 2022, years for the upgrade."""
    lines = ["登记编号,年份,月份,用电量(kWh),天然气(m³),集中供热(GJ)"]
    for month in range(1, 13):
        heat = "500" if month in WINTER else ""
        lines.append(f"{city_hall},2022,{month},75000,,{heat}")
        gas = "8000" if month in WINTER else ""
        lines.append(f"{district_office},2022,{month},40000,{gas},")
    lines.append(f"{service_centre},2021,,700000,,2500")
    lines.append(f"{service_centre},2023,,560000,,2500")
    return "\n".join(lines).encode("utf-8-sig")


def _metered_band(page_html: str, year: int) -> str | None:
    """The band badge of `year`'s row in the building page's measured-energy table."""
    table = page_html.split('id="metered-years"', 1)[1].split("</table>", 1)[0]
    for row in table.split("<tr>")[1:]:
        if row.strip().startswith(f"<td>{year}</td>"):
            found = re.findall(r'<span class="badge badge-([a-z_]+)">', row)
            return found[-1] if found else None
    return None


def test_an_officer_imports_a_year_of_meter_data_and_reads_the_quota_list(
    app, client, login, app_session, make_user, make_building, make_record
):
    quota_seed.seed(app_session)
    officer = make_user(app_session, role="officer", districts=("370202",))
    admin = make_user(app_session, role="admin")
    designer = make_user(app_session, role="designer")
    city_hall = make_building(
        app_session,
        officer,
        name="市府大楼",
        floor_area_m2="10000",
        heated_area_m2="9000",
        heating_type="district",
    )
    district_office = make_building(
        app_session,
        officer,
        name="区政府办公楼",
        floor_area_m2="6000",
        heated_area_m2="5500",
        heating_type="gas_oil",
    )
    service_centre = make_building(
        app_session,
        officer,
        name="机关事务服务中心",
        floor_area_m2="10000",
        heated_area_m2="9000",
        heating_type="district",
    )
    make_record(
        app_session,
        officer,
        service_centre,
        kind="retrofit",
        level="public_efficiency",
        stage=None,
        label_number=None,
        issued_on=None,
        started_on=date(2022, 3, 1),
        completed_on=date(2022, 9, 1),
        counted_area_m2="10000",
    )
    for year in (2021, 2023):
        savings.set_degree_days(session=app_session, actor=admin, year=year, hdd=2_000)

    # The import page: the dry run refuses nothing, the worker stores every building-year.
    login(client, officer)
    sheet = _platform_export(city_hall.id, district_office.id, service_centre.id)
    page = client.post(
        "/metered/imports",
        data={"file": (io.BytesIO(sheet), "能耗监测平台导出.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert 'class="rejected"' not in page.get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page.get_data(as_text=True))
    queued = client.post(
        "/metered/imports/commit", data={"sha256": sha.group(1), "filename": "能耗监测平台导出.csv"}
    )
    _job_id, state = run_import_job(app, queued)
    assert state == "done"
    stored = {(y.building_id, y.year): y for y in app_session.exec(select(MeteredYear)).all()}
    assert set(stored) == {
        (city_hall.id, 2022),
        (district_office.id, 2022),
        (service_centre.id, 2021),
        (service_centre.id, 2023),
    }
    assert stored[(city_hall.id, 2022)].electricity_kwh == 900_000  # twelve months summed
    assert stored[(district_office.id, 2022)].natural_gas_m3 == 40_000

    # Each office is judged on its building page, by band.
    hall_page = client.get(f"/buildings/{city_hall.id}").get_data(as_text=True)
    assert _metered_band(hall_page, 2022) is not None
    assert "27.90" in hall_page  # 900,000 kWh × 0.31 kgce/kWh ÷ 10,000 m²
    office_page = client.get(f"/buildings/{district_office.id}").get_data(as_text=True)
    assert _metered_band(office_page, 2022) is not None

    # The 2022 quota list: both offices by band; XLSX and PDF to publish.
    listed = text_of(client.get("/quota-list?year=2022"))
    assert "市府大楼" in listed and "区政府办公楼" in listed
    assert "机关事务服务中心" not in listed  # no 2022 data: not on the 2022 list
    book = load_workbook(io.BytesIO(client.get("/quota-list?year=2022&format=xlsx").data))
    ids = {row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert {city_hall.id, district_office.id} <= ids
    pdf = client.get("/quota-list?year=2022&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = subprocess.run(
        [poppler("pdftotext"), "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    flat = text.replace("\n", "")
    assert "市府大楼" in flat and "区政府办公楼" in flat

    # Design vs operation vs quota: the city hall's official simulated check beside 2022.
    # (A clean annual run on the official weather, of a model of the registered area, heated
    # by district heat as registered: every validity rule holds, so its verdict is official.)
    check = add_check(app_session, city_hall, GOVERNMENT_END_USES, created_by_id=designer.id)
    verdicts.assess_check(session=app_session, check_id=check.id)
    app_session.commit()
    gap = client.get(f"/buildings/{city_hall.id}").get_data(as_text=True)
    assert 'id="design-gap"' in gap
    gap_table = gap.split('id="design-gap"', 1)[1].split("</table>", 1)[0]
    assert "<td>2022</td>" in gap_table and "%" in gap_table

    # The upgrade: 2021 before, 2023 after, the same degree-days, so no normalisation:
    # (700,000 − 560,000) × 0.31 / (700,000 × 0.31 + 2,500 GJ × 34.12) = 43,400 / 302,300.
    upgraded = text_of(
        client.get(f"/buildings/{service_centre.id}", headers={"Accept-Language": "en"})
    )
    assert "2021 → 2023" in upgraded and "14.4 %" in upgraded
