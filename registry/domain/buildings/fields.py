"""Parse and check a building's fields from any interface (form, API, CLI, import)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from registry.domain.buildings import credit_code, districts
from registry.domain.buildings.types import BUILDING_TYPES, HEATING_TYPES, HVAC_CLASSES, SUB_TYPES
from registry.domain.imports.normalise import clean_text
from registry.domain.text import NC_

# Control characters (NUL cannot even be stored in PostgreSQL) and the bidirectional
# overrides that make a name display as something else ("大厦\u202eexe.txt").
UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# The largest single building we accept: anything bigger is almost surely a unit slip
# (an area given in 万平方米 typed as m², or an extra zero).
MAX_FLOOR_AREA_M2 = 10_000_000

Problems = dict[str, tuple[str, dict]]

# The longest each free-text field may be: the one home of these lengths (the tables'
# column sizes are declared from here).
TEXT_LIMITS = {
    "name": 200,
    "address": 300,
    "owner_name": 200,
    "design_unit": 200,
    "land_parcel_id": 64,
}


# The facts that decide a building's counting and identity: once a record of it passed review,
# they change only through a reviewer's correction with a reason (the public verification
# page and the tallies show what was reviewed).
FROZEN_FIELDS = {
    "name": NC_("building field", "name"),
    "district_code": NC_("building field", "district"),
    "building_type": NC_("building field", "building type"),
    "floor_area_m2": NC_("building field", "floor area"),
    "land_parcel_id": NC_("building field", "land parcel"),
}


# A sheet repeats its districts and credit codes thousands of times: each text is read once.
# Refusals raise, and are not remembered.
_district_code = functools.lru_cache(maxsize=4096)(
    lambda text: districts.normalise_district(text).code
)
_credit_code = functools.lru_cache(maxsize=4096)(credit_code.validate_credit_code)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


_TEXT_FIELDS = ("name", "address", "owner_name", "design_unit", "land_parcel_id")
# (field, lowest, highest, whole number); completion_year's highest is ten years from today.
_NUMBER_FIELDS = (
    ("storeys", 1, 300, True),
    ("completion_year", 1900, None, True),
    ("assembly_rate_pct", 0, 100, False),
    ("latitude", 35.0, 37.5, False),
    ("longitude", 119.0, 121.5, False),
    ("heated_area_m2", 0.01, MAX_FLOOR_AREA_M2, False),
    ("annual_use_hours", 1, 8760, False),
    ("area_per_person_m2", 0.1, 10000, False),
)


def parse_number(value: Any) -> float:
    """A float from a number or a string with thousands separators; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        if isinstance(value, int | float):
            number = float(value)
        else:
            text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
            number = float(text)
    except OverflowError:  # an int beyond float's range, e.g. 10**400 from JSON
        raise ValueError(value) from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "on", "是", "√"}:
        return True
    if text in {"0", "false", "no", "n", "off", "否", "×", ""}:
        return False
    raise ValueError(value)


def _one_of(value, choices) -> bool:
    """A code among `choices`; a JSON body may send a list or an object instead of text."""
    return isinstance(value, str) and value in choices


