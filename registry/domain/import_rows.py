"""Bulk import: which column is which field, and each row checked into an `ImportRow`.

Rows are dicts of raw cells keyed by header; nothing here reads files. Rows are read
with the `normalise` parsers and checked by the forms' own rules (`parse_building`,
`record_problems`); every problem in a row is reported at once. Decisions:

- One row is one building and at most one record, whose kind follows from the filled
  column: star level -> green label, energy level -> energy, retrofit type -> retrofit.
  A row filling two of them is refused (split it into two rows).
- 竣工日期 on a retrofit row is the retrofit's completion; on any other row it is the
  building's, and only its year is kept. 开工日期 starts a retrofit; elsewhere ignored.
- A 是/否 cell under an energy-level header naming a level (超低能耗) takes that level.
- Where two columns map to one field, the first non-blank cell in header order wins.
- 合计/总计/小计 rows are skipped as ``total``, blank rows as ``empty``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from registry.domain import credit_code, districts, normalise
from registry.domain.building_types import BUILDING_TYPES
from registry.domain.buildings import MAX_FLOOR_AREA_M2, parse_building
from registry.domain.normalise import NormaliseError, clean_text, is_blank
from registry.domain.records import (
    ENERGY,
    GREEN_LABEL,
    KIND_NAMES,
    RETROFIT,
    RecordInput,
    record_problems,
)

IGNORE = "ignore"

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
    IGNORE: "序号|no|no.|#|index",
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

MESSAGES: dict[str, tuple[str, str]] = {
    "import.several_record_kinds": (
        "一行只能登记一条记录，本行同时填写了{kinds_zh}；请拆成两行。",
        "A row holds one record, but this one fills {kinds_en}; split it into two rows.",
    ),
    "import.record_without_level": (
        "填写了标识编号、阶段或日期，却没有星级、能耗等级或改造类型。",
        "A label number, stage or date is given without a star level, energy level or "
        "retrofit type.",
    ),
    "import.area_too_large_10k_column": (
        "该列单位是万平方米，“{value}”即 {area} 平方米，超过 {max} 平方米；是否误按平方米填写？",
        "This column is in 10,000 m² (万平方米): “{value}” means {area} m², over {max} m²; "
        "was it entered in m²?",
    ),
    "import.date_too_early": (
        "日期 {date} 早于 2000 年，多半是单元格读错（Excel 序号 1 即 1900-01-01）。",
        "The date {date} is before 2000, almost surely a misread cell "
        "(Excel serial 1 is 1900-01-01).",
    ),
    "import.credit_code_as_number": (
        "统一社会信用代码被存成了数字，末几位已丢失；请把该列设为文本后重新填写。",
        "The credit code was stored as a number and lost its last digits; format the column "
        "as text and enter it again.",
    ),
    "import.new_or_existing_unknown": (
        "“{value}”应为“新建”或“既有”。",
        "“{value}” should be new (新建) or existing (既有).",
    ),
    "import.year_unreadable": ("“{value}”不是年份。", "“{value}” is not a year."),
    "import.label_number_repeated": (
        "标识编号“{label_number}”与第 {first_row} 行重复。",
        "Label number “{label_number}” repeats row {first_row}.",
    ),
    "building.type_ambiguous": (
        "“{value}”同时像{choices_zh}；请填写主要用途。",
        "“{value}” could be {choices_en}; give the main use.",
    ),
}


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
    is not the owner's code, and 建设单位/地址 is not the site's address.
    """
    key = normalise_header(header)
    parts = [part for part in key.split("/") if part]
    found = _field_for(key)
    if found is None and len(parts) > 1:
        found = _field_for("".join(parts))
        if found is None and _field_for(parts[0]) in (None, IGNORE):
            found = _field_for(parts[-1])
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


# -- cell values -----------------------------------------------------------------------

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
    names = [BUILDING_TYPES[code] for code in found]
    raise NormaliseError(
        "building.type_ambiguous",
        {
            "value": clean_text(value),
            "choices_zh": "、".join(name[0] for name in names),
            "choices_en": " or ".join(name[1] for name in names),
        },
    )


