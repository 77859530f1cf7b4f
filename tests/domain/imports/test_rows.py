import io
from dataclasses import fields
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from registry.domain.buildings.credit_code import make_credit_code
from registry.domain.buildings.fields import parse_building
from registry.domain.buildings.records import RecordInput
from registry.domain.imports.normalise import NormaliseError
from registry.domain.imports.rows import (
    FIELDS,
    HEADER_ALIASES,
    IGNORE,
    MESSAGES,
    ImportRow,
    combine_header_rows,
    map_headers,
    normalise_header,
    parse_building_type,
    repeated_label_numbers,
    validate_row,
)
from registry.i18n import render
from tests.messages import bilingual, catalogue

TODAY = date(2024, 6, 1)
CODE = make_credit_code("91370200MA3C1234X")


@pytest.mark.parametrize(
    "header, field",
    [
        ("项目名称", "name"),
        (" 工程名称 ", "name"),
        ("*项目名称", "name"),
        ("项目名称：", "name"),
        ("项目名称.1", "name"),  # pandas renames a repeated header
        ("Project Name", "name"),
        ("NAME", "name"),
        ("项目地址", "address"),
        ("建设单位", "owner_name"),
        ("所在区（市）", "district_code"),
        ("所在区市", "district_code"),
        ("区市", "district_code"),
        ("所在区/市", "district_code"),
        ("District", "district_code"),
        ("建筑类型", "building_type"),
        ("建筑面积", "floor_area_m2"),
        ("建筑面积(m²)", "floor_area_m2"),
        ("建筑面积(平方米)", "floor_area_m2"),
        ("建筑面积（㎡）", "floor_area_m2"),
        ("建筑面积 m2", "floor_area_m2"),
        ("Floor area (m2)", "floor_area_m2"),
        ("建筑面积(万平方米)", "floor_area_10k_m2"),
        ("建筑面积（万㎡）", "floor_area_10k_m2"),
        ("建筑面积【万m2】", "floor_area_10k_m2"),
        ("建筑面积万平方米", "floor_area_10k_m2"),
        ("Floor area (10,000 m2)", "floor_area_10k_m2"),
        ("改造面积（万平方米）", "counted_area_10k_m2"),
        ("星级", "star_level"),
        ("标识等级", "star_level"),
        ("评价等级", "star_level"),
        ("评价阶段", "stage"),
        ("标识类型", "stage"),
        ("标识编号", "label_number"),
        ("证书编号", "label_number"),
        ("发证日期", "issued_on"),
        ("标识日期", "issued_on"),
        ("评价日期", "issued_on"),
        ("超低能耗", "energy_level"),
        ("近零能耗", "energy_level"),
        ("能效等级", "energy_level"),
        ("改造类型", "retrofit_kind"),
        ("改造开始日期", "started_on"),
        ("开工日期", "start_date"),
        ("改造完成日期", "completed_on"),
        ("竣工日期", "completion_date"),
        ("竣工年份", "completion_year"),
        ("统一社会信用代码", "owner_credit_code"),
        ("装配式", "prefabricated"),
        ("是否装配式", "prefabricated"),
        ("装配率(%)", "assembly_rate_pct"),
        ("设计单位", "design_unit"),
        ("层数", "storeys"),
        ("新建/既有", "is_new_build"),
        ("地块编号", "land_parcel_id"),
        ("经度", "longitude"),
        ("纬度", "latitude"),
        ("序号", IGNORE),
        # merged two-row headers, combined as parent/child
        ("建筑面积/万平方米", "floor_area_10k_m2"),
        ("建筑面积/(m2)", "floor_area_m2"),
        ("绿色建筑标识/星级", "star_level"),
        ("绿色建筑标识/发证日期", "issued_on"),
        ("建设单位/名称", "owner_name"),
        ("建设单位/统一社会信用代码", "owner_credit_code"),
        ("地理位置/经度", "longitude"),
    ],
)
def test_headers_are_recognised(header, field):
    mapping, unknown = map_headers([header])
    assert mapping == {header: field} and unknown == []


