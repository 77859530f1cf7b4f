"""The monitoring platform's export as rows: which column is which field, and each row's
values or the reasons it cannot be read.

The export is one row per building-year or per building-month. A building is named by the
registry's id (登记编号), the platform's own building code, or credit code + name. Headers
are matched after `imports.headers.normalise_header` (half-width, lower case, no spaces),
so 用电量（kWh）, 用电量(kwh) and "Electricity (kWh)" are one column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from registry.domain.imports.headers import normalise_header
from registry.domain.imports.normalise import NormaliseError, clean_text, is_blank, parse_number
from registry.domain.metered.energy import CONTEXT_FIELDS, ENERGY_FIELDS, GJ_PER_KWH

_ALIASES = {
    "building_id": "登记编号|建筑登记编号|registry id|building id|registry building id",
    "platform_code": "平台编码|平台建筑编码|监测平台编码|建筑编码|建筑代码|platform code|"
    "platform building code",
    "credit_code": "统一社会信用代码|社会信用代码|信用代码|credit code|unified social credit code",
    "name": "建筑名称|项目名称|单位名称|名称|building name|name",
    "year": "年份|年度|统计年份|year",
    "month": "月份|月|month",
    "electricity_kwh": "用电量(kwh)|用电量|年用电量(kwh)|电耗(kwh)|electricity(kwh)|electricity",
    "natural_gas_m3": "天然气(m³)|天然气(m3)|天然气|用气量(m³)|用气量(m3)|用气量|"
    "naturalgas(m³)|naturalgas(m3)|naturalgas|gas(m3)",
    "district_heat_gj": "集中供热(gj)|供热量(gj)|热量(gj)|districtheat(gj)|districtheating(gj)",
    "district_heat_kwh": "集中供热(kwh)|供热量(kwh)|districtheat(kwh)|districtheating(kwh)",
    "oil_kg": "燃油(kg)|柴油(kg)|oil(kg)|diesel(kg)",
    "lpg_kg": "液化石油气(kg)|lpg(kg)",
    "coal_kg": "煤(kg)|燃煤(kg)|coal(kg)",
    "other_kgce": "其他能源(kgce)|其他(kgce)|otherfuels(kgce)|other(kgce)",
    "pv_generation_kwh": "光伏发电量(kwh)|光伏发电(kwh)|pvgeneration(kwh)|pv(kwh)",
    "heated_area_m2": "供暖面积(m²)|供暖面积(m2)|供暖面积|heatedarea(m2)|heatedarea(m²)",
    "operating_hours": "年运行时间(h)|运行时间(h)|年使用时间(h)|运行时间|operatinghours(h)|"
    "operatinghours",
    "occupants": "使用人数|人数|用能人数|occupants|occupants(persons)",
    "excluded_area_m2": "扣除面积(m²)|扣除面积(m2)|扣除面积|excludedarea(m2)|excludedarea(m²)",
    "excluded_electricity_kwh": "扣除用电量(kwh)|扣除电量(kwh)|excludedelectricity(kwh)",
    "excluded_natural_gas_m3": "扣除天然气(m³)|扣除天然气(m3)|excludedgas(m3)|"
    "excludednaturalgas(m3)",
    "source": "数据来源|来源|source",
}
_INDEX = {
    normalise_header(alias): name
    for name, aliases in _ALIASES.items()
    for alias in aliases.split("|")
}
ENERGY_COLUMNS = frozenset((*ENERGY_FIELDS, "district_heat_kwh"))
KEY_COLUMNS = frozenset(("building_id", "platform_code", "credit_code"))
_SOURCE_WORDS = {
    "platform": "能耗监测平台 监测平台 平台 能耗平台 platform monitoring",
    "bill": "账单 缴费单 发票 bill bills invoice",
    "audit": "能源审计 审计 audit",
}
_SOURCE_INDEX = {w: code for code, words in _SOURCE_WORDS.items() for w in words.split()}
_DASHES = {"-", "—", "–", "/", "无", "n/a", "na"}
_INTEGER = re.compile(r"\d+")


def field_for(header: Any) -> str | None:
    return _INDEX.get(normalise_header(header))


def map_headers(headers: list[Any]) -> dict[int, str]:
    """{column index: field} for the recognised headers (the first column of a field wins)."""
    out: dict[int, str] = {}
    seen = set()
    for i, header in enumerate(headers):
        name = field_for(header)
        if name and name not in seen:
            out[i] = name
            seen.add(name)
    return out


def is_header(mapping: dict[int, str]) -> bool:
    fields = set(mapping.values())
    return bool(fields & ENERGY_COLUMNS) and bool(fields & (KEY_COLUMNS | {"year"}))


@dataclass
class MeterRow:
    number: int
    building_id: int | None = None
    platform_code: str | None = None
    credit_code: str | None = None
    name: str | None = None
    year: int | None = None
    month: int | None = None
    source: str = "platform"
    values: dict[str, float | None] = field(default_factory=dict)
    problems: list[tuple[str, str, dict]] = field(default_factory=list)  # (field, code, params)


def _blank(value: Any) -> bool:
    return is_blank(value) or (isinstance(value, str) and value.strip().lower() in _DASHES)


def _integer(value: Any) -> int | None:
    """2022, 2022.0, '2022年', '1月', '01', '2022-03' (the last number) as an int."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    found = _INTEGER.findall(clean_text(value))
    return int(found[-1]) if found else None


