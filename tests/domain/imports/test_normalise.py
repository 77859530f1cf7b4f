import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from registry.domain.imports import normalise
from registry.domain.imports.normalise import MESSAGES, NormaliseError
from tests.messages import bilingual, message


def refused(parser, value, code):
    with pytest.raises(NormaliseError) as info:
        parser(value)
    assert info.value.code == code, info.value.params
    assert info.value.code in MESSAGES
    return info.value


@pytest.mark.parametrize(
    "value", [None, float("nan"), "", "  ", "\u00a0", "\u3000", "\u200b", pd.NaT, pd.NA, np.nan]
)
def test_blank_values(value):
    assert normalise.is_blank(value)
    assert normalise.clean_text(value) == ""


@pytest.mark.parametrize("value", [0, 0.0, "0", False, "-", date(2021, 1, 1)])
def test_values_that_are_not_blank(value):
    assert not normalise.is_blank(value)


def test_clean_text_tidies_odd_spaces_but_keeps_the_characters():
    assert normalise.clean_text("\u00a0青岛\u3000国际  会展中心（二期）\u200b ") == (
        "青岛 国际 会展中心（二期）"
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12,345.6", 12345.6),
        ("12，345", 12345.0),
        ("１２３４５．５", 12345.5),
        ("12 345", 12345.0),
        ("\u00a07\u3000", 7.0),
        ("1,234,567", 1234567.0),
        ("－5", -5.0),
        ("1.2E+04", 12000.0),
        (42, 42.0),
        (np.int64(3), 3.0),
        (Decimal("2.5"), 2.5),
    ],
)
def test_numbers(value, expected):
    assert normalise.parse_number(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("12,5", "number.ambiguous_separator"),
        ("1,23,456", "number.ambiguous_separator"),
        ("abc", "number.unreadable"),
        ("nan", "number.unreadable"),
        ("约100", "number.unreadable"),
        (float("inf"), "number.unreadable"),
        (True, "number.unreadable"),
        ("", "value.blank"),
    ],
)
def test_numbers_refused(value, code):
    refused(normalise.parse_number, value, code)


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        ("1.2万平方米", "m2", 12000.0),
        ("1.2万㎡", "m2", 12000.0),
        ("0.35万m2", "m2", 3500.0),
        ("12345 m2", "m2", 12345.0),
        ("12345㎡", "m2", 12345.0),
        ("12345 m²", "m2", 12345.0),
        ("12345平方米", "m2", 12345.0),
        ("12,345.67平米", "m2", 12345.67),
        ("１２３４５", "m2", 12345.0),
        (12345, "m2", 12345.0),
        (1.2, "10k_m2", 12000.0),  # a column in 万平方米
        ("1.2", "10k_m2", 12000.0),
        ("3500平方米", "10k_m2", 3500.0),  # a unit written in the cell wins
        (0.0001, "10k_m2", 1.0),
    ],
)
def test_areas_in_square_metres(value, unit, expected):
    assert normalise.parse_area_m2(value, unit=unit) == expected