def test_unknown_and_blank_headers():
    headers = ["项目名称", "备注", "建筑面积(地上)", "建筑面积/地下", None, "", "Unnamed: 7"]
    headers += ["设计单位/统一社会信用代码", "建设单位/地址"]
    mapping, unknown = map_headers(headers)
    assert mapping == {"项目名称": "name"}
    assert unknown == [
        "备注",
        "建筑面积(地上)",
        "建筑面积/地下",
        "设计单位/统一社会信用代码",
        "建设单位/地址",
    ]


def test_a_saved_mapping_wins_and_can_ignore_a_column():
    saved = {"楼号": "name", "项目名称": None, "备注": "ignore", "星级": "no_such_field"}
    mapping, unknown = map_headers(["楼号", "项目名称", "备注", "星级", "其他"], saved)
    assert mapping == {"楼号": "name", "项目名称": IGNORE, "备注": IGNORE, "星级": "star_level"}
    assert unknown == ["其他"]


def test_no_alias_means_two_fields():
    seen: dict[str, str] = {}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            assert seen.setdefault(normalise_header(alias), field) == field, alias
    assert set(FIELDS) >= set(HEADER_ALIASES)


def test_two_header_rows_are_combined_under_merged_parents():
    top = ["序号", "项目名称", "建筑面积", None, "绿色建筑标识", None, None, "备注"]
    bottom = [None, None, "（万平方米）", "地上", "星级", "评价阶段", "发证日期", None]
    assert combine_header_rows(top, bottom) == [
        "序号",
        "项目名称",
        "建筑面积/（万平方米）",
        "建筑面积/地上",
        "绿色建筑标识/星级",
        "绿色建筑标识/评价阶段",
        "绿色建筑标识/发证日期",
        "备注",
    ]
    # a child without a merged parent stays on its own
    assert combine_header_rows(["项目名称", None], [None, "星级"]) == ["项目名称", "星级"]
    assert combine_header_rows(["Unnamed: 0_level_0"], [float("nan")]) == [""]


@pytest.mark.parametrize(
    "value, code",
    [
        ("办公", "office_government"),
        ("政府办公", "office_government"),
        ("机关办公楼", "office_government"),
        ("市级机关办公楼", "office_government"),
        ("商业办公", "office_commercial"),
        ("写字楼", "office_commercial"),
        ("酒店", "hotel"),
        ("宾馆", "hotel"),
        ("旅馆建筑", "hotel"),
        ("商场", "mall"),
        ("商业", "mall"),
        ("购物中心", "mall"),
        ("学校", "school"),
        ("教育建筑", "school"),
        ("医院", "hospital"),
        ("医疗", "hospital"),
        ("体育馆", "venue"),
        ("图书馆", "venue"),
        ("博物馆", "venue"),
        ("剧院", "venue"),
        ("场馆", "venue"),
        ("公共建筑", "other_public"),
        ("其他公共建筑", "other_public"),
        ("住宅", "residential"),
        ("居住建筑", "residential"),
        ("住宅楼", "residential"),
        ("工业", "industrial"),
        ("厂房", "industrial"),
        ("hotel", "hotel"),
        ("office_commercial", "office_commercial"),
    ],
)
def test_building_types(value, code):
    assert parse_building_type(value) == code


@pytest.mark.parametrize(
    "value, code",
    [
        ("商住楼", "building.type_ambiguous"),
        ("住宅及配套商业", "building.type_ambiguous"),
        ("综合楼", "building.type_unknown"),
        ("城堡", "building.type_unknown"),
    ],
)
def test_building_types_refused(value, code):
    with pytest.raises(NormaliseError) as info:
        parse_building_type(value)
    assert info.value.code == code


HEADERS = [
    "序号",
    "项目名称",
    "项目地址",
    "所在区（市）",
    "建筑类型",
    "建筑面积（㎡）",
    "建设单位",
    "统一社会信用代码",
    "星级",
    "评价阶段",
    "标识编号",
    "发证日期",
]
MAPPING, UNKNOWN = map_headers(HEADERS)


