"""The meter data import page (issue 20, with issue 23's rule): upload → dry run with each
refused row's reasons in the reader's language → confirm → the commit runs as an import job;
a large file's dry run too; a queued commit can be cancelled and stores nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import func, select

from registry.models import ImportJob, MeteredYear
from registry.services.quotas import seed as quota_seed
from tests.web.conftest import run_import_job, text_of


@pytest.fixture
def officer(app_session, make_user):
    quota_seed.seed(app_session)
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def building(app_session, officer, make_building):
    return make_building(app_session, officer, name="市府大楼", heating_type="district")


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def _sheet(building_id: int) -> bytes:
    lines = ["登记编号,年份,月份,用电量(kWh),集中供热(GJ)"]
    lines += [f"{building_id},2022,{month},30000,200" for month in range(1, 13)]
    lines += [
        "99999,2022,,100,",  # no such building
        f"{building_id},2023,13,100,",  # no such month
    ]
    return "\n".join(lines).encode("utf-8-sig")


def _upload(client, data: bytes, name: str = "平台导出.csv", lang: str = "zh"):
    return client.post(
        f"/metered/imports?lang={lang}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(app_session) -> int:
    return app_session.exec(select(func.count()).select_from(MeteredYear)).one()


def test_dry_run_reasons_in_chinese_then_the_worker_commits(
    app, officer_client, app_session, building
):
    page = _upload(officer_client, _sheet(building.id))
    assert page.status_code == 200
    text = text_of(page)
    # Row 14: no building with that registry ID; row 15: month 13. Each with its column.
    rows = re.findall(
        r'<tr class="rejected"><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>',
        page.get_data(as_text=True),
    )
    assert [(number, column) for number, column, _ in rows] == [("14", "登记编号"), ("15", "月份")]
    assert all(re.search(r"[\u4e00-\u9fff]", reason) for _, _, reason in rows)
    assert "No building" not in text  # the reasons are not left in English
    assert _count(app_session) == 0  # a dry run stores nothing

    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page.get_data(as_text=True))
    queued = officer_client.post(
        "/metered/imports/commit", data={"sha256": sha.group(1), "filename": "平台导出.csv"}
    )
    assert _count(app_session) == 0  # the worker stores it, not the request
    waiting = officer_client.get(queued.headers["Location"])
    assert 'id="import-bar"' in waiting.get_data(as_text=True)
    job_id, state = run_import_job(app, queued)
    assert state == "done"
    done = officer_client.get(f"/metered/imports/jobs/{job_id}")
    assert done.status_code == 200
    assert "已保存 1 个建筑年度" in text_of(done)
    stored = app_session.exec(select(MeteredYear)).one()
    assert (stored.building_id, stored.year, stored.electricity_kwh) == (building.id, 2022, 360_000)
    job = app_session.get(ImportJob, job_id)
    assert job.kind == "meter_commit" and job.batch_id and job.rows_written == 1
    # The same file a second time is answered with the first import; nothing is stored again.
    again = _upload(officer_client, _sheet(building.id)).get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', again).group(1)
    queued = officer_client.post("/metered/imports/commit", data={"sha256": sha, "filename": "x"})
    job_id, state = run_import_job(app, queued)
    assert state == "done" and _count(app_session) == 1
    assert "之前已导入" in text_of(officer_client.get(f"/metered/imports/jobs/{job_id}"))


def test_a_sheet_whose_electricity_column_is_not_read_is_warned_before_confirming(
    officer_client, building
):
    """电力（kWh） is not one of the names the platform's exports use for electricity: the
    officer is told the column is ignored and that the years would not be judged on the
    indicators that need electricity, before anything is stored."""
    sheet = f"登记编号,年份,电力（kWh）,集中供热(GJ)\n{building.id},2022,360000,2400\n"
    page = _upload(officer_client, sheet.encode("utf-8-sig"))
    warnings = re.findall(
        r'<div class="flash flash-warning meter-import-warning" role="alert">([^<]*)</div>',
        page.get_data(as_text=True),
    )
    assert warnings == [
        "以下列未能识别，已忽略：“电力（kWh）”。",
        "表格中没有用电量列（用电量(kWh)）：各年度数据照常保存，但没有用电量，不评判非供暖能耗和"
        "常规用电指标。",
    ]
    good = _upload(officer_client, _sheet(building.id)).get_data(as_text=True)
    assert "meter-import-warning" not in good


def test_a_large_file_is_dry_run_by_the_worker(
    app, officer_client, app_session, building, monkeypatch
):
    from registry.web import import_uploads

    monkeypatch.setattr(import_uploads, "INLINE_PREVIEW_BYTES", 100)
    queued = _upload(officer_client, _sheet(building.id), lang="en")
    assert queued.status_code == 303
    job_url = queued.headers["Location"]
    assert officer_client.get(job_url + ".json").get_json()["state"] == "queued"
    job_id, state = run_import_job(app, queued)
    assert state == "done"
    page = officer_client.get(job_url)
    assert 'id="confirm-meter-import"' in page.get_data(as_text=True)
    assert "Month 13 is not 1–12." in text_of(page)  # the reason, in the reader's language
    assert officer_client.get(job_url + ".json").get_json()["fraction"] == 1.0
    assert _count(app_session) == 0
    # A building-import page never shows a meter job, nor the other way round.
    assert officer_client.get(f"/imports/jobs/{job_id}").status_code == 404


def test_a_queued_commit_can_be_cancelled_and_stores_nothing(
    app, officer_client, app_session, building
):
    page = _upload(officer_client, _sheet(building.id)).get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    queued = officer_client.post("/metered/imports/commit", data={"sha256": sha, "filename": "s"})
    job_url = queued.headers["Location"]
    assert officer_client.post(job_url + "/cancel").status_code == 303
    assert officer_client.get(job_url + ".json").get_json()["state"] == "cancelled"
    assert run_import_job(app, queued)[1] == "not-mine"
    assert _count(app_session) == 0
    assert "已取消" in text_of(officer_client.get(job_url))


def test_bad_input_is_a_message(officer_client, client, app_session, make_user, login):
    assert officer_client.get("/metered/imports").status_code == 200
    unreadable = _upload(officer_client, b"a,b\n1,2\n")
    assert unreadable.status_code == 422 and 'id="import-error"' in unreadable.get_data(
        as_text=True
    )
    expired = officer_client.post("/metered/imports/commit", data={"sha256": "0" * 64})
    assert expired.status_code == 410
    assert officer_client.post("/metered/imports/commit", data={"sha256": "x"}).status_code == 410
    officer_client.post("/logout")
    login(client, make_user(app_session, role="designer"))
    assert client.get("/metered/imports").status_code == 403
