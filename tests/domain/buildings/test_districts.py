from dataclasses import FrozenInstanceError

import pytest

from registry.domain.buildings.districts import (
    BY_CODE,
    COUNTY_LEVEL_CITY,
    DISTRICT,
    DISTRICTS,
    LEGACY,
    MESSAGES,
    PILOT_NZEB_DISTRICTS,
    UnknownDistrict,
    normalise_district,
)
from registry.domain.text import names
from registry.i18n import render
from registry.vocabulary import district as district_name

TEN = {
    "370202": ("市南区", "Shinan"),
    "370203": ("市北区", "Shibei"),
    "370211": ("黄岛区", "Huangdao (West Coast New Area)"),
    "370212": ("崂山区", "Laoshan"),
    "370213": ("李沧区", "Licang"),
    "370214": ("城阳区", "Chengyang"),
    "370215": ("即墨区", "Jimo"),
    "370281": ("胶州市", "Jiaozhou"),
    "370283": ("平度市", "Pingdu"),
    "370285": ("莱西市", "Laixi"),
}


def test_the_ten_current_divisions():
    assert {
        d.code: (district_name(d.code, "zh"), district_name(d.code, "en")) for d in DISTRICTS
    } == TEN
    assert {d.code: d.official for d in DISTRICTS} == {code: zh for code, (zh, _) in TEN.items()}
    kinds = [d.kind for d in DISTRICTS]
    assert kinds.count(DISTRICT) == 7 and kinds.count(COUNTY_LEVEL_CITY) == 3
    assert {d.code for d in DISTRICTS if d.kind == COUNTY_LEVEL_CITY} == {
        "370281",
        "370283",
        "370285",
    }


def test_districts_are_frozen():
    with pytest.raises(FrozenInstanceError):
        BY_CODE["370202"].name = "别的区"


@pytest.mark.parametrize("code", sorted(TEN))
def test_every_district_by_code_name_short_name_prefix_and_english(code):
    name_zh, name_en = TEN[code]
    short = name_zh[:-1]
    english = name_en.split(" (")[0]
    for value in (
        code,
        int(code),
        float(code),
        name_zh,
        short,
        f"青岛市{name_zh}",
        f"山东省青岛市{name_zh}",
        f" {name_zh}\u3000",
        english,
        english.upper(),
        f"{english} District" if code < "370281" else f"{english} City",
        code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{code}000000",  # 12-digit statistical division code
    ):
        assert normalise_district(value).code == code, value


@pytest.mark.parametrize(
    "value, code",
    [
        ("即墨市", "370215"),
        ("370282", "370215"),
        ("胶南市", "370211"),
        ("胶南", "370211"),
        ("370284", "370211"),
        ("四方区", "370203"),
        ("四方", "370203"),
        ("370205", "370203"),
        ("西海岸新区", "370211"),
        ("青岛西海岸新区", "370211"),
        ("黄岛区（西海岸新区）", "370211"),
        ("West Coast New Area", "370211"),
        ("青岛市南区", "370202"),  # 青岛 + 市南区, not 青岛市 + 南区
        ("青岛市北区", "370203"),
        ("胶 州 市", "370281"),
        ("３７０２８２", "370215"),
    ],
)
def test_legacy_and_alternative_names(value, code):
    assert normalise_district(value).code == code


def test_legacy_mapping_points_at_current_districts_and_is_applied():
    assert set(LEGACY.values()) <= set(BY_CODE)
    for legacy, current in LEGACY.items():
        assert normalise_district(legacy).code == current
    assert LEGACY["370282"] == "370215" and LEGACY["370284"] == "370211"


def test_pilot_districts_are_the_four_named_by_the_policy():
    assert PILOT_NZEB_DISTRICTS == ("370212", "370211", "370214", "370215")
    assert [district_name(code, "zh") for code in PILOT_NZEB_DISTRICTS] == [
        "崂山区",
        "黄岛区",
        "城阳区",
        "即墨区",
    ]


@pytest.mark.parametrize("value", ["高新区", "青岛高新区", "370271", "370286", "高新区（红岛）"])
def test_functional_zones_without_one_district_say_choose_the_district(value):
    with pytest.raises(UnknownDistrict) as info:
        normalise_district(value)
    assert info.value.hint == "district.functional_zone"
    assert info.value.suggestion is None
    assert "功能区" in render(info.value.code, info.value.params, "zh")
    assert "functional zone" in render(info.value.code, info.value.params, "en")


@pytest.mark.parametrize(
    "value, code",
    [
        ("红岛经济区", "370214"),
        ("中德生态园", "370211"),
        ("青岛经济技术开发区", "370211"),
        ("蓝谷", "370215"),
        ("上合示范区", "370281"),
        ("胶东临空经济示范区", "370281"),
    ],
)
def test_functional_zones_inside_one_district_name_it(value, code):
    with pytest.raises(UnknownDistrict) as info:
        normalise_district(value)
    assert info.value.hint == "district.functional_zone_in"
    assert info.value.suggestion == code
    assert district_name(code, "zh") in render(info.value.code, info.value.params, "zh")
    assert district_name(code, "en") in render(info.value.code, info.value.params, "en")


@pytest.mark.parametrize(
    "value, hint",
    [
        ("370102", "district.not_in_qingdao"),  # 济南市历下区
        ("110101", "district.not_in_qingdao"),
        ("370299", "district.unknown"),
        ("火星", "district.unknown"),
        ("南区", "district.unknown"),
        ("", "district.unknown"),
        ("Qingdao", "district.unknown"),
    ],
)
def test_unknown_values_are_refused_with_a_reason(value, hint):
    with pytest.raises(UnknownDistrict) as info:
        normalise_district(value)
    assert info.value.hint == hint
    assert info.value.value == value
    assert render(info.value.code, info.value.params, "en")
    assert render(info.value.code, info.value.params, "zh_Hans_CN")


def test_every_message_renders_in_both_languages():
    params = {
        "value": "x",
        "district": "370214",
        "district_name": names("district", ["Chengyang"]),
    }
    for code in MESSAGES:
        zh, en = render(code, params, "zh"), render(code, params, "en")
        assert "{" not in zh and "{" not in en


def test_district_name_by_locale():
    assert district_name("370211", "zh") == "黄岛区"
    assert district_name("370211", "en") == "Huangdao (West Coast New Area)"
    assert district_name("999999", "zh") == "999999"