def row(**cells) -> dict:
    base = dict.fromkeys(HEADERS)
    base.update(
        {
            "序号": 1,
            "项目名称": "青岛国际创新园",
            "所在区（市）": "崂山区",
            "建筑类型": "写字楼",
            "建筑面积（㎡）": "52,000",
            "星级": "★★",
            "评价阶段": "评价",
            "标识编号": "NO.2021-001",
            "发证日期": "2021-03-05",
        }
    )
    base.update(cells)
    return base


def check(raw, mapping=MAPPING, **kwargs):
    return validate_row(raw, mapping, 7, today=TODAY, **kwargs)


def test_a_clean_row():
    assert UNKNOWN == []
    result = check(row())
    assert result.outcome == "ok" and result.problems == ()
    imported = result.row
    assert (imported.row_number, imported.name, imported.district_code) == (
        7,
        "青岛国际创新园",
        "370212",
    )
    assert (imported.building_type, imported.floor_area_m2) == ("office_commercial", 52000.0)
    assert (imported.kind, imported.level, imported.stage) == ("green_label", "2", "evaluation")
    assert imported.issued_on == date(2021, 3, 5) and imported.counted_area_m2 is None


def test_a_messy_row_is_normalised():
    result = check(
        row(
            **{
                "项目名称": "\u00a0青岛　国际创新园 ",
                "所在区（市）": "即墨市",
                "建筑面积（㎡）": "1.2万平方米",
                "星级": "二星级",
                "评价阶段": "运行标识",
                "发证日期": 44260,
                "建设单位": "某公司",
                "统一社会信用代码": CODE.lower().replace("9", "９"),
                "标识编号": 20210001.0,
            }
        )
    )
    assert result.outcome == "ok", result.problems
    imported = result.row
    assert imported.name == "青岛 国际创新园" and imported.district_code == "370215"
    assert imported.floor_area_m2 == 12000.0 and imported.issued_on == date(2021, 3, 5)
    assert imported.owner_credit_code == CODE and imported.label_number == "20210001"


def test_every_problem_in_a_row_is_named_with_field_and_code():
    bad_check = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    result = check(
        row(
            **{
                "所在区（市）": "高新区",
                "建筑类型": "商住楼",
                "建筑面积（㎡）": "120000000",
                "统一社会信用代码": bad_check,
                "星级": "☆☆",
                "评价阶段": "初评",
                "发证日期": "2021-02-30",
            }
        )
    )
    assert result.outcome == "invalid" and result.row is None
    found = {(p.field, p.code) for p in result.problems}
    assert found == {
        ("district_code", "district.functional_zone"),
        ("building_type", "building.type_ambiguous"),
        ("floor_area_m2", "area.too_large"),
        ("owner_credit_code", "credit_code.checksum"),
        ("level", "star.hollow"),
        ("stage", "stage.unknown"),
        ("issued_on", "date.invalid"),
    }
    assert all(p.row_number == 7 for p in result.problems)
    by_field = {p.field: p for p in result.problems}
    assert by_field["district_code"].column == "所在区（市）"
    assert by_field["owner_credit_code"].params["expected"] == CODE[-1]
    assert_messages_render(result.problems)


def assert_messages_render(problems):
    for problem in problems:
        zh, en = (render(problem.code, problem.params, locale) for locale in ("zh", "en"))
        assert problem.code in catalogue() and "{" not in zh and "{" not in en


