"""Form plumbing shared by the pages: raw values in, choices out, errors in the user's words.

The domain parsers check every field (so the form, the API and the importer agree);
this module only gathers what was typed, keeps it for re-display, and renders the
service's field errors in the reader's language.
"""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from registry import vocabulary
from registry.domain.buildings import records as record_rules
from registry.domain.buildings import types as building_types
from registry.domain.dates import parse_iso_date
from registry.errors import RegistryError
from registry.web import display

BUILDING_TEXT_FIELDS = (
    "name",
    "address",
    "district_code",
    "building_type",
    "sub_type",
    "hvac_class",
    "heating_type",
    "floor_area_m2",
    "heated_area_m2",
    "storeys",
    "completion_year",
    "assembly_rate_pct",
    "owner_name",
    "owner_credit_code",
    "design_unit",
    "land_parcel_id",
    "latitude",
    "longitude",
    "annual_use_hours",
    "area_per_person_m2",
)
RECORD_FIELDS = (
    "kind",
    "level",
    "stage",
    "label_number",
    "issued_on",
    "started_on",
    "completed_on",
    "counted_area_m2",
    "notes",
)


def building_form_data(form: MultiDict) -> dict[str, str]:
    """Every building field as typed; the two yes/no fields always present, so an edit can
    turn them off (an unticked checkbox sends nothing)."""
    data = {field: form.get(field, "").strip() for field in BUILDING_TEXT_FIELDS}
    data["is_new_build"] = form.get("is_new_build") or "true"
    data["prefabricated"] = form.get("prefabricated") or "false"
    return data


def record_form_data(form: MultiDict) -> dict[str, str]:
    data = {field: form.get(field, "").strip() for field in RECORD_FIELDS}
    if data["kind"] != record_rules.GREEN_LABEL:
        # The stage select stays on the page for other kinds; its value means nothing there.
        data["stage"] = ""
    return data


def as_text(value) -> str:
    """A stored value as it would be typed into a form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def values_of(row, fields) -> dict[str, str]:
    return {field: as_text(getattr(row, field)) for field in fields}


def building_values(building) -> dict[str, str]:
    return values_of(building, (*BUILDING_TEXT_FIELDS, "is_new_build", "prefabricated"))


def field_errors(exc: RegistryError) -> dict[str, str]:
    """{field: message} in the reader's language."""
    return {
        field: display.message(code, params) for field, (code, params) in exc.field_errors.items()
    }


def parse_date_field(value: str | None) -> date | None:
    """A date from an <input type=date>, or None when blank or malformed (reported by the
    service as a missing date)."""
    try:
        return parse_iso_date(value)
    except ValueError:
        return None


# Choices, each a list of (value, label) in the reader's language.


def district_choices(only: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """Every district, or `only` these (an officer's own, on the forms they fill in)."""
    return [
        (code, name)
        for code, name in vocabulary.choices("district", display.locale())
        if only is None or code in only
    ]


def type_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("building type", display.locale())


def sub_type_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(type code, type name, [(sub-type code, name)]) for the types that have sub-types."""
    return [
        (
            type_code,
            display.type_label(type_code),
            [(sub, display.sub_type_label(type_code, sub)) for sub in subs],
        )
        for type_code, subs in building_types.SUB_TYPES.items()
    ]


def hvac_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("HVAC class", display.locale())


def heating_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("heating type", display.locale())


def kind_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("record kind", display.locale())


def level_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, kind name, [(level code, name)]) for every record kind."""
    return [
        (
            kind,
            display.kind_label(kind),
            [(level, display.level_label(kind, level)) for level in levels],
        )
        for kind, levels in record_rules.LEVELS.items()
    ]


def stage_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("record stage", display.locale())


def status_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("record status", display.locale())


def role_choices() -> list[tuple[str, str]]:
    return vocabulary.choices("role", display.locale())


def role_label(role: str) -> str:
    return vocabulary.role(role, display.locale())


def locale_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, label, _tag in display.languages()]
