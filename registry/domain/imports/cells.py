"""Bulk import: one raw cell read into a field's value, by that field's parser.

Each parser takes one raw cell and returns the value or raises `NormaliseError`; the
row's checks (`rows`) decide what a refusal means for the row. A sheet repeats its
districts, types, levels, dates and credit codes thousands of times, so each parser has a
remembering twin in `REMEMBERED`.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from registry.domain.buildings import credit_code, districts
from registry.domain.imports import normalise
from registry.domain.imports.headers import normalise_header, parse_building_type
from registry.domain.imports.normalise import NormaliseError, clean_text


def cell_text(value: Any) -> str:
    """Cell text; a whole number Excel stored as 20210001.0 reads as '20210001'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def _year(value: Any) -> int:
    text = re.sub(r"\s+", "", normalise.half_width(cell_text(value))).removesuffix("年")
    if isinstance(value, date) or not re.fullmatch(r"\d{4}", text):
        try:
            return normalise.parse_date(value).year
        except NormaliseError:
            raise NormaliseError("import.year_unreadable", {"value": cell_text(value)}) from None
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
            raise NormaliseError(code or error.code, {"value": cell_text(value)}) from None

    return read


_new_or_existing = _flag(
    ({"新建", "新建建筑", "新建项目", "new", "newbuild"}, {"既有", "既有建筑", "已有", "existing"}),
    "import.new_or_existing_unknown",
)
_prefabricated = _flag(({"装配式", "装配式建筑"}, {"非装配式", "非装配式建筑", "现浇"}))
_LEVEL_IN_HEADER = {"近零": "nearly_zero", "超低": "ultra_low", "零能耗": "zero"}


def energy_level(value: Any, header: Any) -> str | None:
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
        raise NormaliseError("import.credit_code_as_number", {"value": cell_text(value)})
    try:
        return credit_code.validate_credit_code(cell_text(value))
    except credit_code.InvalidCreditCode as error:
        raise NormaliseError(error.message_code, error.params) from None


def _district(value: Any) -> str:
    try:
        return districts.normalise_district(cell_text(value)).code
    except districts.UnknownDistrict as error:
        raise NormaliseError(error.hint, error.params) from None


def _area_10k(value: Any) -> float:
    return normalise.parse_area_m2(value, unit="10k_m2")


PARSERS = {
    # A label number is a code: ＱＤ-２０２１ is QD-2021, or duplicates would slip through.
    "label_number": lambda value: normalise.half_width(cell_text(value)).strip(),
    "district_code": _district,
    "building_type": parse_building_type,
    "owner_credit_code": _credit_code,
    "storeys": lambda value: normalise.parse_number(re.sub(r"层$", "", cell_text(value))),
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


# A sheet repeats its districts, types, levels, dates and credit codes thousands of times:
# each parser remembers its results (refusals raise, and are not remembered). An
# unhashable cell is read by the plain parser (`validate_row`).
REMEMBERED = {
    name: functools.lru_cache(maxsize=4096, typed=True)(parse) for name, parse in PARSERS.items()
}