@pytest.mark.parametrize(
    "cells, field, code",
    [
        ({"项目名称": None}, "name", "field.required"),
        ({"所在区（市）": "济南市"}, "district_code", "district.unknown"),
        ({"所在区（市）": "370102"}, "district_code", "district.not_in_qingdao"),
        ({"所在区（市）": "红岛经济区"}, "district_code", "district.functional_zone_in"),
        ({"建筑面积（㎡）": "0"}, "floor_area_m2", "area.not_positive"),
        ({"建筑面积（㎡）": "3亩"}, "floor_area_m2", "area.unit_unknown"),
        ({"建筑面积（㎡）": "12,5"}, "floor_area_m2", "number.ambiguous_separator"),
        ({"统一社会信用代码": "91370200MA3C1234"}, "owner_credit_code", "credit_code.length"),
        ({"统一社会信用代码": 9.13702e17}, "owner_credit_code", "import.credit_code_as_number"),
        ({"星级": "四星"}, "level", "star.unknown"),
        ({"评价阶段": None}, "stage", "record.stage_required"),
        ({"标识编号": None}, "label_number", "record.label_number_required"),
        ({"标识编号": "A" * 65}, "label_number", "record.label_number_malformed"),
        ({"标识编号": "NO.1\x07"}, "label_number", "record.label_number_malformed"),
        ({"发证日期": "2024-06-02"}, "issued_on", "record.date_in_future"),
        ({"发证日期": None}, "issued_on", "record.issued_on_required"),
        ({"发证日期": 1}, "issued_on", "import.date_too_early"),
        ({"发证日期": 60}, "issued_on", "date.excel_phantom_leap_day"),
        ({"发证日期": "2021"}, "issued_on", "date.year_only"),
        ({"星级": None}, "level", "import.record_without_level"),
    ],
)
def test_single_problems(cells, field, code):
    result = check(row(**cells))
    assert [(p.field, p.code) for p in result.problems] == [(field, code)]
    assert_messages_render(result.problems)


def test_an_area_too_large_in_a_10k_column_says_the_column_unit():
    headers = ["项目名称", "区市", "建筑类型", "建筑面积(万平方米)"]
    mapping, _ = map_headers(headers)
    result = check(dict(zip(headers, ["某小区", "李沧", "住宅", 35000], strict=True)), mapping)
    (problem,) = result.problems
    assert (problem.field, problem.code) == ("floor_area_m2", "import.area_too_large_10k_column")
    assert problem.params == {"value": "35000", "area": 350_000_000, "max": 10_000_000}
    ok = check(dict(zip(headers, ["某小区", "李沧", "住宅", "3.5"], strict=True)), mapping)
    assert ok.row.floor_area_m2 == 35000.0 and ok.row.kind is None


@pytest.mark.parametrize(
    "raw, outcome",
    [
        ({h: None for h in HEADERS}, "empty"),
        ({**{h: "" for h in HEADERS}, "项目名称": "\u3000", "发证日期": float("nan")}, "empty"),
        ({**{h: None for h in HEADERS}, "序号": 12}, "empty"),  # numbered template row
        ({**{h: None for h in HEADERS}, "序号": "合计", "建筑面积（㎡）": 120000}, "total"),
        ({**{h: None for h in HEADERS}, "项目名称": "小计", "建筑面积（㎡）": 3}, "total"),
    ],
)
def test_empty_and_total_rows_are_skipped(raw, outcome):
    result = check(raw)
    assert (result.outcome, result.row, result.problems) == (outcome, None, ())


RETROFIT_HEADERS = [
    "小区名称",
    "所在区市",
    "建筑类型",
    "建筑面积",
    "改造类型",
    "开工日期",
    "竣工日期",
]
RETROFIT_MAPPING, _ = map_headers(RETROFIT_HEADERS, {"小区名称": "name"})


def retrofit(*cells):
    return check(dict(zip(RETROFIT_HEADERS, cells, strict=True)), RETROFIT_MAPPING)


def test_on_a_retrofit_row_start_and_completion_dates_are_the_retrofits():
    result = retrofit(
        "四方小区", "四方区", "住宅", "8,600", "老旧小区改造", "2021/4/1", "2021.10.30"
    )
    assert result.outcome == "ok", result.problems
    imported = result.row
    assert (imported.kind, imported.level, imported.district_code) == (
        "retrofit",
        "old_community",
        "370203",
    )
    assert (imported.started_on, imported.completed_on) == (date(2021, 4, 1), date(2021, 10, 30))
    assert imported.label_number is None and imported.completion_year is None
    late = retrofit("四方小区", "四方区", "住宅", "8600", "既有居住建筑节能改造", 44470, 44290)
    assert [(p.field, p.code) for p in late.problems] == [
        ("completed_on", "record.completed_before_started")
    ]
    vague = retrofit("某小区", "市北", "住宅", "8600", "节能改造", None, "2021年13月1日")
    assert {(p.field, p.code) for p in vague.problems} == {
        ("level", "retrofit.ambiguous"),
        ("completed_on", "date.invalid"),
        ("started_on", "record.started_on_required"),
    }


