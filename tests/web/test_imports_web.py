"""Import pages: upload → preview with reasons → map a column → confirm; exports download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlmodel import func, select

from registry.domain.buildings.credit_code import make_credit_code
from registry.models import Building, ImportMapping
from tests.web.conftest import run_import_job, text_of

CODE = make_credit_code("91370200MA3C0001X")


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


SHEET = _csv(
    [
        [
            "项目名称",
            "楼址",
            "所在区（市）",
            "统一社会信用代码",
            "建筑类型",
            "建筑面积",
            "星级",
            "评价阶段",
            "标识编号",
            "发证日期",
        ],
        [
            "甲楼",
            "香港中路1号",
            "市南区",
            CODE,
            "办公",
            "12000",
            "二星级",
            "评价",
            "W-1",
            "2021-06-01",
        ],
        [
            "乙楼",
            "香港中路2号",
            "市南区",
            CODE,
            "办公",
            "12000",
            "二星级",
            "评价",
            "W-2",
            "2021-02-30",
        ],
    ]
)


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def _upload(client, data=SHEET, name="sheet.csv"):
    return client.post(
        "/imports?lang=en",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_preview_lists_each_row_with_its_reason(officer_client):
    response = _upload(officer_client)
    assert response.status_code == 200
    text = text_of(response)
    assert "New building" in text and "Refused row" in text
    assert "2021-02-30" in text and "楼址" in text  # the bad date and the unknown column


def test_map_a_column_save_it_and_commit(officer_client, app, app_session, officer):
    page = _upload(officer_client).get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    index = re.search(r'name="header:(\d+)" value="楼址"', page).group(1)
    form = {
        "sha256": sha,
        "filename": "sheet.csv",
        f"header:{index}": "楼址",
        f"map:{index}": "address",
        "save_mapping": "1",
    }
    again = officer_client.post("/imports/preview", data=form)
    assert again.status_code == 200 and "楼址" in again.get_data(as_text=True)
    saved = app_session.exec(select(ImportMapping)).all()
    assert [(m.user_id, m.header, m.field) for m in saved] == [(officer.id, "楼址", "address")]
    queued = officer_client.post("/imports/commit", data=form)
    assert app_session.exec(select(Building)).first() is None  # the worker stores it
    job_id, state = run_import_job(app, queued)
    assert state == "done"
    done = officer_client.get(f"/imports/jobs/{job_id}")
    assert done.status_code == 200 and 'id="import-message"' in done.get_data(as_text=True)
    building = app_session.exec(select(Building)).one()
    assert (building.name, building.address) == ("甲楼", "香港中路1号")
    repeat = officer_client.post("/imports/commit", data=form)
    assert repeat.status_code == 410  # the stored upload is used once


def test_designers_and_viewers_cannot_import(client, app_session, make_user, login):
    login(client, make_user(app_session, role="designer"))
    assert client.get("/imports").status_code == 403
    assert _upload(client).status_code == 403


def test_a_file_that_is_not_a_spreadsheet(officer_client):
    response = _upload(officer_client, b"\xd0\xcf\x11\xe0", "old.xls")
    assert response.status_code == 422 and ".xlsx" in text_of(response)


def test_export_downloads_honour_the_list_filters(
    officer_client, app_session, officer, make_building
):
    make_building(app_session, officer, name="市南甲")
    response = officer_client.get("/buildings/export.csv?q=市南甲")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "项目名称" and [r[0] for r in rows[1:]] == ["市南甲"]
    assert (
        officer_client.get("/buildings/export.csv?q=nothing").get_data(as_text=True).count("\n")
        == 1
    )
    english = officer_client.get("/buildings/export.xlsx?headers=en")
    assert english.status_code == 200 and english.data[:2] == b"PK"


def test_export_needs_a_login(client, app_session):
    assert client.get("/buildings/export.csv").status_code == 302
    assert app_session.exec(select(func.count()).select_from(Building)).one() == 0


def test_the_template_downloads_in_the_users_language(officer_client):
    import openpyxl

    page = officer_client.get("/imports?lang=en").get_data(as_text=True)
    assert "/imports/template.xlsx" in page and "标识编号" in page  # the accepted headers
    response = officer_client.get("/imports/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    fill, guide = book.worksheets
    headers = [cell.value for cell in fill[1]]
    assert "项目名称\nProject name" in headers and fill["A2"].value == "Example"
    assert guide["A1"].value == "Column" and "Shinan" in str(guide["C5"].value)


def test_a_large_file_is_previewed_by_the_worker_with_a_progress_page(
    app, client, app_session, make_user, login, monkeypatch
):
    """The request only stores the file and queues the job; the page polls its progress
    and shows the preview once the worker is done."""
    from bench.bench_import import build_csv
    from registry.web import import_uploads as import_pages

    # A smaller bar than the real one, so the test's upload stays in memory (werkzeug
    # spools a larger one to a temporary file the test client leaves open).
    monkeypatch.setattr(import_pages, "INLINE_PREVIEW_BYTES", 100_000)
    login(client, make_user(app_session, role="admin"))
    data = build_csv(2_000)
    assert len(data) > import_pages.INLINE_PREVIEW_BYTES
    queued = _upload(client, data, "big.csv")
    assert queued.status_code == 303
    job_id = int(queued.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/imports/jobs/{job_id}")
    assert page.status_code == 200 and 'id="import-bar"' in page.get_data(as_text=True)
    assert "js/imports.js" in page.get_data(as_text=True)
    # Not counted yet: "…", not a file of 0 rows.
    assert '<dd id="rows-total">…</dd>' in page.get_data(as_text=True)
    progress = client.get(f"/imports/jobs/{job_id}.json").get_json()
    assert progress["state"] == "queued" and progress["fraction"] == 0
    _, state = run_import_job(app, queued)
    assert state == "done"
    preview = client.get(f"/imports/jobs/{job_id}")
    # 2,000 rows less 4 repeated and 2 with an impossible date; counts with separators.
    assert 'id="confirm-import">Import 1,994 rows<' in preview.get_data(as_text=True)
    assert "Download the 2 refused rows" in preview.get_data(as_text=True)
    assert client.get(f"/imports/jobs/{job_id}.json").get_json()["fraction"] == 1.0


def test_a_queued_commit_can_be_cancelled_and_stores_nothing(app, officer_client, app_session):
    page = _upload(officer_client).get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    queued = officer_client.post("/imports/commit", data={"sha256": sha, "filename": "s.csv"})
    job_url = queued.headers["Location"]
    cancelled = officer_client.post(job_url + "/cancel")
    assert cancelled.status_code == 303
    assert officer_client.get(job_url + ".json").get_json()["state"] == "cancelled"
    assert run_import_job(app, queued)[1] == "not-mine"
    assert app_session.exec(select(func.count()).select_from(Building)).one() == 0
    assert 'id="import-error"' in officer_client.get(job_url).get_data(as_text=True)


def test_another_officers_import_job_is_not_shown(officer_client, app_session, make_user, login):
    page = _upload(officer_client).get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    queued = officer_client.post("/imports/commit", data={"sha256": sha, "filename": "s.csv"})
    job_url = queued.headers["Location"]
    officer_client.post("/logout")
    login(officer_client, make_user(app_session, role="officer", districts=("370202",)))
    assert officer_client.get(job_url + ".json").status_code == 403
    assert officer_client.post(job_url + "/cancel").status_code == 403