def _text(value: Any) -> str:
    """Cell text; a whole number Excel stored as 20210001.0 reads as '20210001'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def _year(value: Any) -> int:
    text = re.sub(r"\s+", "", normalise.half_width(_text(value))).removesuffix("年")
    if isinstance(value, date) or not re.fullmatch(r"\d{4}", text):
        try:
            return normalise.parse_date(value).year
        except NormaliseError:
            raise NormaliseError("import.year_unreadable", {"value": _text(value)}) from None
    return int(text)


def _flag(words: tuple[set[str], set[str]], code: str | None = None):
    """A yes/no reader that also knows the column's own words (新建/既有, 装配式/现浇)."""

    def read(value: Any) -> bool:
        key = re.sub(r"\s+", "", normalise.half_width(value)).lower()
        if key in words[0] or key in words[1]:
            return key in words[0]
        try:
            return normalise.parse_yes_no(value)
        except NormaliseError as error:
            raise NormaliseError(code or error.code, {"value": _text(value)}) from None

    return read


_new_or_existing = _flag(
    ({"新建", "新建建筑", "新建项目", "new", "newbuild"}, {"既有", "既有建筑", "已有", "existing"}),
    "import.new_or_existing_unknown",
)
_prefabricated = _flag(({"装配式", "装配式建筑"}, {"非装配式", "非装配式建筑", "现浇"}))
_LEVEL_IN_HEADER = {"近零": "nearly_zero", "超低": "ultra_low", "零能耗": "zero"}


def _energy_level(value: Any, header: Any) -> str | None:
    """The level; a 是/否 cell under a header naming a level (超低能耗: 是) takes the header's."""
    try:
        return normalise.parse_energy_level(value)
    except NormaliseError as error:
        key = normalise_header(header)
        named = next((lvl for word, lvl in _LEVEL_IN_HEADER.items() if word in key), None)
        try:
            yes = normalise.parse_yes_no(value)
        except NormaliseError:
            raise error from None
        if named is None:
            raise error from None
        return named if yes else None


def _credit_code(value: Any) -> str:
    if isinstance(value, float):  # 18 digits do not survive a double: the tail is gone
        raise NormaliseError("import.credit_code_as_number", {"value": _text(value)})
    try:
        return credit_code.validate_credit_code(_text(value))
    except credit_code.InvalidCreditCode as error:
        raise NormaliseError(error.message_code, error.params) from None


def _district(value: Any) -> str:
    try:
        return districts.normalise_district(_text(value)).code
    except districts.UnknownDistrict as error:
        raise NormaliseError(error.hint, error.params) from None


def _area_10k(value: Any) -> float:
    return normalise.parse_area_m2(value, unit="10k_m2")


_PARSERS = {
    "district_code": _district,
    "building_type": parse_building_type,
    "owner_credit_code": _credit_code,
    "storeys": lambda value: normalise.parse_number(re.sub(r"层$", "", _text(value))),
    "is_new_build": _new_or_existing,
    "completion_year": _year,
    "prefabricated": _prefabricated,
    "assembly_rate_pct": normalise.parse_percent,
    "star_level": normalise.parse_star_level,
    "stage": normalise.parse_stage,
    "retrofit_kind": normalise.parse_retrofit_kind,
    **dict.fromkeys(("floor_area_m2", "counted_area_m2"), normalise.parse_area_m2),
    **dict.fromkeys(("floor_area_10k_m2", "counted_area_10k_m2"), _area_10k),
    **dict.fromkeys(("latitude", "longitude"), normalise.parse_number),
    **dict.fromkeys(
        ("issued_on", "started_on", "completed_on", "start_date", "completion_date"),
        normalise.parse_date,
    ),
}
_LEVEL_FIELDS = {"star_level": GREEN_LABEL, "energy_level": ENERGY, "retrofit_kind": RETROFIT}
_TARGET = {
    "floor_area_10k_m2": "floor_area_m2",
    "counted_area_10k_m2": "counted_area_m2",
    "start_date": "started_on",
    **dict.fromkeys(_LEVEL_FIELDS, "level"),
}
_RECORD_ONLY = tuple(
    "stage label_number issued_on started_on completed_on counted_area_m2 "
    "counted_area_10k_m2".split()
)
_TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum"}
# Green labels began in 2008; a record dated before 2000 is a misread cell, not history.
EARLIEST_RECORD_DATE = date(2000, 1, 1)