def test_elsewhere_completion_date_is_the_buildings_completion_year():
    headers = ["项目名称", "区市", "建筑类型", "建筑面积", "竣工日期", "开工日期"]
    mapping, _ = map_headers(headers)
    cells = ["某大厦", "市南", "办公", 9000, datetime(2018, 6, 30), "2016-03-01"]
    result = check(dict(zip(headers, cells, strict=True)), mapping)
    assert result.row.completion_year == 2018 and result.row.started_on is None
    cells[4] = "去年"
    (problem,) = check(dict(zip(headers, cells, strict=True)), mapping).problems
    assert (problem.field, problem.code) == ("completion_year", "date.unreadable")


@pytest.mark.parametrize(
    "header, cell, level",
    [
        ("超低能耗", "是", "ultra_low"),
        ("是否近零能耗", "√", "nearly_zero"),
        ("近零能耗", "近零能耗建筑", "nearly_zero"),
        ("能效等级", "超低能耗", "ultra_low"),
        ("超低能耗", "否", None),
    ],
)
def test_energy_level_columns_including_yes_no_under_a_level_header(header, cell, level):
    headers = ["项目名称", "区市", "建筑类型", "建筑面积", header, "证书编号", "发证日期"]
    mapping, _ = map_headers(headers)
    cells = ["被动房示范", "城阳", "住宅", 6000, cell, "QD-ULE-01", "2022-01-10"]
    result = check(dict(zip(headers, cells, strict=True)), mapping)
    if level is None:  # not ultra-low: the label number has no level to go with
        assert [p.code for p in result.problems] == ["import.record_without_level"]
    else:
        assert (result.row.kind, result.row.level) == ("energy", level)


def test_energy_level_refusals_name_the_reason():
    headers = ["项目名称", "区市", "建筑类型", "建筑面积", "能效等级", "证书编号", "发证日期"]
    mapping, _ = map_headers(headers)
    cells = ["零碳示范", "城阳", "住宅", 6000, "零碳", "QD-01", "2022-01-10"]
    (problem,) = check(dict(zip(headers, cells, strict=True)), mapping).problems
    assert (problem.field, problem.code) == ("level", "energy.carbon_not_a_level")


def test_a_row_with_two_record_kinds_is_refused():
    headers = [*HEADERS, "超低能耗"]
    mapping, _ = map_headers(headers)
    (problem,) = check({**row(), "超低能耗": "是"}, mapping).problems
    assert (problem.field, problem.code) == ("level", "import.several_record_kinds")
    assert "绿色建筑标识" in render(problem.code, problem.params, "zh")
    assert_messages_render([problem])


def test_defaults_fill_blank_cells():
    result = check(
        row(**{"评价阶段": None, "所在区（市）": None}),
        defaults={"stage": "预评价", "district_code": "黄岛"},
    )
    assert (result.row.stage, result.row.district_code) == ("pre_evaluation", "370211")


def test_other_building_fields():
    headers = [
        "项目名称",
        "区市",
        "建筑类型",
        "建筑面积",
        "层数",
        "新建/既有",
        "装配式",
        "装配率",
        "地块编号",
        "经度",
        "纬度",
        "设计单位",
    ]
    mapping, unknown = map_headers(headers)
    cells = [
        "某学校",
        "平度市",
        "教学楼",
        "１２３４５",
        "5层",
        "新建",
        "是",
        "62%",
        3702120001.0,
        "120.38",
        "36.07",
        "青岛市建筑设计研究院",
    ]
    imported = check(dict(zip(headers, cells, strict=True)), mapping).row
    assert unknown == [] and imported.building_type == "school"
    assert (imported.storeys, imported.is_new_build, imported.prefabricated) == (5, True, True)
    assert (imported.assembly_rate_pct, imported.land_parcel_id) == (62.0, "3702120001")
    assert (imported.longitude, imported.latitude) == (120.38, 36.07)
    cells[5:8] = ["改建", "现浇", "0.3"]
    problems = check(dict(zip(headers, cells, strict=True)), mapping).problems
    assert {(p.field, p.code) for p in problems} == {
        ("is_new_build", "import.new_or_existing_unknown"),
        ("assembly_rate_pct", "building.assembly_rate_without_prefab"),
    }