@pytest.mark.parametrize(
    "value, code",
    [("3亩", "area.unit_unknown"), ("2公顷", "area.unit_unknown"), ("约1万", "area.unreadable")],
)
def test_areas_refused(value, code):
    refused(normalise.parse_area_m2, value, code)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("基本级", "basic"),
        ("基本", "basic"),
        ("一星", "1"),
        ("一星级", "1"),
        ("★", "1"),
        ("1星", "1"),
        (1, "1"),
        ("1", "1"),
        ("二星级", "2"),
        ("★★", "2"),
        ("2星", "2"),
        (2.0, "2"),
        ("⭐⭐", "2"),
        ("三星级", "3"),
        ("★★★", "3"),
        ("３星级", "3"),
        ("三星级绿色建筑", "3"),
        ("Three Stars", "3"),
        ("1-star", "1"),
    ],
)
def test_star_levels(value, expected):
    assert normalise.parse_star_level(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("☆", "star.hollow"),
        ("★★☆", "star.hollow"),
        ("☆☆☆", "star.hollow"),
        ("四星", "star.unknown"),
        ("★★★★", "star.unknown"),
        ("0", "star.unknown"),
        ("优秀", "star.unknown"),
    ],
)
def test_star_levels_refused(value, code):
    refused(normalise.parse_star_level, value, code)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("预评价", "pre_evaluation"),
        ("设计评价", "pre_evaluation"),  # GB/T 50378-2014 design stage
        ("设计标识", "pre_evaluation"),
        ("绿色建筑设计标识", "pre_evaluation"),
        ("Pre-evaluation", "pre_evaluation"),
        ("评价", "evaluation"),
        ("运行标识", "evaluation"),
        ("运行评价", "evaluation"),
        ("标识评价", "evaluation"),
        ("evaluation", "evaluation"),
    ],
)
def test_stages(value, expected):
    assert normalise.parse_stage(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("超低能耗", "ultra_low"),
        ("超低", "ultra_low"),
        ("超低能耗建筑", "ultra_low"),
        ("被动式超低能耗", "ultra_low"),
        ("近零能耗", "nearly_zero"),
        ("近零", "nearly_zero"),
        ("近零能耗建筑", "nearly_zero"),
        ("nZEB", "nearly_zero"),
        ("零能耗", "zero"),
        ("Ultra-low energy", "ultra_low"),
    ],
)
def test_energy_levels(value, expected):
    assert normalise.parse_energy_level(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("零碳", "energy.carbon_not_a_level"),
        ("近零碳建筑", "energy.carbon_not_a_level"),
        ("低碳", "energy.carbon_not_a_level"),
        ("被动房", "energy.unknown"),
        ("节能", "energy.unknown"),
    ],
)
def test_energy_levels_refused(value, code):
    error = refused(normalise.parse_energy_level, value, code)
    if code == "energy.carbon_not_a_level":
        zh, en = (message(error.code, error.params, locale) for locale in ("zh", "en"))
        assert "GB/T 51350" in zh and "GB/T 51350" in en


@pytest.mark.parametrize(
    "value, expected",
    [
        ("既有居住建筑绿色改造", "residential_green"),
        ("既有居住建筑节能改造", "residential_green"),
        ("公共建筑能效提升", "public_efficiency"),
        ("公共建筑节能改造", "public_efficiency"),
        ("老旧小区改造", "old_community"),
        ("老旧小区改造项目", "old_community"),
        ("old_community", "old_community"),
    ],
)
def test_retrofit_kinds(value, expected):
    assert normalise.parse_retrofit_kind(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("节能改造", "retrofit.ambiguous"),
        ("改造", "retrofit.ambiguous"),
        ("拆除", "retrofit.unknown"),
    ],
)
def test_retrofit_kinds_refused(value, code):
    refused(normalise.parse_retrofit_kind, value, code)


MARCH_5 = date(2021, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        "2021.3.5",
        "2021/3/5",
        "2021-03-05",
        "2021年3月5日",
        "2021 年 3 月 5 日",
        "２０２１年３月５日",
        "20210305",
        20210305,
        "2021-03-05 00:00:00",
        "2021/3/5 0:00",
        44260,  # Excel serial
        44260.75,  # with a time of day
        "44260",
        MARCH_5,
        datetime(2021, 3, 5, 14, 30),
        pd.Timestamp("2021-03-05 08:00"),
        np.datetime64("2021-03-05"),
    ],
)
def test_dates(value):
    assert normalise.parse_date(value) == MARCH_5


@pytest.mark.parametrize(
    "serial, expected",
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (36526, date(2000, 1, 1)),
    ],
)
def test_excel_serials_around_the_1900_leap_bug(serial, expected):
    assert normalise.excel_serial_to_date(serial) == expected


