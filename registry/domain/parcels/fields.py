"""A parcel's own fields from raw values (form, API, CLI, spreadsheet), every problem at once."""

from __future__ import annotations

from typing import Any

from registry.domain.buildings import credit_code, districts
from registry.domain.buildings.fields import UNSAFE_CHARACTERS, parse_number
from registry.domain.dates import parse_iso_date
from registry.domain.parcels.numbers import normalise_parcel_number

TEXT_LIMITS = {"contract_number": 64, "land_use": 64, "developer_name": 200}


def parse_parcel(
    raw: dict[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, tuple[str, dict]]]:
    """(fields, {field: (message code, params)}); with `partial`, only the keys given."""
    fields: dict[str, Any] = {}
    problems: dict[str, tuple[str, dict]] = {}

    def present(key: str) -> bool:
        return not partial or key in raw

    if present("number"):
        value = raw.get("number")
        if value in (None, "") or not str(value).strip():
            problems["number"] = ("parcel.number_required", {})
        else:
            try:
                fields["number"] = normalise_parcel_number(value)
            except ValueError:
                problems["number"] = ("parcel.number_malformed", {"value": str(value)})
    if present("district_code"):
        value = raw.get("district_code")
        if value in (None, "") or not str(value).strip():
            problems["district_code"] = ("field.required", {})
        else:
            try:
                fields["district_code"] = districts.normalise_district(str(value)).code
            except districts.UnknownDistrict as exc:
                problems["district_code"] = (exc.code, exc.params)
    for key, limit in TEXT_LIMITS.items():
        if key in raw:
            text = " ".join(str(raw.get(key) or "").split())
            if len(text) > limit:
                problems[key] = ("field.too_long", {"max": limit})
            elif UNSAFE_CHARACTERS.search(text):
                problems[key] = ("field.control_characters", {})
            else:
                fields[key] = text
    if "site_area_m2" in raw:
        value = raw.get("site_area_m2")
        if value in (None, ""):
            fields["site_area_m2"] = None
        else:
            try:
                area = parse_number(value)
                if area <= 0:
                    problems["site_area_m2"] = ("area.not_positive", {})
                else:
                    fields["site_area_m2"] = area
            except ValueError:
                problems["site_area_m2"] = ("area.not_a_number", {"value": str(value)})
    if "sale_date" in raw:
        try:
            fields["sale_date"] = parse_iso_date(raw.get("sale_date"))
        except ValueError:
            problems["sale_date"] = ("field.not_a_date", {"value": str(raw.get("sale_date"))})
    if "developer_credit_code" in raw:
        value = raw.get("developer_credit_code")
        if value in (None, "") or not str(value).strip():
            fields["developer_credit_code"] = None
        else:
            try:
                fields["developer_credit_code"] = credit_code.validate_credit_code(str(value))
            except credit_code.InvalidCreditCode as exc:
                problems["developer_credit_code"] = (f"credit_code.{exc.code}", dict(exc.params))
    return fields, problems