def parse_building(
    raw: Mapping[str, Any], *, today: date, partial: bool = False
) -> tuple[dict[str, Any], Problems]:
    """Typed building fields and every problem found, by field.

    With ``partial=True`` (an update) only the fields present are checked.
    """
    fields: dict[str, Any] = {}
    problems: Problems = {}

    # Written without a closure per call: the importer checks 100,000 rows with this.
    for key in _TEXT_FIELDS:
        if partial and key not in raw:
            continue
        value = raw.get(key)
        if value is None or (isinstance(value, str) and value.strip() == ""):  # _blank
            if key == "name":  # the one required text
                problems[key] = ("field.required", {})
            else:
                fields[key] = None if key == "land_parcel_id" else ""
            continue
        value = clean_text(value)
        if UNSAFE_CHARACTERS.search(value):
            problems[key] = ("field.control_characters", {})
            continue
        if len(value) > TEXT_LIMITS[key]:
            problems[key] = ("field.too_long", {"max": TEXT_LIMITS[key]})
            continue
        fields[key] = value

    def present(key: str) -> bool:
        return key in raw if partial else True

    if present("district_code"):
        value = raw.get("district_code")
        if _blank(value):
            problems["district_code"] = ("field.required", {})
        else:
            try:
                fields["district_code"] = _district_code(str(value))
            except districts.UnknownDistrict:
                problems["district_code"] = ("district.unknown", {"value": str(value)})

    building_type = raw.get("building_type")
    if present("building_type"):
        if _blank(building_type):
            problems["building_type"] = ("field.required", {})
        elif not _one_of(building_type, BUILDING_TYPES):
            problems["building_type"] = ("building.type_unknown", {"value": str(building_type)})
        else:
            fields["building_type"] = building_type

    if present("sub_type"):
        sub_type = raw.get("sub_type")
        if _blank(sub_type):
            fields["sub_type"] = None
        elif _one_of(building_type, BUILDING_TYPES) and not _one_of(
            sub_type, SUB_TYPES.get(building_type, {})
        ):
            problems["sub_type"] = ("building.sub_type_unknown", {"value": str(sub_type)})
        else:
            fields["sub_type"] = sub_type

    for key, choices in (("hvac_class", HVAC_CLASSES), ("heating_type", HEATING_TYPES)):
        if present(key):
            value = raw.get(key)
            if _blank(value):
                fields[key] = None
            elif not _one_of(value, choices):
                problems[key] = ("field.choice_unknown", {"value": str(value)})
            else:
                fields[key] = value

    if present("floor_area_m2"):
        value = raw.get("floor_area_m2")
        if _blank(value):
            problems["floor_area_m2"] = ("field.required", {})
        else:
            try:
                area = parse_number(value)
            except ValueError:
                problems["floor_area_m2"] = ("area.not_a_number", {"value": str(value)})
            else:
                # Rounded first: 5e-324 m² is stored as 0.00, which is not an area.
                area = round(area, 2)
                if area <= 0:
                    problems["floor_area_m2"] = ("area.not_positive", {})
                elif area > MAX_FLOOR_AREA_M2:
                    problems["floor_area_m2"] = ("area.too_large", {"max": MAX_FLOOR_AREA_M2})
                else:
                    fields["floor_area_m2"] = area

    for key, low, high, integer in _NUMBER_FIELDS:
        if partial and key not in raw:
            continue
        if raw.get(key) is None:  # absent or empty: no call for the common case
            fields[key] = None
            continue
        if key == "completion_year":
            high = today.year + 10
        _optional_number(raw, fields, problems, key, low=low, high=high, integer=integer)
    if "persons" in raw and not _blank(raw.get("persons")):
        _area_per_person_from_headcount(raw, fields, problems)

    for key, default in (("is_new_build", True), ("prefabricated", False)):
        if present(key):
            value = raw.get(key)
            if _blank(value):
                fields[key] = default if not partial else False
                continue
            try:
                fields[key] = parse_bool(value)
            except ValueError:
                problems[key] = ("field.not_boolean", {"value": str(value)})

    if present("owner_credit_code"):
        value = raw.get("owner_credit_code")
        if _blank(value):
            fields["owner_credit_code"] = None
        else:
            try:
                fields["owner_credit_code"] = _credit_code(str(value))
            except credit_code.InvalidCreditCode as exc:
                problems["owner_credit_code"] = (f"credit_code.{exc.code}", dict(exc.params))

    heated, floor = fields.get("heated_area_m2"), fields.get("floor_area_m2")
    if heated and floor and heated > floor:
        problems.setdefault(
            "heated_area_m2", ("building.heated_area_exceeds_floor", {"floor": f"{floor:,g}"})
        )
    if fields.get("prefabricated") is False and fields.get("assembly_rate_pct"):
        problems.setdefault("assembly_rate_pct", ("building.assembly_rate_without_prefab", {}))
    if (fields.get("latitude") is None) != (fields.get("longitude") is None) and not partial:
        problems.setdefault("longitude", ("building.coordinates_pair", {}))
    return fields, problems


def _area_per_person_from_headcount(raw, fields, problems) -> None:
    """`persons` (the usual headcount) given instead of the area per person: derived from the
    floor area, so the one stored fact stays the area per person the correction uses."""
    if not _blank(raw.get("area_per_person_m2")):
        problems.setdefault("persons", ("building.persons_and_area_per_person", {}))
        return
    try:
        persons = parse_number(raw["persons"])
    except ValueError:
        problems["persons"] = ("field.not_a_number", {"value": str(raw["persons"])})
        return
    if persons != int(persons) or not 1 <= persons <= 1_000_000:
        problems["persons"] = ("field.out_of_range", {"low": 1, "high": 1_000_000})
        return
    if fields.get("floor_area_m2"):
        fields["area_per_person_m2"] = round(fields["floor_area_m2"] / persons, 2)
    else:
        problems.setdefault("persons", ("building.persons_need_area", {}))


def _optional_number(raw, fields, problems, key, *, low, high, integer=False):
    value = raw.get(key)
    if _blank(value):
        fields[key] = None
        return
    try:
        number = parse_number(value)
    except ValueError:
        problems[key] = ("field.not_a_number", {"value": str(value)})
        return
    if integer and number != int(number):
        problems[key] = ("field.not_an_integer", {"value": str(value)})
        return
    if not low <= number <= high:
        problems[key] = ("field.out_of_range", {"low": low, "high": high})
        return
    fields[key] = int(number) if integer else number
