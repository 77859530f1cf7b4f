"""Measured energy through the building page's form, and the quota list page with its XLSX
and PDF."""

from __future__ import annotations

import io
import subprocess

import pytest

from registry.services.quotas import seed as quota_seed
from tests.conftest import poppler
from tests.web.conftest import text_of


@pytest.fixture
def officer(app_session, make_user):
    quota_seed.seed(app_session)
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def building(app_session, officer, make_building):
    return make_building(
        app_session,
        officer,
        name="市府大楼",
        floor_area_m2="10000",
        heated_area_m2="9000",
        heating_type="district",
    )


def test_form_then_list_xlsx_and_pdf(client, login, officer, building):
    login(client, officer)
    page = client.post(
        f"/buildings/{building.id}/metered",
        data={"year": "2022", "electricity_kwh": "900,000", "district_heat_gj": "2500"},
        follow_redirects=True,
    )
    text = text_of(page)
    assert page.status_code == 200
    assert "2022" in text and "27.90" in text  # 900,000 × 0.31 / 10,000 kgce/(m²·a)

    bad = client.post(
        f"/buildings/{building.id}/metered",
        data={"year": "2022", "electricity_kwh": "-1"},
        follow_redirects=True,
    )
    assert bad.status_code == 200 and "Traceback" not in bad.get_data(as_text=True)

    listed = client.get("/quota-list?year=2022&band=gt_constraint")
    assert listed.status_code == 200
    assert "市府大楼" in text_of(listed)
    none = client.get("/quota-list?year=2022&band=le_guide")
    assert "市府大楼" not in text_of(none)

    xlsx = client.get("/quota-list?year=2022&format=xlsx")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[1][0] == building.id and rows[1][1] == "市府大楼"

    pdf = client.get("/quota-list?year=2022&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = subprocess.run(
        [poppler("pdftotext"), "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "公共建筑能耗限额管理名单" in text and "市府大楼" in text.replace("\n", "")
    assert "须限期整改" in text


def test_building_page_shows_verified_upgrade_savings(
    client, login, app_session, officer, building, make_record, make_user
):
    from datetime import date

    from registry.services.metered import savings, years

    make_record(
        app_session,
        officer,
        building,
        kind="retrofit",
        level="public_efficiency",
        stage=None,
        label_number=None,
        issued_on=None,
        started_on=date(2022, 3, 1),
        completed_on=date(2022, 9, 1),
        counted_area_m2="10000",
    )
    for year, kwh in ((2021, "700000"), (2023, "560000")):
        years.enter_year(
            session=app_session,
            actor=officer,
            building_id=building.id,
            year=year,
            values={"electricity_kwh": kwh, "district_heat_gj": "2500"},
        )
    admin = make_user(app_session, role="admin")
    for year in (2021, 2023):
        savings.set_degree_days(session=app_session, actor=admin, year=year, hdd=2_000)
    login(client, officer)
    text = text_of(client.get(f"/buildings/{building.id}", headers={"Accept-Language": "en"}))
    # (700,000 − 560,000) × 0.31 / (700,000 × 0.31 + 2,500 GJ × 34.12) = 43,400 / 302,300
    assert "14.4 %" in text
    assert "2021 → 2023" in text


def test_form_by_month_is_summed_and_an_incomplete_year_is_not_judged(
    client, login, officer, building
):
    login(client, officer)
    data = {"year": "2021", **{f"m{m}_electricity_kwh": "1000" for m in range(1, 12)}}
    page = client.post(f"/buildings/{building.id}/metered", data=data, follow_redirects=True)
    text = text_of(page)
    assert "12" in text and "不予判定" in text  # month 12 missing: stored, not judged


def test_a_large_quota_list_download_waits_for_the_worker(
    app, client, login, officer, building, monkeypatch
):
    """Over `MAKE_IN_REQUEST_ENTRIES` buildings the XLSX/PDF is a job: 202 and a page that
    reloads the address; once the worker made it, the same address sends the file."""
    from pathlib import Path

    from registry.services.metered import documents
    from registry.services.metered import years as years_service

    login(client, officer)
    with app.app_context():
        from registry.extensions import get_session

        years_service.enter_year(
            session=get_session(),
            actor=officer,
            building_id=building.id,
            year=2022,
            values={"electricity_kwh": "900000", "district_heat_gj": "2500"},
        )
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    waiting = client.get("/quota-list?year=2022&format=xlsx")
    assert waiting.status_code == 202
    page = waiting.get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "正在准备" in text_of(waiting)
    from sqlmodel import Session, select

    from registry.models import QuotaListDocument

    engine = app.extensions["registry.engine"]
    with Session(engine) as session:
        document_id = session.exec(select(QuotaListDocument.id)).one()
        assert documents.make(
            session=session,
            folder=Path(app.config["REPORT_DIR"]),
            document_id=document_id,
            worker="test",
        )
    ready = client.get("/quota-list?year=2022&format=xlsx")
    assert ready.status_code == 200 and ready.data[:2] == b"PK"


def test_the_waiting_page_shows_the_rows_laid_out(
    app, client, login, officer, building, monkeypatch
):
    """While the worker lays the PDF's building table out, the page shows rows done / total."""
    from sqlalchemy import update
    from sqlmodel import Session, select

    from registry.domain import dates
    from registry.models import QuotaListDocument
    from registry.services.metered import documents
    from registry.services.metered import years as years_service

    login(client, officer)
    with app.app_context():
        from registry.extensions import get_session

        years_service.enter_year(
            session=get_session(),
            actor=officer,
            building_id=building.id,
            year=2022,
            values={"electricity_kwh": "900000", "district_heat_gj": "2500"},
        )
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    assert client.get("/quota-list?year=2022&format=pdf").status_code == 202
    engine = app.extensions["registry.engine"]
    with Session(engine) as session:
        session.execute(
            update(QuotaListDocument).values(
                status="running",
                rows_done=1_200,
                rows_total=10_000,
                started_at=dates.now_utc(),
                heartbeat_at=dates.now_utc(),
            )
        )
        session.commit()
    waiting = client.get("/quota-list?year=2022&format=pdf")
    assert waiting.status_code == 202
    assert "已排版建筑 1,200 行，共 10,000 行" in text_of(waiting)
    assert 'value="12"' in waiting.get_data(as_text=True)
    with Session(engine) as session:  # still the one job, not queued again
        assert session.exec(select(QuotaListDocument.status)).one() == "running"