# -- rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One problem: the row, the field (an `ImportRow` field), a message code and params."""

    row_number: int
    field: str
    code: str
    params: dict = field(default_factory=dict)
    column: Any = None  # the header the value came from, when there was one


BUILDING_FIELDS = tuple(
    "name district_code building_type floor_area_m2 address owner_name owner_credit_code "
    "design_unit land_parcel_id storeys is_new_build completion_year prefabricated "
    "assembly_rate_pct latitude longitude".split()
)
RECORD_FIELDS = tuple(f.name for f in fields(RecordInput))


@dataclass(frozen=True)
class ImportRow:
    """A row that passed every check: the building's fields and, optionally, one record."""

    row_number: int
    name: str
    district_code: str
    building_type: str
    floor_area_m2: float
    address: str = ""
    owner_name: str = ""
    owner_credit_code: str | None = None
    design_unit: str = ""
    land_parcel_id: str | None = None
    storeys: int | None = None
    is_new_build: bool = True
    completion_year: int | None = None
    prefabricated: bool = False
    assembly_rate_pct: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    kind: str | None = None  # green_label | energy | retrofit | None (building only)
    level: str | None = None
    stage: str | None = None
    label_number: str | None = None
    issued_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    counted_area_m2: float | None = None  # None: the service counts the floor area

    def building_data(self) -> dict[str, Any]:
        """The building's fields, as `register_building(data=…)` takes them."""
        return {name: getattr(self, name) for name in BUILDING_FIELDS}

    def record_data(self) -> dict[str, Any] | None:
        """The record's fields, as `add_record(data=…)` takes them; None without a record."""
        return {name: getattr(self, name) for name in RECORD_FIELDS} if self.kind else None


@dataclass(frozen=True)
class RowResult:
    row_number: int
    outcome: str  # ok | invalid | empty | total
    row: ImportRow | None = None
    problems: tuple[RowProblem, ...] = ()


def validate_row(
    raw: Mapping[Any, Any],
    mapping: Mapping[Any, str],
    row_number: int,
    *,
    today: date,
    defaults: Mapping[str, Any] | None = None,
) -> RowResult:
    """Read and check one row: the normalised `ImportRow`, or every problem in it.

    `defaults` ({field: raw value}) fills blank or absent cells, e.g. one stage for a
    whole sheet. Dates are checked against `today`.
    """
    cells = {h: v for h, v in raw.items() if mapping.get(h) != IGNORE and not is_blank(v)}
    if not cells:
        return RowResult(row_number, "empty")
    values: dict[str, Any] = {}
    columns: dict[str, Any] = {}
    for header, name in mapping.items():
        if header in cells and name not in values:
            values[name], columns[name] = cells[header], header
    first_cell = next(v for v in raw.values() if not is_blank(v))  # 合计 is often under 序号
    if {_text(values.get("name", "")), _text(first_cell)} & _TOTAL_WORDS:
        return RowResult(row_number, "total")
    for name, value in (defaults or {}).items():
        if not is_blank(value):
            values.setdefault(name, value)

    problems: dict[str, RowProblem] = {}

    def report(target: str, code: str, params: dict, column: Any = None) -> None:
        if target not in problems:
            problems[target] = RowProblem(row_number, target, code, dict(params), column)

    retrofit_row = "retrofit_kind" in values
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        try:
            if name == "energy_level":
                parsed[name] = _energy_level(value, columns.get(name, ""))
            else:
                parsed[name] = _PARSERS.get(name, _text)(value)
        except NormaliseError as error:
            target = _TARGET.get(name, name)
            if name == "completion_date":
                target = "completed_on" if retrofit_row else "completion_year"
            report(target, error.code, error.params, columns.get(name))
    for area in ("floor_area", "counted_area"):
        _check_area(area, parsed, values, columns, report)

    kinds = [kind for name, kind in _LEVEL_FIELDS.items() if name in values]
    if "energy_level" in parsed and parsed["energy_level"] is None:  # 超低能耗: 否
        kinds.remove(ENERGY)
    if isinstance(parsed.get("completion_date"), date) and not retrofit_row:
        parsed.setdefault("completion_year", parsed["completion_date"].year)

    building_raw = {key: parsed[key] for key in BUILDING_FIELDS if key in parsed}
    building, building_problems = parse_building(building_raw, today=today)
    for target, (code, params) in building_problems.items():
        report(target, code, params, columns.get(target))

    record: dict[str, Any] = {}
    if len(kinds) > 1:
        names = [KIND_NAMES[kind] for kind in kinds]
        params = {
            "kinds_zh": "、".join(n[0] for n in names),
            "kinds_en": ", ".join(n[1] for n in names),
        }
        report("level", "import.several_record_kinds", params)
    elif not kinds and any(name in values for name in _RECORD_ONLY):
        report("level", "import.record_without_level", {})
    elif kinds:
        record = _record(kinds[0], parsed, building.get("floor_area_m2"), today, report, columns)

    if problems:
        return RowResult(row_number, "invalid", problems=tuple(problems.values()))
    building_fields = {name: building.get(name) for name in BUILDING_FIELDS}
    return RowResult(row_number, "ok", ImportRow(row_number, **building_fields, **record))


