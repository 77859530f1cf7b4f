"""Imports that explain themselves (issue 18): the template round trip, each column's mapping,
columns sharing a field, every refusal named, label conflicts, and the error file."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from registry.domain.imports.template import columns
from registry.i18n import render
from registry.models import Building, Record
from tests.web.conftest import run_import_job

NUMBER = "序号\nNo."


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def _upload(client, data: bytes, name: str):
    return client.post(
        "/imports",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _form(page) -> dict:
    """The preview form as the browser would post it unchanged."""
    form = BeautifulSoup(page.get_data(as_text=True), "html.parser").find(id="import-form")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i["type"] == "hidden"}
    for choice in form.find_all("select"):
        chosen = choice.find("option", selected=True) or choice.find("option")
        data[choice["name"]] = chosen["value"]
    return data


def _soup(page):
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def _counts(page) -> dict[str, int]:
    spans = _soup(page).select("#import-counts [data-outcome]")
    return {span["data-outcome"]: int(span.text.replace(",", "")) for span in spans}


def _rows(page) -> dict[int, object]:
    return {int(tr["data-row"]): tr for tr in _soup(page).select("#import-rows tbody tr")}


def _book(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MESSY = [  # ten rows as people fill the template: (the cells by field)
    {"name": "甲楼", "star_level": "二星级", "stage": "运行", "label_number": "QD-1",
     "issued_on": "2021/6/1"},
    {"name": "乙楼", "floor_area_m2": "１２０００", "energy_level": "超低能耗",
     "label_number": "QD-2", "issued_on": "2023年1月5日"},
    {"name": "丙楼", "district_code": "火星区"},
    {"name": "丁楼", "star_level": "一星级", "stage": "预评价", "label_number": "QD-4",
     "issued_on": "2021-02-30"},
    {"name": "戊楼", "star_level": "二星级", "energy_level": "近零能耗", "stage": "评价",
     "label_number": "QD-5", "issued_on": "2022-05-01"},
    {"name": "己楼", "floor_area_m2": "-5"},
    {"name": "庚楼", "star_level": "三星级", "stage": "评价", "label_number": "HELD-1",
     "issued_on": "2022-01-05"},
    {"name": "辛楼", "star_level": "基本级", "stage": "评价", "label_number": "QD-1",
     "issued_on": "2022-03-01"},
    {"name": "壬楼", "district_code": " 市南 ", "floor_area_m2": " 8000 "},
    {"name": "壬楼", "district_code": "市南区", "floor_area_m2": "8000",
     "retrofit_kind": "公共建筑能效提升", "started_on": "2022-01-01",
     "completed_on": "2022-12-01"},
]  # fmt: skip
FIXES = {  # sheet row -> the cells that put it right
    5: {"district_code": "市南区"},
    6: {"issued_on": "2021-02-28"},
    7: {"energy_level": None},
    8: {"floor_area_m2": "5000"},
    9: {"label_number": "QD-9"},
    10: {"label_number": "QD-10"},
}


def _commit(app, client, form):
    """Confirm the import: the page queues the commit, the worker's part runs, the job page
    then shows the result."""
    queued = client.post("/imports/commit", data=form)
    job_id, state = run_import_job(app, queued)
    assert state == "done"
    return client.get(f"/imports/jobs/{job_id}")


def test_the_template_round_trips_with_every_column_and_refusal_explained(
    app, officer_client, app_session, officer, make_building, make_record
):
    holder = make_building(app_session, officer, name="别家大厦")
    make_record(app_session, officer, holder, label_number="HELD-1")
    template = officer_client.get("/imports/template.xlsx")
    rows = _book(template.data)  # header, example
    headers = rows[0]
    field_of = {c.field: c.header for c in columns()}
    base = {"address": "香港中路1号", "district_code": "市南区", "building_type": "办公"}
    base |= {"floor_area_m2": "12000"}
    for cells in MESSY:
        row = dict.fromkeys(headers)
        for name, value in {**base, **cells}.items():
            row[field_of[name]] = value
        rows.append(list(row.values()))

    page = _upload(officer_client, _xlsx(rows), "模板.xlsx")
    assert page.status_code == 200
    shown = {
        tr["data-header"]: (tr["data-field"], tr["class"][0])
        for tr in _soup(page).select("#import-mapping tbody tr")
    }
    assert shown == {
        NUMBER: ("ignore", "mapping-ignored"),
        **{c.header: (c.field, "mapping-read") for c in columns()},
    }
    assert not _soup(page).select(".import-warning")
    assert _counts(page) == {
        "new_building": 3,
        "new_record": 1,
        "duplicate": 0,
        "rejected": 6,
        "records": 3,
    }
    listed = _rows(page)
    assert sorted(listed) == list(range(3, 13))  # the example row (2) is skipped
    for number in FIXES:  # rows 5-10 refused: name, label number and reasons beside them
        tr = listed[number]
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        cells_of = MESSY[number - 3]
        assert "outcome-rejected" in tr["class"]
        assert cells[2] == cells_of["name"]
        assert cells[3] == (cells_of.get("label_number") or "")
        assert tr.select(".field-error"), number
    assert "别家大厦" in listed[9].get_text() and "outcome-rejected" in listed[9]["class"]
    assert "3" in listed[10].get_text()  # row 3 holds QD-1 for another building

    # As a browser posts it: a header's line break comes back as CR LF.
    form = {key: value.replace("\n", "\r\n") for key, value in _form(page).items()}
    errors = officer_client.post("/imports/errors.xlsx", data=form)
    assert errors.status_code == 200 and errors.mimetype.endswith("sheet")
    refused = _book(errors.data)
    assert refused[0] == [*headers, "导入问题"]
    assert [row[1] for row in refused[1:]] == [MESSY[n - 3]["name"] for n in FIXES]
    assert all(row[-1] for row in refused[1:]) and "别家大厦" in refused[5][-1]

    done = _commit(app, officer_client, form)
    assert done.status_code == 200
    counts = _counts(done)
    message = _soup(done).find(id="import-message").get_text(strip=True)
    batch_id = app_session.exec(select(Building.import_id).where(Building.name == "甲楼")).one()
    assert message == render(
        "import.committed",
        {
            "batch_id": batch_id,
            "new_buildings": counts["new_building"],
            "new_records": counts["records"],
            "duplicates": counts["duplicate"],
            "rejected": counts["rejected"],
        },
        "zh_Hans_CN",
    )

    # Fix the refused rows in the error file and upload it as it is.
    header_index = {header: i for i, header in enumerate(refused[0])}
    for row, fixes in zip(refused[1:], FIXES.values(), strict=True):
        for name, value in fixes.items():
            row[header_index[field_of[name]]] = value
    again = _upload(officer_client, _xlsx(refused), "模板-refused.xlsx")
    assert _counts(again) == {
        "new_building": 6,
        "new_record": 0,
        "duplicate": 0,
        "rejected": 0,
        "records": 4,  # 丁, 戊, 庚 and 辛 carry a label; 丙 and 己 are buildings only
    }
    problems_column = _soup(again).select_one('#import-mapping tr[data-header="导入问题"]')
    assert problems_column["data-field"] == "ignore"
    assert _commit(app, officer_client, _form(again)).status_code == 200
    names = set(app_session.exec(select(Building.name)).all())
    assert {cells["name"] for cells in MESSY} | {"别家大厦"} == names
    held = app_session.exec(select(Record).where(Record.label_number == "HELD-1")).one()
    assert held.building_id == holder.id


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


TWO_STAGES = _csv(
    [
        "项目名称 所在区（市） 建筑类型 建筑面积 星级 标识类型 评价阶段".split()
        + "标识编号 发证日期 备用".split(),
        "甲楼 市南区 办公 12000 二星级 绿色建筑标识 运行评价 S-1 2021-06-01 x".split(),
        "乙楼 市南区 办公 9000 一星级 绿色建筑标识 设计评价 S-2 2021-07-01".split(),
    ]
)


def test_two_columns_for_one_field_are_warned_and_remapped(app, officer_client, app_session):
    page = _upload(officer_client, TWO_STAGES, "两列.csv")
    warnings = [w.get_text(strip=True) for w in _soup(page).select(".import-warning")]
    assert any("“标识类型”" in w and "“评价阶段”" in w for w in warnings)
    assert any("“备用”" in w for w in warnings)  # not recognised: ignored, and said so
    assert _counts(page)["rejected"] == 2  # 绿色建筑标识 is no stage

    form = _form(page)
    index = next(k.split(":")[1] for k, v in form.items() if v == "标识类型")
    changed = {**form, f"map:{index}": "ignore"}
    # Confirming choices that were never previewed shows their preview instead of storing.
    refused = officer_client.post("/imports/commit", data=changed)
    assert refused.status_code == 409 and _soup(refused).find(id="import-notice")
    assert app_session.exec(select(Building)).all() == []

    again = officer_client.post("/imports/preview", data=changed)
    assert not [w for w in _soup(again).select(".import-warning") if "标识类型" in w.text]
    assert _counts(again)["new_building"] == 2
    assert _commit(app, officer_client, _form(again)).status_code == 200
    stages = app_session.exec(select(Record.stage).order_by(Record.id)).all()
    assert stages == ["evaluation", "pre_evaluation"]  # read from 评价阶段, as confirmed