def parse_row(number: int, cells: dict[str, Any]) -> MeterRow:
    """One sheet row, by field name, read into a `MeterRow`; unreadable cells are problems."""
    row = MeterRow(number=number)
    problem = row.problems.append
    raw_id = cells.get("building_id")
    if not _blank(raw_id):
        parsed = _integer(raw_id)
        if parsed is None or parsed <= 0:
            problem(("building_id", "number.unreadable", {"value": str(raw_id)}))
        row.building_id = parsed
    for name in ("platform_code", "credit_code", "name"):
        if not _blank(cells.get(name)):
            setattr(row, name, clean_text(cells[name]))
    if row.credit_code:
        row.credit_code = row.credit_code.upper()
    raw_year = cells.get("year")
    if _blank(raw_year):
        problem(("year", "metered.import.year_missing", {}))
    else:
        year = _integer(raw_year)
        if year is None or not 2000 <= year <= 2100:
            problem(("year", "metered.import.year_invalid", {"value": str(raw_year)}))
        row.year = year
    raw_month = cells.get("month")
    if not _blank(raw_month):
        month = _integer(raw_month)
        if month is None or not 1 <= month <= 12:
            problem(("month", "metered.import.month_invalid", {"value": str(raw_month)}))
        else:
            row.month = month
    raw_source = cells.get("source")
    if not _blank(raw_source):
        code = _SOURCE_INDEX.get(clean_text(raw_source).lower())
        if code is None:
            problem(("source", "metered.import.source_unknown", {"value": str(raw_source)}))
        else:
            row.source = code
    for name in (*ENERGY_FIELDS, "district_heat_kwh", *CONTEXT_FIELDS):
        raw = cells.get(name)
        if name not in cells or _blank(raw):
            continue
        try:
            number_value = parse_number(raw)
        except NormaliseError as error:
            problem((name, error.code, error.params))
            continue
        if number_value < 0:
            problem((name, "metered.import.negative", {"field": name, "value": str(raw)}))
            continue
        if name == "district_heat_kwh":
            name, number_value = "district_heat_gj", number_value * GJ_PER_KWH
            number_value += row.values.get("district_heat_gj") or 0.0
        row.values[name] = number_value
    if not row.problems and not any(row.values.get(n) is not None for n in ENERGY_FIELDS):
        problem(("electricity_kwh", "metered.import.no_energy", {}))
    if not row.problems and not (
        row.building_id or row.platform_code or (row.credit_code and row.name)
    ):
        problem(("building_id", "metered.import.no_building", {}))
    return row
