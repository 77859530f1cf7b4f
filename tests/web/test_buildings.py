"""The building pages: list with filters and paging, register and edit forms, detail."""

from __future__ import annotations

import re

import pytest

from registry.domain.buildings.credit_code import make_credit_code
from tests.conftest import building_data
from tests.web.conftest import field_error, input_value, text_of


@pytest.fixture
def officer(app_session, make_user):
    return make_user(app_session, role="officer", districts=("370202",))


@pytest.fixture
def officer_client(client, officer, login):
    login(client, officer)
    return client


def rows(response) -> list[str]:
    """Building names listed on a list page, in order."""
    return re.findall(r'<td><a href="/buildings/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_register_a_building_through_the_form(officer_client):
    page = officer_client.get("/buildings/new")
    assert page.status_code == 200
    assert 'value="370202" selected' in page.get_data(as_text=True)  # the officer's district
    data = building_data(
        name="青岛国际会展中心",
        latitude="36.07",
        longitude="120.38",
        prefabricated="true",
        assembly_rate_pct="55",
        annual_use_hours="2500",
    )
    response = officer_client.post("/buildings/new", data=data)
    assert response.status_code == 302
    detail = officer_client.get(response.headers["Location"])
    text = text_of(detail)
    assert "建筑已登记。" in text
    assert "青岛国际会展中心" in text and "市南区" in text and "党政机关办公建筑" in text
    assert "装配率（%） 55" in text and "12,000 m²" in text
    assert "新增认证记录" in text  # the officer may add records here


# (form overrides, field, Chinese message part, English message part)
FIELD_ERRORS = [
    ({"name": ""}, "name", "此项为必填项。", "This field is required."),
    ({"name": "楼" * 201}, "name", "最多 200 个字符。", "At most 200 characters."),
    (
        {"floor_area_m2": "一万二"},
        "floor_area_m2",
        "面积“一万二”不是数字，请填写平方米数。",
        "Area “一万二” is not a number; enter square metres.",
    ),
    ({"floor_area_m2": "0"}, "floor_area_m2", "面积必须大于 0。", "Area must be greater than 0."),
    (
        {"floor_area_m2": "120000000"},
        "floor_area_m2",
        "可能是单位错误（万平方米？）",
        "is it in 10,000 m² (万平方米) by mistake?",
    ),
    (
        {"district_code": "高新区"},
        "district_code",
        "“高新区”不是青岛市的区（市）",
        "“高新区” is not one of Qingdao's ten districts.",
    ),
    (
        {"building_type": "castle"},
        "building_type",
        "未知的建筑类型“castle”。",
        "Unknown building type “castle”.",
    ),
    (
        {"sub_type": "star_5"},
        "sub_type",
        "“star_5”不是该建筑类型的细分类别。",
        "“star_5” is not a sub-type of this building type.",
    ),
    ({"storeys": "2.5"}, "storeys", "“2.5”不是整数。", "“2.5” is not a whole number."),
    ({"completion_year": "1850"}, "completion_year", "应在 1900 到", "Must be between 1900 and"),
    (
        {"latitude": "36.1"},
        "longitude",
        "经度和纬度需同时填写。",
        "Give both latitude and longitude, or neither.",
    ),
    (
        {"latitude": "45", "longitude": "120"},
        "latitude",
        "应在 35.0 到 37.5 之间。",
        "Must be between 35.0 and 37.5.",
    ),
    (
        {"assembly_rate_pct": "40"},
        "assembly_rate_pct",
        "非装配式建筑不应填写装配率。",
        "An assembly rate is only for prefabricated buildings.",
    ),
    (
        {"owner_credit_code": "91370200MA3C1234XA"},
        "owner_credit_code",
        "的校验位应为",
        "The check character of credit code",
    ),
    (
        {"is_new_build": "maybe"},
        "is_new_build",
        "“maybe”应为“是”或“否”。",
        "“maybe” should be yes or no.",
    ),
]


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize(
    ("overrides", "field", "zh", "en"),
    FIELD_ERRORS,
    ids=[f"{case[1]}-{i}" for i, case in enumerate(FIELD_ERRORS)],
)
def test_field_errors_are_shown_next_to_the_field(officer_client, locale, overrides, field, zh, en):
    if locale == "en":
        officer_client.get("/buildings/new?lang=en")
    data = building_data(**{"name": "保留我输入的名称", **overrides})
    if data.get("owner_credit_code") == "91370200MA3C1234XA":
        # Make sure the slip really is a wrong check character.
        assert make_credit_code("91370200MA3C1234X") != data["owner_credit_code"]
    response = officer_client.post("/buildings/new", data=data)
    assert response.status_code == 422
    message = field_error(response, field)
    assert message is not None, text_of(response)
    assert (zh if locale == "zh" else en) in message
    # What was typed stays in the form.
    assert input_value(response, "name") == data["name"]
    assert input_value(response, "floor_area_m2") == data["floor_area_m2"]
    summary = "提交的信息有误，请按提示修改。" if locale == "zh" else "Some fields need correcting."
    assert summary in text_of(response)


def test_several_errors_are_reported_at_once(officer_client):
    response = officer_client.post(
        "/buildings/new", data=building_data(name="", floor_area_m2="-5", storeys="x")
    )
    assert response.status_code == 422
    assert field_error(response, "name") and field_error(response, "floor_area_m2")
    assert field_error(response, "storeys")


def test_officer_registering_outside_their_district_is_told_on_the_field(officer_client):
    response = officer_client.post("/buildings/new", data=building_data(district_code="370212"))
    assert response.status_code == 403
    assert "您只能处理所辖区（市）的建筑" in field_error(response, "district_code")
    assert input_value(response, "name") is not None


def test_edit_keeps_before_and_after_in_the_history(
    officer_client, app_session, officer, make_building
):
    building = make_building(app_session, officer, floor_area_m2="12000")
    form = officer_client.get(f"/buildings/{building.id}/edit")
    assert input_value(form, "floor_area_m2") == "12000"
    data = building_data(name=building.name, floor_area_m2="15000", prefabricated="")
    response = officer_client.post(f"/buildings/{building.id}/edit", data=data)
    assert response.status_code == 302
    html = officer_client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert re.search(r"建筑面积（m²）</span>：<del>12,000</del> → <ins>15,000</ins>", html)
    assert "修改" in html and officer.username in html


def test_edit_errors_keep_values_and_change_nothing(
    officer_client, app_session, officer, make_building
):
    building = make_building(app_session, officer)
    response = officer_client.post(
        f"/buildings/{building.id}/edit", data=building_data(floor_area_m2="abc")
    )
    assert response.status_code == 422
    assert input_value(response, "floor_area_m2") == "abc"
    assert "12,000 m²" in text_of(officer_client.get(f"/buildings/{building.id}"))


def test_officer_outside_the_district_gets_a_readable_403(
    client, app_session, make_user, make_building, login
):
    owner = make_user(app_session, role="officer", districts=("370202",))
    building = make_building(app_session, owner)
    login(client, make_user(app_session, role="officer", districts=("370212",)))
    response = client.get(f"/buildings/{building.id}/edit")
    assert response.status_code == 403
    text = text_of(response)
    assert "无权操作" in text and "您只能处理所辖区（市）的建筑（崂山区）。" in text
    assert "Traceback" not in text
    english = client.get(f"/buildings/{building.id}/records/new?lang=en")
    assert english.status_code == 403
    assert "You can only act on buildings in your districts" in text_of(english)
    # The building itself is public registry data: they may read it, without edit buttons.
    detail = client.get(f"/buildings/{building.id}?lang=zh_Hans_CN")
    assert detail.status_code == 200 and "修改建筑信息" not in text_of(detail)


def test_viewer_is_read_only(client, app_session, make_user, make_building, make_record, login):
    admin = make_user(app_session, role="admin")
    building = make_building(app_session, admin)
    make_record(app_session, admin, building, status="submitted")
    login(client, make_user(app_session, role="viewer"))
    listing = client.get("/buildings")
    assert building.name in rows(listing) and "登记建筑" not in text_of(listing)
    detail = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "已提交" in detail
    for action in (
        f"/buildings/{building.id}/edit",
        f"/buildings/{building.id}/records/new",
        "/approve",
        "/reject",
        "/submit",
        "/records/1/edit",
    ):
        assert action not in detail
    refused = client.get("/buildings/new")
    assert refused.status_code == 403 and "您没有权限执行此操作。" in text_of(refused)
    assert client.post("/buildings/new", data=building_data()).status_code == 403


def test_unknown_building_is_a_readable_404(officer_client):
    response = officer_client.get("/buildings/9999")
    assert response.status_code == 404
    assert "找不到编号为 9999 的建筑。" in text_of(response)


@pytest.fixture
def listed(app_session, make_user, make_building, make_record):
    """Five buildings across districts, types, levels and statuses."""
    admin = make_user(app_session, role="admin")
    made = {
        "shinan_office": make_building(app_session, admin, name="市南办公楼"),
        "laoshan_hotel": make_building(
            app_session,
            admin,
            name="崂山酒店",
            district_code="370212",
            building_type="hotel",
            sub_type="star_5",
        ),
        "licang_school": make_building(
            app_session,
            admin,
            name="李沧学校",
            district_code="370213",
            building_type="school",
            sub_type="primary",
        ),
        "jimo_home": make_building(
            app_session,
            admin,
            name="即墨住宅",
            district_code="370215",
            building_type="residential",
            sub_type="",
        ),
        "bare": make_building(app_session, admin, name="无记录建筑"),
    }
    make_record(
        app_session,
        admin,
        made["shinan_office"],
        status="approved",
        level="2",
        label_number="QD-2-001",
    )
    make_record(
        app_session,
        admin,
        made["laoshan_hotel"],
        status="submitted",
        level="3",
        issued_on="2023-03-01",
    )
    make_record(
        app_session,
        admin,
        made["licang_school"],
        status="approved",
        kind="energy",
        level="nearly_zero",
        stage="",
    )
    make_record(
        app_session,
        admin,
        made["jimo_home"],
        status="draft",
        kind="retrofit",
        level="old_community",
        stage="",
        label_number="",
        issued_on="",
        started_on="2022-05-01",
    )
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"市南办公楼", "崂山酒店", "李沧学校", "即墨住宅", "无记录建筑"}),
        ("district=370212", {"崂山酒店"}),
        ("type=school", {"李沧学校"}),
        ("kind=retrofit", {"即墨住宅"}),
        ("level=2", {"市南办公楼"}),
        ("kind=green_label&level=3", {"崂山酒店"}),
        ("status=published", {"市南办公楼", "李沧学校"}),
        ("status=published&kind=energy", {"李沧学校"}),
        ("year=2023", {"崂山酒店"}),
        ("year=2022", {"即墨住宅"}),
        ("q=酒店", {"崂山酒店"}),
        ("q=QD-2-001", {"市南办公楼"}),
        ("district=370202&status=draft", set()),
    ],
)
def test_list_filters(officer_client, listed, query, expected):
    response = officer_client.get(f"/buildings?{query}")
    assert response.status_code == 200
    assert set(rows(response)) == expected
    assert f"共 {len(expected)} 栋建筑" in text_of(response)


