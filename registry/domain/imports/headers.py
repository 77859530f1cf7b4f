"""Bulk import's vocabulary: which spreadsheet column is which `ImportRow` field, and which
words in a building-type cell name which building type.

Headers are matched after `normalise_header` (half-width, lower case, no spaces) against
each field's aliases; a unit in brackets or as a suffix (建筑面积（万平方米）) picks the
10,000 m² field; two header rows under merged parents read as 'parent/child'. A saved
mapping from an earlier import wins over the guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.imports import normalise
from registry.domain.imports.normalise import NormaliseError, clean_text, is_blank
from registry.domain.text import N_, names

IGNORE = "ignore"
# Without these a row cannot be registered (the preview says which are missing).
REQUIRED_FIELDS = ("name", "district_code", "building_type", "floor_area_m2")

_ALIASES = {
    "name": "项目名称|工程名称|建筑名称|项目(工程)名称|楼栋名称|名称|name|project|project name|"
    "building name",
    "address": "项目地址|工程地址|建设地点|建设地址|地址|项目位置|address|location|site",
    "district_code": "所在区(市)|所在区市|所在区/市|区市|区(市)|区/市|所在区|所属区市|所在区县|"
    "区县|行政区|行政区划|行政区划代码|区划代码|district|district code",
    "owner_name": "建设单位|建设单位名称|业主|业主单位|申报单位|开发单位|owner|developer|client",
    "owner_credit_code": "统一社会信用代码|建设单位统一社会信用代码|社会信用代码|信用代码|"
    "credit code|unified social credit code|uscc",
    "design_unit": "设计单位|设计单位名称|设计院|design unit|designer|design institute",
    "building_type": "建筑类型|建筑类别|建筑性质|建筑功能|建筑用途|项目类型|用途|building type|"
    "type|use",
    "floor_area_m2": "建筑面积|总建筑面积|面积|floor area|gross floor area|gfa|area",
    "counted_area_m2": "标识面积|认证面积|评价面积|改造面积|计入面积|counted area|certified area",
    "storeys": "层数|地上层数|建筑层数|楼层数|storeys|stories|floors",
    "is_new_build": "新建/既有|新建或既有|是否新建|新建既有|new build|new or existing",
    "completion_year": "竣工年份|竣工年代|建成年份|建成年代|建成时间|completion year|year built",
    "completion_date": "竣工日期|竣工时间|completion date",
    "prefabricated": "装配式|是否装配式|是否装配式建筑|装配式建筑|prefabricated|prefab",
    "assembly_rate_pct": "装配率|装配化率|assembly rate|prefab rate",
    "land_parcel_id": "地块编号|宗地编号|地块号|宗地号|parcel|parcel id|land parcel",
    "latitude": "纬度|latitude|lat",
    "longitude": "经度|longitude|lng|lon",
    "star_level": "星级|标识等级|评价等级|星级等级|绿色建筑星级|绿色建筑等级|绿建星级|认证星级|"
    "star|star rating|stars|green label level",
    "stage": "评价阶段|标识类型|标识阶段|评价类型|stage|label stage",
    "label_number": "标识编号|证书编号|标识证书编号|绿色建筑标识编号|证书号|标识号|label number|"
    "certificate number|certificate no",
    "issued_on": "发证日期|标识日期|评价日期|发证时间|颁证日期|认定日期|标识时间|issue date|"
    "issued on",
    "energy_level": "超低能耗|近零能耗|能效等级|能耗等级|节能等级|超低能耗等级|是否超低能耗|"
    "是否近零能耗|energy level",
    "retrofit_kind": "改造类型|改造类别|retrofit type|retrofit kind",
    "started_on": "改造开始日期|改造开工日期|改造开始时间|开始日期|开始时间|start date|started on",
    "start_date": "开工日期|开工时间",
    "completed_on": "改造完成日期|改造竣工日期|改造完成时间|完成日期|完成时间|完工日期|"
    "completed on|completion of works",
    # 导入问题 is the reason column of an error file (`registry.services.imports.error_file`):
    # read back as ignored, so the fixed rows re-import as they are.
    IGNORE: "序号|no|no.|#|index|导入问题|import problems",
}
# field -> the headers it is recognised by (matched after `normalise_header`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {k: tuple(v.split("|")) for k, v in _ALIASES.items()}
FIELDS = tuple(HEADER_ALIASES) + ("floor_area_10k_m2", "counted_area_10k_m2")
_TEN_K = {"floor_area_m2": "floor_area_10k_m2", "counted_area_m2": "counted_area_10k_m2"}
_UNITS = {  # what a header's bracket or suffix may say about an area's unit
    **dict.fromkeys("m2 m^2 平方米 平米 sqm".split(), "m2"),
    **dict.fromkeys("万平方米 万平米 万m2 万 10000m2 10,000m2 10^4m2".split(), "10k_m2"),
}
_UNIT_SUFFIX = re.compile(r"(万平方米|万平米|万m2|平方米|平米|m2)$")


def normalise_header(header: Any) -> str:
    """Half-width, lower case, no spaces, （）【】[] as (); required-field marks dropped."""
    text = normalise.half_width("" if is_blank(header) else header)
    text = re.sub(r"[\s_\-]+", "", text).lower().translate(str.maketrans("【[]】", "(())"))
    text = re.sub(r"(?<=\D)\.\d+$", "", text)  # pandas' "名称.1" for a repeated header
    return text.strip("*:")


def _is_blank_header(header: Any) -> bool:
    text = "" if is_blank(header) else str(header).strip()
    return not text or text.lower() == "nan" or text.startswith("Unnamed:")


def combine_header_rows(top: Iterable[Any], bottom: Iterable[Any]) -> list[str]:
    """One header per column from two header rows: 'parent/child' under a merged parent.

    A merged parent cell reads as blank after its first column, so it carries on to the
    right while the bottom row has children; a column merged down keeps its top header.
    """
    headers: list[str] = []
    parent = ""
    for upper, lower in zip(top, bottom, strict=True):
        upper = "" if _is_blank_header(upper) else clean_text(upper)
        lower = "" if _is_blank_header(lower) else clean_text(lower)
        if upper:
            parent = upper if lower else ""
            headers.append(f"{upper}/{lower}" if lower else upper)
        elif lower:
            headers.append(f"{parent}/{lower}" if parent else lower)
        else:
            parent = ""
            headers.append("")
    return headers


_INDEX = {normalise_header(a): f for f, aliases in HEADER_ALIASES.items() for a in aliases}


def _field_for(key: str) -> str | None:
    if key in _INDEX:
        found, units = _INDEX[key], re.findall(r"\((.*?)\)", key)
    else:
        units = re.findall(r"\((.*?)\)", key)
        base = re.sub(r"\(.*?\)", "", key)
        suffix = _UNIT_SUFFIX.search(base)
        if suffix and base[: suffix.start()] in _INDEX:
            base, units = base[: suffix.start()], [*units, suffix.group()]
        found = _INDEX.get(base)
    if found in _TEN_K:
        if any(_UNITS.get(unit) is None for unit in units):
            return None  # 建筑面积(地上) is a part of the area, not the area: ask the user
        if any(_UNITS[unit] == "10k_m2" for unit in units):
            return _TEN_K[found]
    return found


def _guess(header: Any) -> str | None:
    """The field for a header; 'parent/child' (merged rows) as one phrase, else the child.

    A child is not taken alone under a parent that is itself a field: 设计单位/统一社会信用代码
    is not the owner's code, and 建设单位/地址 is not the site's address. A cell of several
    lines (the template's 项目名称 / Project name) names a field when its lines agree.
    """
    key = normalise_header(header)
    parts = [part for part in key.split("/") if part]
    found = _field_for(key)
    if found is None and len(parts) > 1:
        found = _field_for("".join(parts))
        if found is None and _field_for(parts[0]) in (None, IGNORE):
            found = _field_for(parts[-1])
    lines = [line for line in str(header).splitlines() if line.strip()]
    if found is None and len(lines) > 1:  # 建设单位\n统一社会信用代码 is one phrase, read above
        named = {_guess(line) for line in lines} - {None}
        found = named.pop() if len(named) == 1 else None
    return found


def map_headers(
    headers: Iterable[Any], saved_mapping: Mapping[str, str | None] | None = None
) -> tuple[dict[str, str], list[str]]:
    """({header: field}, [headers not recognised]); blank headers are left out of both.

    `saved_mapping` (from an earlier import, by header as written or normalised) wins;
    a header saved as None, '' or 'ignore' maps to `IGNORE`.
    """
    saved = {normalise_header(k): v for k, v in (saved_mapping or {}).items()}
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        if _is_blank_header(header):
            continue
        key = normalise_header(header)
        if key in saved and (saved[key] in FIELDS or not saved[key]):
            mapping[header] = saved[key] or IGNORE
        elif (guessed := _guess(header)) is not None:
            mapping[header] = guessed
        else:
            unknown.append(header)
    return mapping, unknown


# The template's columns, in its order: (field, Chinese header, English header). Each header
# must read back as its field (checked below, when this module loads), so the template is
# derived from the aliases above and cannot drift from them.
TEMPLATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "项目名称", "Project name"),
    ("address", "项目地址", "Address"),
    ("district_code", "所在区（市）", "District"),
    ("building_type", "建筑类型", "Building type"),
    ("floor_area_m2", "建筑面积（平方米）", "Floor area (m2)"),
    ("storeys", "层数", "Storeys"),
    ("is_new_build", "新建/既有", "New or existing"),
    ("completion_year", "竣工年份", "Completion year"),
    ("prefabricated", "是否装配式", "Prefabricated"),
    ("assembly_rate_pct", "装配率", "Assembly rate"),
    ("owner_name", "建设单位", "Owner"),
    ("owner_credit_code", "统一社会信用代码", "Credit code"),
    ("design_unit", "设计单位", "Design unit"),
    ("land_parcel_id", "地块编号", "Parcel id"),
    ("latitude", "纬度", "Latitude"),
    ("longitude", "经度", "Longitude"),
    ("star_level", "星级", "Star rating"),
    ("stage", "评价阶段", "Stage"),
    ("label_number", "标识编号", "Label number"),
    ("issued_on", "发证日期", "Issue date"),
    ("counted_area_m2", "标识面积（平方米）", "Counted area (m2)"),
    ("energy_level", "能效等级", "Energy level"),
    ("retrofit_kind", "改造类型", "Retrofit type"),
    ("started_on", "改造开始日期", "Started on"),
    ("completed_on", "改造完成日期", "Completed on"),
)


def template_header(chinese: str, english: str) -> str:
    """A template column's header: both languages in one cell, on two lines."""
    return f"{chinese}\n{english}"


for _field, _chinese, _english in TEMPLATE_COLUMNS:
    for _header in (_chinese, _english, template_header(_chinese, _english)):
        if _guess(_header) != _field:  # pragma: no cover  (a broken alias table)
            raise AssertionError(f"template header {_header!r} does not read as {_field}")


# Columns the registry's own export writes beyond the fields a row is checked for: the
# import service reads them (building details, a record's status and review dates).
_EXTRA_ALIASES = {
    "sub_type": "细分类型|建筑细分类型|子类型|sub-type|subtype",
    "hvac_class": "空调类别|空调系统类别|hvac class",
    "heating_type": "供暖方式|采暖方式|heating type",
    "annual_use_hours": "年使用时间(小时)|年使用时间|年使用小时数|annual use (hours)|"
    "annual use hours",
    "area_per_person_m2": "人均面积(平方米)|人均面积|人均建筑面积|area per person (m2)|"
    "area per person",
    "status": "状态|记录状态|审核状态|status",
    "approved_on": "批准日期|审核通过日期|approved on",
    "published_on": "公布日期|published on",
    "revoked_on": "撤销日期|revoked on",
    "reason": "驳回或撤销原因|撤销原因|驳回原因|原因|reason",
    "notes": "备注|notes|remarks",
}
EXTRA_FIELDS = tuple(_EXTRA_ALIASES)
_EXTRA_INDEX = {
    normalise_header(alias): name
    for name, aliases in _EXTRA_ALIASES.items()
    for alias in aliases.split("|")
}


def map_all_headers(
    headers: Iterable[Any], saved_mapping: Mapping[str, str | None] | None = None
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """`map_headers` plus the export's extra columns: (row fields, extra fields, unknown)."""
    saved = {normalise_header(k): v for k, v in (saved_mapping or {}).items()}
    extra: dict[str, str] = {}
    rest = []
    for header in headers:
        key = normalise_header(header)
        if _is_blank_header(header):
            continue
        if saved.get(key) in EXTRA_FIELDS:
            extra[header] = saved[key]
        elif key not in saved and key in _EXTRA_INDEX:
            extra[header] = _EXTRA_INDEX[key]
        else:
            rest.append(header)
    mapping, unknown = map_headers(rest, saved_mapping)
    return mapping, extra, unknown


# Each field's name as the preview shows it (the same words as the building and record forms).
FIELD_NAMES: dict[str, str] = {
    "name": N_("Building name"),
    "address": N_("Address"),
    "district_code": N_("District"),
    "owner_name": N_("Owner"),
    "owner_credit_code": N_("Owner's unified social credit code"),
    "design_unit": N_("Design unit"),
    "building_type": N_("Building type"),
    "floor_area_m2": N_("Floor area (m²)"),
    "floor_area_10k_m2": N_("Floor area (10,000 m²)"),
    "counted_area_m2": N_("Counted area (m²)"),
    "counted_area_10k_m2": N_("Counted area (10,000 m²)"),
    "storeys": N_("Storeys"),
    "is_new_build": N_("New build or existing"),
    "completion_year": N_("Completion year"),
    "completion_date": N_("Completion date (building or retrofit)"),
    "prefabricated": N_("Prefabricated"),
    "assembly_rate_pct": N_("Assembly rate (%)"),
    "land_parcel_id": N_("Land parcel id"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "star_level": N_("Star rating"),
    "stage": N_("Stage"),
    "label_number": N_("Label number"),
    "issued_on": N_("Issue date"),
    "energy_level": N_("Energy level"),
    "retrofit_kind": N_("Retrofit type"),
    "started_on": N_("Started on"),
    "start_date": N_("Start date (retrofit)"),
    "completed_on": N_("Completed on"),
    "sub_type": N_("Sub-type"),
    "hvac_class": N_("HVAC class"),
    "heating_type": N_("Heating"),
    "annual_use_hours": N_("Annual use (hours)"),
    "area_per_person_m2": N_("Area per person (m²)"),
    "status": N_("Status"),
    "approved_on": N_("Approved on"),
    "published_on": N_("Published on"),
    "revoked_on": N_("Revoked on"),
    "reason": N_("Reason"),
    "notes": N_("Notes"),
}


def guess_field(header: Any) -> str | None:
    """The field the aliases alone read `header` as (no saved choice), or None."""
    mapping, extra, _ = map_all_headers([header])
    return mapping.get(header) or extra.get(header)


def same_target(name: str) -> str:
    """The field a column finally fills: 建筑面积（万平方米） fills the floor area too."""
    return name.replace("_10k_m2", "_m2")


# -- building types ---------------------------------------------------------------------

_BUILDING_TYPE_WORDS = {
    "office_government": "办公 政府办公 机关办公 党政机关办公 行政办公 党政机关 机关 office",
    "office_commercial": "商业办公 写字楼 商务办公 商办 commercial-office",
    "hotel": "酒店 宾馆 旅馆 饭店 hotel",
    "mall": "商场 商业 购物中心 百货 超市 商业综合体 mall retail",
    "school": "学校 教育 教学楼 幼儿园 小学 中学 大学 学院 school education",
    "hospital": "医院 医疗 卫生院 hospital",
    "venue": "场馆 体育馆 图书馆 博物馆 剧院 文化馆 展览馆 科技馆 会展中心 venue",
    "other_public": "公共建筑 其他公共 其他公共建筑 公建 public other-public",
    "residential": "住宅 居住建筑 居住 住宅建筑 公寓 residential housing",
    "industrial": "工业 厂房 工业建筑 industrial factory",
}
_TYPE_INDEX = {
    word.replace("-", ""): code
    for code, words in _BUILDING_TYPE_WORDS.items()
    for word in (code, *words.split())
}
# The English names too, as an English export writes them ("Government office").
_TYPE_INDEX.update({re.sub(r"[\s\-]+", "", name).lower(): c for c, name in BUILDING_TYPES.items()})
_TYPE_KEYWORDS = sorted((w for w in _TYPE_INDEX if not w.isascii()), key=len, reverse=True)


def parse_building_type(value: Any) -> str:
    """A building type code from 办公/写字楼/酒店/商场/学校/住宅/厂房/… or the code itself."""
    key = re.sub(r"[\s\-]+", "", normalise.half_width(value)).lower()
    for candidate in (key, re.sub(r"(建筑|楼|类|用房|项目)$", "", key)):
        if candidate in _TYPE_INDEX:
            return _TYPE_INDEX[candidate]
    found = dict.fromkeys(("residential", "mall")) if "商住" in key else {}
    for word in _TYPE_KEYWORDS:  # longest first, so 商业办公 is not read as 商业 + 办公
        if word in key:
            found[_TYPE_INDEX[word]] = None
            key = key.replace(word, "|")
    if len(found) == 1:
        return next(iter(found))
    if not found:
        raise NormaliseError("building.type_unknown", {"value": clean_text(value)})
    choices = names("building type", [BUILDING_TYPES[code] for code in found], join="or")
    raise NormaliseError(
        "building.type_ambiguous", {"value": clean_text(value), "choices": choices}
    )