def _check_area(area: str, parsed: dict, values: dict, columns: dict, report) -> None:
    """One area in m², from the m² column or else the 万平方米 one, within (0, 10⁷] m²."""
    sources = [name for name in (f"{area}_m2", f"{area}_10k_m2") if name in parsed]
    values_m2 = [parsed.pop(name) for name in sources]
    if not sources:
        return
    source, value = sources[0], values_m2[0]
    if value <= 0:
        report(f"{area}_m2", "area.not_positive", {}, columns.get(source))
    elif value > MAX_FLOOR_AREA_M2:  # surely a unit slip, not a building
        code = "import.area_too_large_10k_column" if "10k" in source else "area.too_large"
        params = {"value": _text(values[source]), "area": round(value), "max": MAX_FLOOR_AREA_M2}
        report(f"{area}_m2", code, params, columns.get(source))
    parsed[f"{area}_m2"] = value


def _record(kind, parsed, floor_area_m2, today, report, columns) -> dict[str, Any]:
    level_field = next(name for name, k in _LEVEL_FIELDS.items() if k == kind)
    started, completed = parsed.get("started_on"), parsed.get("completed_on")
    if kind == RETROFIT:
        started = started or parsed.get("start_date")
        completed = completed or parsed.get("completion_date")
    record = RecordInput(
        kind=kind,
        level=parsed.get(level_field),
        stage=parsed.get("stage"),
        label_number=parsed.get("label_number"),
        issued_on=parsed.get("issued_on"),
        started_on=started,
        completed_on=completed,
        counted_area_m2=parsed.get("counted_area_m2"),
    )
    building_area = floor_area_m2 or math.inf  # a bad floor area is reported already
    checks = record_problems(record, building_floor_area_m2=building_area, today=today)
    for target, (code, params) in checks.items():
        report(target, code, params, columns.get(target))
    for target in ("issued_on", "started_on", "completed_on"):
        value = getattr(record, target)
        if value is not None and value < EARLIEST_RECORD_DATE:
            report(target, "import.date_too_early", {"date": value.isoformat()})
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def repeated_label_numbers(results: Iterable[RowResult]) -> list[RowProblem]:
    """A problem for each row whose label number an earlier row of the file already used."""
    first_seen: dict[str, int] = {}
    problems = []
    for result in results:
        label = result.row.label_number if result.row else None
        if label is not None and label in first_seen:
            params = {"label_number": label, "first_row": first_seen[label]}
            code = "import.label_number_repeated"
            problems.append(RowProblem(result.row_number, "label_number", code, params))
        elif label is not None:
            first_seen[label] = result.row_number
    return problems