@pytest.mark.parametrize("serial", [61, 3000, 36526, 44260, 45000, 2958465])
def test_excel_serials_agree_with_pandas_after_the_phantom_day(serial):
    expected = pd.to_datetime(serial, unit="D", origin="1899-12-30").date()
    assert normalise.parse_date(serial) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        (60, "date.excel_phantom_leap_day"),
        (0, "date.serial_out_of_range"),
        (-3, "date.serial_out_of_range"),
        (2958466, "date.serial_out_of_range"),
        ("2021-02-30", "date.invalid"),
        ("20211305", "date.invalid"),
        ("2021", "date.year_only"),
        (2021, "date.year_only"),
        ("3/5/2021", "date.unreadable"),
        ("21.3.5", "date.unreadable"),
        ("明年春天", "date.unreadable"),
        (True, "date.unreadable"),
        (pd.NaT, "value.blank"),
    ],
)
def test_dates_refused(value, code):
    refused(normalise.parse_date, value, code)


@pytest.mark.parametrize(
    "value, expected",
    [
        *[(v, True) for v in ("是", "Y", "y", "yes", "YES", "true", "1", "√", "✓", 1, 1.0, True)],
        *[(v, False) for v in ("否", "N", "no", "False", "0", "×", "x", 0, 0.0, False)],
    ],
)
def test_yes_no(value, expected):
    assert normalise.parse_yes_no(value) is expected


def test_yes_no_refused():
    refused(normalise.parse_yes_no, "也许", "yes_no.unknown")
    refused(normalise.parse_yes_no, 2, "yes_no.unknown")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("60%", 60.0),
        ("60 ％", 60.0),
        ("60", 60.0),
        (60, 60.0),
        (0.6, 60.0),
        ("0.6", 60.0),
        ("0.6%", 0.6),
        ("1", 100.0),
        ("100%", 100.0),
        (0, 0.0),
        ("45.5%", 45.5),
    ],
)
def test_percentages_with_fractions_at_or_below_one(value, expected):
    assert normalise.parse_percent(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("120%", "percent.out_of_range"),
        ("-5", "percent.out_of_range"),
        ("六成", "percent.unreadable"),
    ],
)
def test_percentages_refused(value, code):
    refused(normalise.parse_percent, value, code)


def test_every_message_has_both_languages_and_renders_its_params():
    sample = {"value": "X", "unit": "亩"}
    for code, (zh, en) in bilingual(MESSAGES).items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), code
        for locale, text in (("zh_Hans_CN", zh), ("en", en)):
            rendered = message(code, sample, locale)
            assert "{" not in rendered and rendered == text.format(**sample)


def test_message_falls_back_to_the_code_and_tolerates_missing_params():
    assert message("no.such.code") == "no.such.code"
    assert "{value}" in message("number.unreadable", {}, "en")


@pytest.mark.parametrize(
    "text", ["0", "007", "12345", "1.5", "0.01", "1.005", "2.675", "123456789.125", "99999999999"]
)
def test_a_plain_number_reads_as_the_same_number_with_its_unit_written(text):
    # Plain digits take a short path (issue 23: 100,000 areas a sheet); the same number
    # with the column's unit written in the cell takes the general one.
    assert normalise.parse_area_m2(text) == normalise.parse_area_m2(f"{text}m2")
    assert normalise.parse_area_m2(text, unit="10k_m2") == normalise.parse_area_m2(
        f"{text}万平方米"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＱＤ\u200b-２０２１", "QD-2021"),  # full-width, and a zero-width space inside
        ("\ufeff大厦\u00ad１号 ", "大厦1号"),  # a BOM and a soft hyphen
        ("测试\u2060项目\u200c", "测试项目"),
        ("测试项目１２号楼", "测试项目12号楼"),  # nothing invisible: no copy without them
    ],
)
def test_half_width_drops_invisible_characters(text, expected):
    assert normalise.half_width(text) == expected
