"""Every code a reader sees, by its name in the reader's language: one vocabulary each.

The English names live beside their codes (building types in domain/buildings/types.py,
record levels in domain/buildings/records.py, …), marked `NC_(context, name)`; the
catalogue holds their Chinese under that context. This module is the one place that looks
them up, so a code reads the same on a page, in a PDF, a spreadsheet, the CLI and the API.
A code no vocabulary knows (a newer release's, a stored typo) is shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.domain import dates, roles, source_status
from registry.domain.buildings import districts, records, types
from registry.domain.checks import names as energy
from registry.domain.checks import states
from registry.domain.checks import weather as weather_files
from registry.domain.imports import names as import_names
from registry.domain.notice import objections
from registry.domain.parcels import compliance as parcel_compliance
from registry.domain.parcels import conditions as parcel_conditions
from registry.domain.quotas import transcribed as quota_tables
from registry.domain.quotas import verdict as quotas
from registry.domain.saving import rates as saving
from registry.domain.saving.names import SPACES, name_parts
from registry.domain.text import NC_
from registry.i18n import pgettext

MONTHS = (
    NC_("month", "Jan"),
    NC_("month", "Feb"),
    NC_("month", "Mar"),
    NC_("month", "Apr"),
    NC_("month", "May"),
    NC_("month", "Jun"),
    NC_("month", "Jul"),
    NC_("month", "Aug"),
    NC_("month", "Sep"),
    NC_("month", "Oct"),
    NC_("month", "Nov"),
    NC_("month", "Dec"),
)

# context -> {code: English name}; the contexts are the ones the NC_ marks use.
VOCABULARIES: dict[str, Mapping[str, str]] = {
    "building type": types.BUILDING_TYPES,
    "building sub-type": {
        f"{type_code}.{sub}": name
        for type_code, subs in types.SUB_TYPES.items()
        for sub, name in subs.items()
    },
    "HVAC class": types.HVAC_CLASSES,
    "heating type": types.HEATING_TYPES,
    "district": {d.code: d.name for d in districts.DISTRICTS},
    "record kind": records.KIND_NAMES,
    "record level": {
        f"{kind}.{level}": name
        for kind, levels in records.LEVELS.items()
        for level, name in levels.items()
    },
    "record stage": records.STAGES,
    "record status": records.STATUSES,
    "objection status": objections.OBJECTION_STATUSES,
    "source status": source_status.SOURCE_STATUS_NAMES,
    "check state": states.STATE_NAMES,
    "role": roles.ROLE_NAMES,
    "quota level": quotas.LEVEL_NAMES,
    "standard table": quota_tables.TABLE_NAMES,
    "weather location": weather_files.WEATHER_NAMES,
    "end use": {name: name for name in energy.END_USES},
    "fuel": {name: name for name in energy.FUELS},
    "conversion factor": energy.FACTOR_NAMES,
    "month": {str(number): name for number, name in enumerate(MONTHS, start=1)},
    "parcel condition": parcel_conditions.CONDITION_KINDS,
    "condition status": parcel_conditions.CONDITION_STATUSES,
    "parcel compliance": {
        **parcel_compliance.BUILDING_STATUSES,
        **parcel_compliance.PARCEL_STATUSES,
    },
    "saving level": saving.LEVEL_NAMES,
    "import outcome": import_names.OUTCOME_NAMES,
    "import column": import_names.COLUMN_STATUS_NAMES,
}


def name(context: str, code, locale: object) -> str:
    """The name of `code` in the vocabulary `context`, in `locale`; '' for no code."""
    if code is None or code == "":
        return ""
    english = VOCABULARIES[context].get(str(code))
    return str(code) if english is None else pgettext(context, english, locale)


def choices(context: str, locale: object) -> list[tuple[str, str]]:
    """(code, name) for every code of a flat vocabulary, in its order."""
    return [(code, name(context, code, locale)) for code in VOCABULARIES[context]]


def time_zone(locale: object) -> str:
    """The name of the bureau's time zone, written once beside the times a document shows."""
    return pgettext("time zone", dates.ZONE_NAME, locale)


def building_type(code: str | None, locale: object) -> str:
    return name("building type", code, locale)


def sub_type(type_code: str | None, sub_code: str | None, locale: object) -> str:
    """A sub-type's name; without the building type, the first type that has the sub-type."""
    if not sub_code:
        return ""
    if type_code is None:
        type_code = next((t for t, subs in types.SUB_TYPES.items() if sub_code in subs), "")
    found = name("building sub-type", f"{type_code}.{sub_code}", locale)
    return sub_code if found == f"{type_code}.{sub_code}" else found


def hvac_class(code: str | None, locale: object) -> str:
    return name("HVAC class", code, locale)


def heating_type(code: str | None, locale: object) -> str:
    return name("heating type", code, locale)


def district(code: str | None, locale: object) -> str:
    return name("district", code, locale)


def record_kind(kind: str | None, locale: object) -> str:
    return name("record kind", kind, locale)


def record_level(kind: str | None, level: str | None, locale: object) -> str:
    """A level's name; without the kind, the first kind that has the level."""
    if level is None or level == "":
        return ""
    if kind is None:
        kind = next((k for k, levels in records.LEVELS.items() if level in levels), "")
    found = name("record level", f"{kind}.{level}", locale)
    return str(level) if found == f"{kind}.{level}" else found


def record_stage(stage: str | None, locale: object) -> str:
    return name("record stage", stage, locale)


def record_status(status: str | None, locale: object) -> str:
    return name("record status", status, locale)


def source_status_name(status: str | None, locale: object) -> str:
    return name("source status", status, locale)


def check_state(state: str | None, locale: object) -> str:
    return name("check state", state, locale)


def role(code: str | None, locale: object) -> str:
    return name("role", code, locale)


def quota_level(level: str | None, locale: object) -> str:
    return name("quota level", level, locale)


def standard_table(table_ref: str | None, locale: object) -> str:
    """A standard's table as the reader names it ("表1" / "Table 1"); unknown ones as stored."""
    return name("standard table", table_ref, locale)


def weather(file_name: str | None, location: str | None, locale: object) -> str:
    """A weather file as the reader names its place: the shipped files by their name in the
    reader's language, any other by the location it was stored with (else its name)."""
    if file_name in weather_files.WEATHER_NAMES:
        return name("weather location", file_name, locale)
    return location or file_name or ""


def end_use(end_use_name: str, locale: object) -> str:
    return name("end use", end_use_name, locale)


def fuel(fuel_name: str, locale: object) -> str:
    return name("fuel", fuel_name, locale)


def conversion_factor(key: str, locale: object) -> str:
    return name("conversion factor", key, locale)


def month(number: int, locale: object) -> str:
    return name("month", number, locale)


def english_names(context: str) -> list[str]:
    """Every English name of a vocabulary (for the catalogue's tests)."""
    return list(dict.fromkeys(VOCABULARIES[context].values()))


def saving_level(level: str | None, locale: object) -> str:
    return name("saving level", level, locale)


def saving_parameter(key: str, locale: object) -> str:
    """A saving-rate parameter's name (`window_u.0.30` → its family's name with the band); a
    key no list names (one added later) as stored."""
    text, band, context = name_parts(key)
    if band is None:
        return pgettext("saving parameter", text, locale) if text != key else key
    if context:
        band = pgettext(context, SPACES[band], locale) if band in SPACES else band
    return pgettext("saving parameter", text, locale).format(band=band)