def test_row_data_fits_the_building_and_record_rules():
    imported = check(row(**{"建设单位": "某公司", "统一社会信用代码": CODE})).row
    building, problems = parse_building(imported.building_data(), today=TODAY)
    assert problems == {} and building["owner_credit_code"] == CODE
    assert set(imported.record_data()) == {f.name for f in fields(RecordInput)}
    assert ImportRow(1, "x", "370202", "hotel", 1.0).record_data() is None


def test_repeated_label_numbers_in_one_file():
    results = [validate_row(row(), MAPPING, n, today=TODAY) for n in (3, 4, 5)]
    problems = repeated_label_numbers(results)
    assert [(p.row_number, p.code, p.params["first_row"]) for p in problems] == [
        (4, "import.label_number_repeated", 3),
        (5, "import.label_number_repeated", 3),
    ]


def test_import_messages_have_both_languages():
    for zh, en in bilingual(MESSAGES).values():
        assert zh and en and zh != en


def test_a_real_workbook_with_merged_headers_and_date_cells():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "项目名称", "所在区（市）", "建筑类型", "建筑面积", "绿色建筑标识"])
    sheet.append([None, None, None, None, "（万㎡）", "星级", "评价阶段", "标识编号", "发证日期"])
    sheet.merge_cells("F1:I1")
    for column in "ABCD":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(
        [1, "海尔大厦", "崂山", "办公", 2.35, "★★★", "运行评价", 2021001, datetime(2021, 9, 1)]
    )
    sheet.append(
        [2, "胶南某酒店", "胶南市", "酒店", "1.1", "一星级", "设计标识", "NO.7", "2020.12.8"]
    )
    sheet.append([None] * 9)
    sheet.append([3, "某商场", "高新区", "商场", 0.9, "☆", "评价", "NO.8", 44500])
    buffer = io.BytesIO()
    book.save(buffer)
    frame = pd.read_excel(
        io.BytesIO(buffer.getvalue()), header=None, dtype=object, engine="openpyxl"
    )
    headers = combine_header_rows(frame.iloc[0], frame.iloc[1])
    mapping, unknown = map_headers(headers)
    assert unknown == [] and mapping["建筑面积/（万㎡）"] == "floor_area_10k_m2"
    results = [
        validate_row(dict(zip(headers, values, strict=True)), mapping, number, today=TODAY)
        for number, values in enumerate(frame.iloc[2:].itertuples(index=False), start=3)
    ]
    assert [r.outcome for r in results] == ["ok", "ok", "empty", "invalid"]
    first, second = results[0].row, results[1].row
    assert (first.floor_area_m2, first.level, first.issued_on) == (23500.0, "3", date(2021, 9, 1))
    assert first.label_number == "2021001"
    assert (second.district_code, second.stage) == ("370211", "pre_evaluation")
    assert {(p.field, p.code) for p in results[3].problems} == {
        ("district_code", "district.functional_zone"),
        ("level", "star.hollow"),
    }


def test_a_checked_row_is_the_dataclass_it_would_be_built_as():
    # validate_row fills an ImportRow's fields in one go (issue 23): the same row, as frozen.
    building_only = row(**{"星级": "", "评价阶段": "", "标识编号": "", "发证日期": ""})
    for raw in (row(), building_only):
        imported = check(raw).row
        built = ImportRow(**{f.name: getattr(imported, f.name) for f in fields(ImportRow)})
        assert imported == built and hash(imported) == hash(built)
        assert repr(imported) == repr(built)
        with pytest.raises(AttributeError):
            imported.name = "other"
    assert check(building_only).row.kind is None
