"""The dashboard page, its downloads, and GET /api/v1/tally (one feature, one tally function)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from registry.services import users as user_service
from tests.web.conftest import text_of


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=["370212"])


@pytest.fixture
def counted(app_session, officer, make_building, make_record):
    """A ★★★ building in 崂山区 issued in 2021 and a 近零 one revoked in 2022."""
    star = make_building(
        app_session, officer, district_code="370212", name="崂山科创中心", floor_area_m2="12000"
    )
    make_record(
        app_session,
        officer,
        star,
        level="3",
        issued_on=date(2021, 6, 1),
        label_number="NO.LS-2021-3",
        status="approved",
    )
    nzeb = make_building(
        app_session, officer, district_code="370212", name="近零示范楼", floor_area_m2="5000"
    )
    record = make_record(
        app_session,
        officer,
        nzeb,
        kind="energy",
        level="nearly_zero",
        stage=None,
        issued_on=date(2021, 8, 1),
        label_number="NZ-1",
        status="approved",
    )
    from registry.services.buildings import records as record_service

    record_service.revoke_record(
        session=app_session,
        actor=officer,
        record_id=record.id,
        reason="复核不达标",
        on=date(2022, 2, 1),
    )
    return star


def test_the_dashboard_needs_a_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dashboard_shows_progress_charts_and_downloads(client, login, officer, counted):
    login(client, officer)
    response = client.get("/dashboard?year=2021")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "完成星级认证绿色建筑" in text and "12,000" in text and "崂山科创中心" in text
    assert all(name in text for name in ("市南区", "莱西市", "平度市"))  # all ten districts
    assert html.count("<svg") == 3
    assert "/dashboard/tally-2021.pdf" in html and "/dashboard/tally-2021.xlsx" in html
    assert "期后撤销" in text and "2022-02-01" in text  # later revocation noted


def test_a_long_year_lists_its_first_rows_and_links_them_all(
    client, login, officer, counted, monkeypatch
):
    from registry.web import dashboard

    monkeypatch.setattr(dashboard, "DASHBOARD_ROWS", 1)
    login(client, officer)
    text = text_of(client.get("/dashboard?year=2021"))
    # 2021 counts the ★★★ label, the 近零 label toward ultra-low energy and toward the pilots.
    assert "计入记录（3）" in text and "按 PDF 附录顺序显示前 1 条，共 3 条" in text
    assert "数据摘要（覆盖全部计入记录）见 PDF" in text
    records = client.get("/dashboard/tally-2021.csv?table=records").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(records.lstrip("\ufeff"))))) == 1 + 3


def test_filters_and_their_errors(client, login, officer, counted):
    login(client, officer)
    response = client.get("/dashboard?year=2021&district=370202")
    assert response.status_code == 200 and "崂山科创中心" not in text_of(response)
    assert 'href="/dashboard/tally-2021.pdf?district=370202"' in response.get_data(as_text=True)
    response = client.get("/dashboard?year=2021&district=高新区")
    assert response.status_code == 422 and "功能区" in text_of(response)


def test_downloads(client, login, officer, counted):
    login(client, officer)
    pdf = client.get("/dashboard/tally-2021.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert 'filename="tally-2021.pdf"' in pdf.headers["Content-Disposition"]
    xlsx = client.get("/dashboard/tally-2021.xlsx?district=370212")
    assert (
        xlsx.data[:2] == b"PK" and "tally-2021-370212.xlsx" in xlsx.headers["Content-Disposition"]
    )
    records = client.get("/dashboard/tally-2021.csv?table=records")
    rows = list(csv.reader(io.StringIO(records.data.decode("utf-8-sig"))))
    assert rows[0][0] == "目标" and {r[2] for r in rows[1:]} == {"崂山科创中心", "近零示范楼"}
    assert client.get("/dashboard/tally-2021.doc").status_code == 404


@pytest.fixture
def token(app_session, officer):
    return user_service.issue_api_token(session=app_session, actor=officer, user=officer)


def test_api_needs_a_token(client):
    response = client.get("/api/v1/tally")
    assert response.status_code == 401
    assert response.get_json()["code"] == "auth.required"
    assert set(response.get_json()) == {"code", "message", "errors"}


def test_api_json_csv_and_errors(client, token, counted):
    auth = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/tally?year=2022", headers=auth).get_json()
    star = next(t for t in body["targets"] if t["key"] == "star_rated")
    ultra = next(t for t in body["targets"] if t["key"] == "ultra_low_energy")
    assert (star["cumulative"], star["period"]) == (12000, 0)
    assert (ultra["removed"], ultra["cumulative"]) == (5000, 0)
    assert len(body["by_district"]) == 10 and len(body["digest"]) == 64
    response = client.get("/api/v1/tally?year=2021&format=csv&district=崂山", headers=auth)
    assert response.mimetype == "text/csv"
    assert "tally-2021-370212.csv" in response.headers["Content-Disposition"]
    bad = client.get("/api/v1/tally?year=nope&format=doc&building_type=castle", headers=auth)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"year", "format", "building_type"}


def test_a_long_tally_pdf_is_a_job_whose_progress_the_page_shows(
    client, login, officer, counted, app_session, app, monkeypatch
):
    from registry.models import TallyDocument
    from registry.services.tally import documents
    from registry.web import dashboard

    sent = []
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ROWS", 0)
    monkeypatch.setattr(dashboard, "enqueue_tally_document", sent.append)
    login(client, officer)
    response = client.get("/dashboard/tally-2021.pdf")
    assert response.status_code == 302 and "/dashboard/documents/" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 202 and "正在生成最新的统计报告" in text_of(page)
    assert 'http-equiv="refresh"' in page.get_data(as_text=True)
    assert "正在生成最新的统计报告" in text_of(client.get("/dashboard?year=2021"))
    (document_id,) = sent
    config = app.extensions["registry.config"]
    assert documents.make(
        session=app_session, config=config, document_id=document_id, worker="test"
    )
    assert app_session.get(TallyDocument, document_id).status == "ready"
    ready = client.get(f"/dashboard/documents/{document_id}")
    assert ready.status_code == 302 and ready.headers["Location"].endswith("tally-2021.pdf")
    pdf = client.get("/dashboard/tally-2021.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and sent == [document_id]
    assert "正在生成最新的统计报告" not in text_of(client.get("/dashboard?year=2021"))
