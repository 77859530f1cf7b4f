"""Energy checks in the browser's terms: the upload form, who sees what, progress, results.

Uploads that pass go into the SQLite broker file in the test's tmp folder, where no worker
takes them; states and results are written straight to the tables.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from sqlmodel import select

from registry.models import Check
from tests.conftest import MODELS_DIR
from tests.services.checks.test_report import IDF_SHA, add_done_check, add_weather
from tests.web.conftest import text_of

MODELS = MODELS_DIR
OFFICE_BOX = (MODELS / "office_box.idf").read_bytes()


def upload(client, building_id, data: bytes | None, name="office.idf"):
    form = {"idf": (io.BytesIO(data), name)} if data is not None else {}
    return client.post(
        f"/buildings/{building_id}/checks/new", data=form, content_type="multipart/form-data"
    )


def upload_error(response) -> str | None:
    match = re.search(r'<p class="error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return unescape(match.group(1)).strip() if match else None


@pytest.fixture
def people(app_session, make_user):
    make = make_user
    return type(
        "People",
        (),
        {
            "designer": make(app_session, role="designer", districts=()),
            "other_designer": make(app_session, role="designer", districts=()),
            "officer": make(app_session, role="officer", districts=("370202",)),
            "far_officer": make(app_session, role="officer", districts=("370212",)),
            "viewer": make(app_session, role="viewer", districts=()),
        },
    )


@pytest.fixture
def weather(app_session):
    return add_weather(app_session)


@pytest.fixture
def building(app_session, people, make_building):
    """A city government office in 市南区 registered by the designer."""
    return make_building(
        app_session,
        people.designer,
        building_type="office_government",
        sub_type="city",
        hvac_class="A",
        heating_type="district",
        floor_area_m2="10000",
        name="市南区政务服务中心",
    )


@pytest.fixture
def as_user(app, login):
    def client_for(user):
        client = app.test_client()
        login(client, user)
        return client

    return client_for


def queued_check(session, building, user, status="queued", **fields) -> Check:
    check = Check(
        building_id=building.id,
        created_by_id=user.id,
        status=status,
        idf_path="0" * 32 + ".idf",
        idf_original_name="office.idf",
        idf_sha256=IDF_SHA,
        **fields,
    )
    session.add(check)
    session.commit()
    return check


# --- the upload form ----------------------------------------------------------------------


def test_the_upload_form(as_user, people, building, weather):
    response = as_user(people.designer).get(f"/buildings/{building.id}/checks/new")
    assert response.status_code == 200
    text = text_of(response)
    assert "上传 EnergyPlus 模型" in text and "市南区政务服务中心" in text
    assert "合成" in text  # the synthetic weather year is labelled as such


def test_upload_without_a_file(as_user, people, building, weather):
    response = upload(as_user(people.designer), building.id, None)
    assert response.status_code == 422
    assert upload_error(response) == "请选择要上传的 IDF 模型文件。"


def test_upload_with_the_wrong_extension(as_user, people, building, weather):
    response = upload(as_user(people.designer), building.id, b"Version,25.2;", "model.epJSON")
    assert response.status_code == 422
    assert upload_error(response) == "只接受 .idf 文件（收到“model.epJSON”）。"


def test_upload_too_large(app, as_user, people, building, weather):
    app.extensions["registry.config"].MAX_UPLOAD_BYTES = 1000
    response = upload(as_user(people.designer), building.id, OFFICE_BOX)
    assert response.status_code == 422
    assert upload_error(response).startswith("文件过大")
    assert not list((Path(app.extensions["registry.config"].UPLOAD_DIR) / "models").glob("*"))


def test_a_request_far_over_the_limit_gets_a_readable_413(app, as_user, people, building, weather):
    # Werkzeug refuses the body before the view reads it (MAX_CONTENT_LENGTH).
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(as_user(people.designer), building.id, OFFICE_BOX)
    assert response.status_code == 413
    assert "上传的文件太大。" in text_of(response)


def test_an_old_version_model_is_refused_naming_its_version(as_user, people, building, weather):
    response = upload(
        as_user(people.designer),
        building.id,
        (MODELS / "office_box_v9_4.idf").read_bytes(),
        "office_v9_4.idf",
    )
    assert response.status_code == 422
    error = upload_error(response)
    assert "EnergyPlus 9.4" in error and "25.2" in error and "IDFVersionUpdater" in error


def test_an_english_reader_gets_the_refusal_in_english(as_user, people, building, weather):
    client = as_user(people.designer)
    response = client.post(
        f"/buildings/{building.id}/checks/new?lang=en",
        data={"idf": (io.BytesIO((MODELS / "office_box_v9_4.idf").read_bytes()), "old.idf")},
        content_type="multipart/form-data",
    )
    assert "The model is for EnergyPlus 9.4" in upload_error(response)


def test_a_python_plugin_model_is_refused_naming_the_object(as_user, people, building, weather):
    model = OFFICE_BOX + b"\nPythonPlugin:Instance,\n  Sneaky,\n  No,\n  evil,\n  Plugin;\n"
    response = upload(as_user(people.designer), building.id, model)
    assert response.status_code == 422
    assert "PythonPlugin:Instance" in upload_error(response)


def test_a_good_upload_queues_a_check_and_shows_its_progress(
    app_session, as_user, people, building, weather
):
    client = as_user(people.designer)
    response = upload(client, building.id, OFFICE_BOX, "市南政务中心.idf")
    assert response.status_code == 302
    check_id = int(response.headers["Location"].rsplit("/", 1)[1])
    check = app_session.exec(select(Check).where(Check.id == check_id)).one()
    assert check.status == "queued" and check.idf_original_name == "市南政务中心.idf"
    assert check.enqueue_error is None  # went into the test's own broker file

    page = client.get(f"/checks/{check_id}")
    html = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "排队中" in text_of(page) and "市南政务中心.idf" in text_of(page)
    assert 'class="current">排队中' in html


def test_the_building_page_links_to_the_upload_for_those_who_may_upload(as_user, people, building):
    link = f'href="/buildings/{building.id}/checks/new"'
    assert link in as_user(people.designer).get(f"/buildings/{building.id}").get_data(as_text=True)
    assert link not in as_user(people.viewer).get(f"/buildings/{building.id}").get_data(
        as_text=True
    )


# --- who may do what ----------------------------------------------------------------------


def test_a_viewer_cannot_upload(as_user, people, building, weather):
    client = as_user(people.viewer)
    assert client.get(f"/buildings/{building.id}/checks/new").status_code == 403
    assert upload(client, building.id, OFFICE_BOX).status_code == 403


def test_a_designer_cannot_upload_for_someone_elses_building(as_user, people, building, weather):
    assert upload(as_user(people.other_designer), building.id, OFFICE_BOX).status_code == 403


def test_designers_see_their_own_checks_only(app_session, as_user, people, building, weather):
    mine = queued_check(app_session, building, people.designer)
    theirs = as_user(people.other_designer)
    assert f"/checks/{mine.id}" not in theirs.get("/checks").get_data(as_text=True)
    assert theirs.get(f"/checks/{mine.id}").status_code == 403
    assert theirs.get(f"/checks/{mine.id}/report.pdf").status_code == 403
    assert f"/checks/{mine.id}" in as_user(people.designer).get("/checks").get_data(as_text=True)


def test_the_check_list_names_the_building_and_shows_beijing_time_and_eui(
    app, app_session, as_user, people, building, weather
):
    from registry.web.display import when

    done = add_done_check(app_session, building, people.designer, weather)
    waiting = queued_check(app_session, building, people.designer)
    response = as_user(people.designer).get("/checks")
    rows = {
        int(m[1]): m[0]
        for m in re.finditer(
            r'<tr>\s*<td><a href="/checks/(\d+)">.*?</tr>', response.get_data(as_text=True), re.S
        )
    }
    assert set(rows) == {done.id, waiting.id}
    for row in rows.values():
        assert f">{building.name}</a>" in row and "UTC" not in row
    app_session.refresh(done)
    with app.test_request_context("/"):
        beijing = when(done.queued_at)  # UTC+8, as on the check's own page
    assert f"<td>{beijing}</td>" in rows[done.id]
    assert ">80.0</td>" in rows[done.id]  # 800 000 kWh on 10 000 m²
    assert rows[waiting.id].rstrip().endswith('<td class="num"></td>\n    </tr>')


def test_officers_see_checks_in_their_districts_only(
    app_session, as_user, people, building, weather
):
    check = queued_check(app_session, building, people.designer)
    near = as_user(people.officer)
    assert near.get(f"/checks/{check.id}").status_code == 200
    assert f"/checks/{check.id}" in near.get("/checks").get_data(as_text=True)
    far = as_user(people.far_officer)
    assert f"/checks/{check.id}" not in far.get("/checks").get_data(as_text=True)
    response = far.get(f"/checks/{check.id}")
    assert response.status_code == 403
    assert "您没有权限执行此操作。" in text_of(response)


def test_an_unknown_check_is_404(as_user, people):
    assert as_user(people.designer).get("/checks/999").status_code == 404


def test_check_pages_need_a_login(client, app_session, people, building):
    check = queued_check(app_session, building, people.designer)
    for url in (f"/checks/{check.id}", f"/checks/{check.id}/report.pdf", "/checks"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- progress, results, cancel ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "current"),
    [("validating", "校验模型"), ("running", "计算中"), ("reading", "读取结果")],
)
def test_progress_states_refresh_the_page(
    app_session, as_user, people, building, weather, status, current
):
    check = queued_check(app_session, building, people.designer, status=status, attempts=2)
    response = as_user(people.designer).get(f"/checks/{check.id}")
    html = response.get_data(as_text=True)
    assert f'class="current">{current}' in html
    assert html.count('class="done"') == ("queued", "validating", "running", "reading").index(
        status
    )
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "尝试次数 2" in text_of(response)  # a retried run says so
    assert "下载校核报告" not in text_of(response)


def test_a_failed_check_shows_why_and_stops_refreshing(
    app_session, as_user, people, building, weather
):
    check = queued_check(
        app_session,
        building,
        people.designer,
        status="failed",
        error_code="energyplus.failed",
        error_params={"returncode": 1},
        err_summary={
            "warnings": 0,
            "severes": 1,
            "fatals": 1,
            "messages": [{"severity": "Severe", "text": "GetConstructData: item not found"}],
        },
    )
    response = as_user(people.designer).get(f"/checks/{check.id}")
    html = response.get_data(as_text=True)
    assert "EnergyPlus 计算失败（退出码 1）" in text_of(response)
    assert "GetConstructData: item not found" in text_of(response)
    assert 'http-equiv="refresh"' not in html
    assert "取消" not in text_of(response).replace("已取消", "")


def test_a_done_check_shows_eui_traceability_verdict_and_report_link(
    app_session, as_user, people, building, weather
):
    from registry.services.quotas import seed as quota_seed

    quota_seed.seed(app_session)
    check = add_done_check(app_session, building, people.designer, weather)
    response = as_user(people.officer).get(f"/checks/{check.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert 'http-equiv="refresh"' not in html
    assert "80.0 kWh/(m²·a)" in text
    assert IDF_SHA in html and "cd" * 32 in html  # model and weather hashes
    assert "EnergyPlus 25.2.0" in text
    assert 'id="verdict"' in html and "DB37/T 2672" in text
    assert f'href="/checks/{check.id}/report.pdf"' in html
    assert "下载校核报告（PDF）" in text
    # Sources say how sure they are in words, not as stored codes.
    assert "已核实（转引来源）" in text and "已核实（标准原文）" in text
    assert not re.search(r"verified-|assumption", text)
    # The accounting table names fuels as the rest of the page does, not as EnergyPlus does.
    accounting = re.search(r'<table[^>]*id="verdict-accounting".*?</table>', html, re.S)[0]
    assert "天然气" in accounting and "电力" in accounting
    assert "Natural Gas" not in accounting and "Electricity" not in accounting
    english = as_user(people.designer).get(f"/checks/{check.id}?lang=en")
    assert "Download the check report (PDF)" in text_of(english)
    assert (
        "Natural Gas"
        in re.search(r'id="verdict-accounting".*?</table>', english.get_data(as_text=True), re.S)[0]
    )


def test_the_report_download(app_session, as_user, people, building, weather):
    from registry.services.quotas import seed as quota_seed

    quota_seed.seed(app_session)
    check = add_done_check(app_session, building, people.designer, weather)
    client = as_user(people.officer)
    response = client.get(f"/checks/{check.id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="check-{check.id}-zh.pdf"'
    )
    english = client.get(f"/checks/{check.id}/report.pdf?lang=en")
    assert english.headers["Content-Disposition"].endswith(f'check-{check.id}-en.pdf"')
    assert as_user(people.far_officer).get(f"/checks/{check.id}/report.pdf").status_code == 403


def test_cancel_a_queued_check(app_session, as_user, people, building, weather):
    check = queued_check(app_session, building, people.designer)
    client = as_user(people.designer)
    response = client.post(f"/checks/{check.id}/cancel", follow_redirects=True)
    assert response.status_code == 200
    text = text_of(response)
    assert "已请求取消。" in text and "已取消" in text
    app_session.refresh(check)
    assert check.status == "cancelled" and check.cancel_requested

    again = client.post(f"/checks/{check.id}/cancel", follow_redirects=True)
    assert "该校核已结束（cancelled），无法取消。" in text_of(again)


def test_a_running_check_is_asked_to_stop(app_session, as_user, people, building, weather):
    check = queued_check(app_session, building, people.designer, status="running")
    as_user(people.designer).post(f"/checks/{check.id}/cancel")
    app_session.refresh(check)
    # The worker stops the engine and marks it cancelled; the page only asks.
    assert check.status == "running" and check.cancel_requested


def test_only_the_uploader_or_an_admin_may_cancel(app_session, as_user, people, building, weather):
    check = queued_check(app_session, building, people.designer)
    officer = as_user(people.officer)
    assert "取消</button>" not in officer.get(f"/checks/{check.id}").get_data(as_text=True)
    assert officer.post(f"/checks/{check.id}/cancel").status_code == 403
    assert as_user(people.other_designer).post(f"/checks/{check.id}/cancel").status_code == 403
    app_session.refresh(check)
    assert check.status == "queued"


def test_a_reused_run_never_shows_another_designers_check(
    app, app_session, as_user, people, building, weather, make_building
):
    """Issue 24, item 12: the cache tells a designer an identical run was reused, and names
    the earlier check only when it was their own."""
    from registry.services.checks import uploads as check_service

    config = app.extensions["registry.config"]
    key = check_service.cache_key(
        check_service.sha256_bytes(OFFICE_BOX),
        weather.sha256,
        check_service.engine_version_for_cache(config.ENERGYPLUS_BINARY),
        check_service.DEFAULT_OPTIONS,
    )
    earlier = add_done_check(app_session, building, people.designer, weather)
    earlier.cache_key = key
    app_session.add(earlier)
    app_session.commit()
    theirs = make_building(
        app_session, people.other_designer, floor_area_m2="10000", name="另一设计院的楼"
    )
    pages = {}
    for user, target in ((people.other_designer, theirs), (people.designer, building)):
        client = as_user(user)
        response = upload(client, target.id, OFFICE_BOX)
        assert response.status_code == 302
        check_id = int(response.headers["Location"].rsplit("/", 1)[1])
        pages[user.id] = (check_id, client.get(f"/checks/{check_id}").get_data(as_text=True))
    with app.app_context():
        from registry.services.checks.payload import check_payload

        other_id, other_page = pages[people.other_designer.id]
        own_id, own_page = pages[people.designer.id]
        other = check_payload(app_session, app_session.get(Check, other_id), "en")
        own = check_payload(app_session, app_session.get(Check, own_id), "en")
    assert other["cached"] is True and other["cached_from_id"] is None
    for text in (f'href="/checks/{earlier.id}"', f">#{earlier.id}<"):
        assert text not in other_page
    assert "此前一次相同的计算" in other_page
    assert own["cached"] is True and own["cached_from_id"] == earlier.id
    assert f'href="/checks/{earlier.id}"' in own_page


def test_the_form_takes_a_reference_model_with_the_saving_rate_only(
    app_session, as_user, people, building, weather
):
    from registry.services.saving import designer
    from registry.services.saving import seed as saving_seed

    saving_seed.seed(app_session)
    client = as_user(people.designer)
    assert "参照建筑模型（可选）" in text_of(client.get(f"/buildings/{building.id}/checks/new"))

    def form(**fields):
        files = {"idf": (io.BytesIO(OFFICE_BOX), "design.idf")}
        files["reference"] = (io.BytesIO(OFFICE_BOX + b"\n"), "参照.idf")
        return client.post(
            f"/buildings/{building.id}/checks/new",
            data={**files, **fields},
            content_type="multipart/form-data",
        )

    alone = form()
    assert alone.status_code == 422
    assert upload_error(alone).startswith("只有节能率检查才比对参照建筑模型")
    paired = form(saving_rate="1")
    assert paired.status_code == 302
    check_id = int(paired.headers["Location"].rsplit("/", 1)[1])
    check = app_session.exec(select(Check).where(Check.id == check_id)).one()
    assert designer.reference_sha256(check.options)
