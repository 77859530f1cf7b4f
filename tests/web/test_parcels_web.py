"""The parcel pages: record through the form, link buildings, the breach list as page, XLSX
and Chinese PDF, and the dashboard card."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.conftest import poppler
from tests.web.conftest import field_error, text_of


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def test_record_link_and_list_the_breach(
    officer_client, app_session, officer, make_building, make_record, tmp_path
):
    response = officer_client.post(
        "/parcels/new",
        data={
            "number": "ls2021-03",
            "district_code": "370202",
            "min_star": "2",
            "min_ultra_low_m2": "10000",
            "clause": "地块内建筑均应达到绿色建筑二星级标准",
            "document": "国有建设用地使用权出让合同",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith("/parcels/LS2021-03")
    building = make_building(app_session, officer, name="一号楼")
    make_record(app_session, officer, building, level="1", status="published")
    linked = officer_client.post(
        "/parcels/LS2021-03/link",
        data={"building_id": str(building.id), "completed_on": "2024-01-10"},
    )
    assert linked.status_code == 302
    detail = text_of(officer_client.get("/parcels/LS2021-03"))
    assert "一号楼" in detail and "地块内建筑均应达到绿色建筑二星级标准" in detail
    assert "状态：违约" in detail and "未达标（★）" in detail
    listed = text_of(officer_client.get("/parcels"))
    assert "LS2021-03" in listed
    # The building's own page names its parcel and where it stands.
    page = officer_client.get(f"/buildings/{building.id}")
    shown = BeautifulSoup(page.data, "html.parser").find(id="building-parcel").get_text(" ")
    assert " ".join(shown.split()) == "出让地块 LS2021-03 · 地块 违约 · 本建筑 未达标（★）"

    page = text_of(officer_client.get("/parcels/breaches"))
    assert "一号楼" in page and "★★" in page
    workbook = load_workbook(io.BytesIO(officer_client.get("/parcels/breaches.xlsx").data))
    sheet = workbook["违约清单"]
    assert sheet.cell(2, 1).value == "LS2021-03"
    assert workbook.sheetnames == ["说明", "违约清单"]
    pdf = officer_client.get("/parcels/breaches.pdf")
    assert pdf.mimetype == "application/pdf"
    path = tmp_path / "breaches.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(
        [poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "未达到绿色建筑出让条件的地块清单" in text
    assert "LS2021-03" in text and "一号楼" in text and "未达标" in text

    card = text_of(officer_client.get("/dashboard"))
    start = card.index("出让地块及其绿色建筑条件")
    # Per district: met, pending, breached, each "count · site area".
    assert card[start:].startswith(
        "出让地块及其绿色建筑条件 区（市） 达标 待定 违约 市南区 0 · 0 m² 0 · 0 m² 1 · 0 m²"
    )


def test_bad_input_shows_each_fields_reason(officer_client):
    response = officer_client.post(
        "/parcels/new",
        data={"number": "", "district_code": "370202", "min_ultra_low_m2": "很多"},
    )
    assert response.status_code == 422
    assert field_error(response, "number")
    assert field_error(response, "min_ultra_low_m2")
    refused = officer_client.post("/parcels/new", data={"number": "X-1", "district_code": "370203"})
    assert refused.status_code == 403
    assert field_error(refused, "district_code")


def test_add_and_verify_a_condition_on_the_page(officer_client):
    assert (
        officer_client.post(
            "/parcels/new", data={"number": "C-1", "district_code": "370202"}
        ).status_code
        == 302
    )
    bad = officer_client.post("/parcels/C-1/conditions", data={"kind": "min_star", "value": "7"})
    assert bad.status_code == 422 and field_error(bad, "value")
    added = officer_client.post(
        "/parcels/C-1/conditions",
        data={"kind": "min_star", "unverified": "1", "clause": "星级待定"},
    )
    assert added.status_code == 302
    page = officer_client.get("/parcels/C-1").get_data(as_text=True)
    assert "待核实" in page and "星级待定" in page
    condition_id = int(re.search(r"/parcels/C-1/conditions/(\d+)/verify", page).group(1))
    no_value = officer_client.post(f"/parcels/C-1/conditions/{condition_id}/verify", data={})
    assert no_value.status_code == 422
    done = officer_client.post(
        f"/parcels/C-1/conditions/{condition_id}/verify", data={"value": "3"}
    )
    assert done.status_code == 302
    text = text_of(officer_client.get("/parcels/C-1"))
    assert "已核实" in text and "标记为已核实" not in text  # verified: no button left


def test_import_page_checks_then_records(officer_client):
    bad = "宗地编号,区（市）,绿色建筑星级\nW-1,市南区,二星级\nW-2,市南区,六星\n".encode()
    checked = officer_client.post(
        "/parcels/import",
        data={"file": (io.BytesIO(bad), "parcels.csv"), "commit": "1"},
        content_type="multipart/form-data",
    )
    assert checked.status_code == 422
    text = text_of(checked)
    assert "2 行" in text and "W-2" in text and "“六星”不是星级" in text
    # The field is named as the parcel form names it, not by its key.
    cells = re.findall(r"<td>([^<]*)</td>", checked.get_data(as_text=True))
    assert "全部建筑的最低星级" in cells and "min_star" not in cells, cells
    assert "W-1" not in text_of(officer_client.get("/parcels"))
    good = "宗地编号,区（市）,绿色建筑星级\nW-1,市南区,二星级\n".encode()
    done = officer_client.post(
        "/parcels/import",
        data={"file": (io.BytesIO(good), "parcels.csv"), "commit": "1"},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    assert "W-1" in text_of(officer_client.get("/parcels"))


def test_administrators_keep_the_policy_floors(client, app_session, make_user, login):
    admin = make_user(app_session, role="admin")
    login(client, admin)
    page = client.get("/parcels/floors").get_data(as_text=True)
    assert "未设置政策底线" in text_of(client.get("/parcels/floors"))
    assert '<option value="unverified" selected>' in page  # a new floor starts unverified
    bad = client.post("/parcels/floors", data={"name": "", "min_star": "4"})
    assert bad.status_code == 422 and field_error(bad, "name") and field_error(bad, "min_star")
    added = client.post(
        "/parcels/floors",
        data={
            "name": "大型公共建筑",
            "min_star": "3",
            "building_types": ["office_commercial", "hotel"],
            "min_floor_area_m2": "20000",
            "source": "待查",
            "source_status": "unverified",
        },
    )
    assert added.status_code == 302
    text = text_of(client.get("/parcels/floors"))
    assert "大型公共建筑" in text and "★★★" in text and "≥ 20,000 m²" in text
    floor_id = re.search(
        r"/parcels/floors/(\d+)/retire", client.get("/parcels/floors").get_data(as_text=True)
    ).group(1)
    assert client.post(f"/parcels/floors/{floor_id}/retire").status_code == 302
    assert "/retire" not in client.get("/parcels/floors").get_data(as_text=True)