def test_list_shows_localized_names_and_badges(officer_client, listed):
    text = text_of(officer_client.get("/buildings?status=published"))
    assert "二星级 已公布" in text and "近零能耗 已公布" in text and "李沧区" in text
    english = text_of(officer_client.get("/buildings?status=published&lang=en"))
    assert "Two star Published" in english and "Licang" in english
    assert "2 buildings found" in english


def test_bad_year_filter_is_explained_not_fatal(officer_client, listed):
    response = officer_client.get("/buildings?year=twenty")
    assert response.status_code == 200
    assert "“twenty”不是整数。" in field_error(response, "year")
    assert len(rows(response)) == 5


def test_paging_with_a_chosen_page_size(officer_client, app_session, officer, make_building):
    for number in range(12):
        make_building(app_session, officer, name=f"分页楼 {number:02d}")
    first = officer_client.get("/buildings?page_size=10&q=分页楼")
    assert len(rows(first)) == 10 and "共 12 栋建筑" in text_of(first)
    assert "第 1 页，共 2 页" in text_of(first)
    html = first.get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' not in html
    second = officer_client.get("/buildings?page_size=10&q=分页楼&page=2")
    assert rows(second) == ["分页楼 01", "分页楼 00"]  # newest first
    assert 'rel="prev"' in second.get_data(as_text=True)
    # A page size not offered falls back to the default rather than dumping everything.
    assert len(rows(officer_client.get("/buildings?page_size=5000&q=分页楼"))) == 12
    assert len(rows(officer_client.get("/buildings?page_size=20&q=分页楼&page=x"))) == 12
