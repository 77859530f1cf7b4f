"""Records through the forms: add, submit, approve, reject, revoke, correct; who sees what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from registry.domain import dates
from registry.models import Record
from tests.conftest import building_data
from tests.web.conftest import field_error, input_value, text_of


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def building(app_session, officer, make_building):
    return make_building(app_session, officer, floor_area_m2="8000")


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def label_form(**overrides) -> dict:
    data = {
        "kind": "green_label",
        "level": "2",
        "stage": "evaluation",
        "label_number": "鲁绿标 2024-0001",
        "issued_on": "2024-03-01",
        "counted_area_m2": "8000",
        "notes": "",
    }
    data.update(overrides)
    return data


def status_of(app_session, record_id: int) -> str:
    app_session.expire_all()
    return app_session.get(Record, record_id).status


def only_record_id(app_session, building) -> int:
    app_session.expire_all()
    return app_session.exec(select(Record.id).where(Record.building_id == building.id)).one()


def test_new_record_form_defaults_counted_area_to_the_floor_area(officer_client, building):
    response = officer_client.get(f"/buildings/{building.id}/records/new")
    assert response.status_code == 200
    assert input_value(response, "counted_area_m2") == "8000"


@pytest.fixture
def checker_client(app, app_session, make_user, login):
    """A second officer of the district: reviews what `officer` drafted (maker-checker)."""
    client = app.test_client()
    login(client, make_user(app_session, role="officer", districts=("370202",)))
    return client


def test_full_lifecycle_through_the_forms(officer_client, checker_client, app_session, building):
    response = officer_client.post(f"/buildings/{building.id}/records/new", data=label_form())
    assert response.status_code == 302
    record_id = only_record_id(app_session, building)
    detail = officer_client.get(f"/buildings/{building.id}")
    html = detail.get_data(as_text=True)
    assert "记录已保存为草稿。" in text_of(detail) and "badge-draft" in html
    assert f"/records/{record_id}/submit" in html and f"/records/{record_id}/approve" not in html

    officer_client.post(f"/records/{record_id}/submit")
    assert status_of(app_session, record_id) == "submitted"
    html = officer_client.get(f"/buildings/{building.id}").get_data(as_text=True)
    # Whoever submitted does not approve (maker-checker); they may still send it back.
    assert f"/records/{record_id}/approve" not in html and f"/records/{record_id}/reject" in html
    html = checker_client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert f"/records/{record_id}/approve" in html and f"/records/{record_id}/reject" in html

    checker_client.post(f"/records/{record_id}/approve")
    assert status_of(app_session, record_id) == "notice"
    detail = officer_client.get(f"/buildings/{building.id}")
    html = detail.get_data(as_text=True)
    assert '<span class="badge badge-notice">公示中</span>' in html
    assert "批准日期 " + dates.today().isoformat() in text_of(detail)
    # Once its notice has ended (moved into the past here), it is published through the form.
    app_session.execute(
        Record.__table__.update()
        .where(Record.id == record_id)
        .values(notice_start_on=date(2024, 3, 4), notice_end_on=date(2024, 3, 12))
    )
    app_session.commit()
    published = checker_client.post(f"/records/{record_id}/publish", data={"date": "2024-03-13"})
    assert published.status_code == 302, text_of(published)
    detail = officer_client.get(f"/buildings/{building.id}")
    html = detail.get_data(as_text=True)
    assert '<span class="badge badge-published">已公布</span>' in html
    assert f"/records/{record_id}/revoke" in html and f"/records/{record_id}/correct" in html
    assert f"/records/{record_id}/edit" not in html
    assert "公布日期 2024-03-13" in text_of(detail)

    response = officer_client.post(
        f"/records/{record_id}/revoke",
        data={"reason": "证书被注销", "date": dates.today().isoformat()},
    )
    assert response.status_code == 302
    assert status_of(app_session, record_id) == "revoked"
    text = text_of(officer_client.get(f"/buildings/{building.id}"))
    assert "已撤销" in text and "证书被注销" in text


def test_reject_needs_a_reason(officer_client, app_session, officer, building, make_record):
    record = make_record(app_session, officer, building, status="submitted")
    page = officer_client.get(f"/records/{record.id}/reject")
    assert page.status_code == 200
    response = officer_client.post(f"/records/{record.id}/reject", data={"reason": "   "})
    assert response.status_code == 422
    assert field_error(response, "reason") == "请说明原因。"
    assert status_of(app_session, record.id) == "submitted"
    english = officer_client.post(f"/records/{record.id}/reject?lang=en", data={"reason": ""})
    assert field_error(english, "reason") == "Give a reason."

    response = officer_client.post(
        f"/records/{record.id}/reject", data={"reason": "面积与图纸不符"}
    )
    assert response.status_code == 302
    assert status_of(app_session, record.id) == "rejected"
    detail = officer_client.get(f"/buildings/{building.id}")
    text = text_of(detail)
    assert "面积与图纸不符" in text
    # A rejected record can be edited and submitted again.
    assert f"/records/{record.id}/submit" in detail.get_data(as_text=True)


def test_revoke_needs_a_reason_and_a_valid_date(
    officer_client, app_session, officer, building, make_record
):
    record = make_record(
        app_session, officer, building, status="approved", issued_on=date(2021, 6, 1)
    )
    response = officer_client.post(f"/records/{record.id}/revoke", data={"reason": "", "date": ""})
    assert response.status_code == 422
    assert field_error(response, "reason") == "请说明原因。"
    assert field_error(response, "date") == "此项为必填项。"
    early = officer_client.post(
        f"/records/{record.id}/revoke", data={"reason": "注销", "date": "2020-01-01"}
    )
    # Not before it was granted: published the day after its notice (1–9 June 2021).
    assert "撤销日期 2020-01-01 早于发证（生效）日期 2021-06-10。" in field_error(early, "date")
    assert "注销" in early.get_data(as_text=True)  # the reason typed is kept
    garbled = officer_client.post(
        f"/records/{record.id}/revoke", data={"reason": "注销", "date": "2021-13-45"}
    )
    assert "不是有效日期" in field_error(garbled, "date")
    assert status_of(app_session, record.id) == "published"


def test_label_number_collision_is_shown_on_the_field(
    officer_client, app_session, officer, building, make_record
):
    taken = make_record(app_session, officer, building, label_number="QD-GB-2024-007")
    response = officer_client.post(
        f"/buildings/{building.id}/records/new", data=label_form(label_number="QD-GB-2024-007")
    )
    assert response.status_code == 409
    assert field_error(response, "label_number") == (
        f"标识编号“QD-GB-2024-007”已被记录 {taken.id} 使用，标识编号不能重复。"
    )
    assert input_value(response, "label_number") == "QD-GB-2024-007"


def test_record_field_errors_in_both_languages(officer_client, building):
    url = f"/buildings/{building.id}/records/new"
    response = officer_client.post(
        url, data=label_form(stage="", issued_on="", level="ultra_low", counted_area_m2="9000")
    )
    assert response.status_code == 422
    assert field_error(response, "stage") == "绿色建筑标识需选择评价阶段（预评价或评价）。"
    assert field_error(response, "issued_on") == "请填写发证日期。"
    assert field_error(response, "level") == "“ultra_low”不是该类别的等级。"
    english = officer_client.post(url + "?lang=en", data=label_form(counted_area_m2="9000"))
    assert field_error(english, "counted_area_m2") == (
        "Counted area 9000.0 m² exceeds the building's floor area 8000.0 m²."
    )


def test_edit_a_draft_and_see_the_change_in_history(
    officer_client, app_session, officer, building, make_record
):
    record = make_record(app_session, officer, building, level="1")
    form = officer_client.get(f"/records/{record.id}/edit")
    assert 'value="1" selected' in form.get_data(as_text=True)
    data = label_form(level="3", label_number=record.label_number, issued_on="2021-06-01")
    assert officer_client.post(f"/records/{record.id}/edit", data=data).status_code == 302
    html = officer_client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert re.search(r"等级</span>：<del>一星级</del> → <ins>三星级</ins>", html)


def test_correct_an_approved_record_needs_a_reason_and_is_audited(
    officer_client, app_session, officer, building, make_record
):
    record = make_record(
        app_session, officer, building, status="approved", level="1", issued_on=date(2021, 6, 1)
    )
    assert officer_client.get(f"/records/{record.id}/edit").status_code == 409
    data = label_form(level="2", label_number=record.label_number, issued_on="2021-06-01")
    response = officer_client.post(f"/records/{record.id}/correct", data={**data, "reason": ""})
    assert response.status_code == 422
    assert field_error(response, "reason") == "请说明原因。"
    response = officer_client.post(
        f"/records/{record.id}/correct", data={**data, "reason": "证书扫描件显示为二星级"}
    )
    assert response.status_code == 302
    html = officer_client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "更正" in html and "证书扫描件显示为二星级" in html
    assert re.search(r"<del>一星级</del> → <ins>二星级</ins>", html)
    assert status_of(app_session, record.id) == "published"


def test_designer_cannot_approve(client, app_session, make_user, make_building, make_record, login):
    designer = make_user(app_session, role="designer")
    building = make_building(app_session, designer)
    record = make_record(app_session, designer, building, status="submitted")
    login(client, designer)
    html = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert f"/records/{record.id}/approve" not in html
    assert f"/records/{record.id}/edit" in html  # still their own record to edit
    response = client.post(f"/records/{record.id}/approve")
    assert response.status_code == 403
    assert "设计人员不能审批记录。" in text_of(response)
    assert client.get(f"/records/{record.id}/reject").status_code == 403
    assert status_of(app_session, record.id) == "submitted"


def test_designer_cannot_add_records_to_others_buildings(
    client, app_session, make_user, building, login
):
    login(client, make_user(app_session, role="designer"))
    response = client.post(f"/buildings/{building.id}/records/new", data=label_form())
    assert response.status_code == 403
    assert "设计人员只能为自己登记的建筑提交记录。" in text_of(response)


def test_officer_of_another_district_cannot_approve(
    client, app_session, officer, building, make_user, make_record, login
):
    record = make_record(app_session, officer, building, status="submitted")
    login(client, make_user(app_session, role="officer", districts=("370211",)))
    assert f"/records/{record.id}/approve" not in client.get(f"/buildings/{building.id}").get_data(
        as_text=True
    )
    response = client.post(f"/records/{record.id}/approve")
    assert response.status_code == 403
    assert "您只能处理所辖区（市）的建筑" in text_of(response)


def test_a_step_out_of_order_says_why(officer_client, app_session, officer, building, make_record):
    record = make_record(app_session, officer, building)
    response = officer_client.post(f"/records/{record.id}/approve")
    assert response.status_code == 409
    assert "该记录当前状态为“草稿”，不能审查通过。" in text_of(response)


def test_forms_work_on_both_databases(app_both, make_user, login):
    """The pages' queries (filters, history) on SQLite and on PostgreSQL."""
    client = app_both.test_client()
    with Session(app_both.extensions["registry.engine"], expire_on_commit=False) as session:
        officer = make_user(session, role="officer", districts=("370202",))
        checker = make_user(session, role="officer", districts=("370202",))
    login(client, officer)
    second = app_both.test_client()
    login(second, checker)
    response = client.post("/buildings/new", data=building_data(name="双库测试楼"))
    building_path = response.headers["Location"]
    building_id = int(building_path.rsplit("/", 1)[1])
    client.post(f"/buildings/{building_id}/records/new", data=label_form(issued_on="2023-05-01"))
    html = client.get(building_path).get_data(as_text=True)
    record_id = int(re.search(r'id="record-(\d+)"', html).group(1))
    client.post(f"/records/{record_id}/submit")
    second.post(f"/records/{record_id}/approve")
    listing = text_of(client.get("/buildings?level=2&status=notice&year=2023"))
    assert "双库测试楼" in listing and "共 1 栋建筑" in listing
    history = client.get(building_path).get_data(as_text=True)
    assert "<del>已提交</del> → <ins>公示中</ins>" in history
