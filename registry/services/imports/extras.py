"""An import row's extra columns, as the registry's export writes them: a building's sub-type,
HVAC class, heating, hours and area per person, and a record's status, its dates and reason.

Checked row by row (`check_extras`), by the dry run's row check (`imports.preview`), beside the
columns every sheet has (`domain.imports.rows`); their values are stored with the row
(`imports.store`).
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from registry.domain.buildings import records as rules
from registry.domain.buildings.fields import parse_building
from registry.domain.buildings.types import HEATING_TYPES, HVAC_CLASSES, SUB_TYPES
from registry.domain.imports import normalise
from registry.domain.imports.rows import ImportRow
from registry.i18n import LOCALES, pgettext

BUILDING_EXTRAS = (
    "sub_type",
    "hvac_class",
    "heating_type",
    "annual_use_hours",
    "area_per_person_m2",
)


def compact(value: Any) -> str:
    """Text as an import compares it (building keys, vocabulary words): half-width, without
    spaces, case-folded."""
    # str.split's whitespace is exactly the pattern \s's: no regex per cell.
    return "".join(normalise.half_width(value).split()).casefold()


def _code_of(value: Any, context: str, table: dict[str, str]) -> str | None:
    """A code from a vocabulary (code -> English name), by its code or its name in any
    language: exports write names in the reader's language, and read back either."""
    return _vocabulary_index(context, tuple(table.items())).get(compact(value))


@functools.lru_cache(maxsize=64)
def _vocabulary_index(context: str, items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """{compacted code or name in any language: code}, built once per vocabulary rather
    than translated again for every row; the first code to claim a word keeps it."""
    index: dict[str, str] = {}
    for code, english in items:
        index.setdefault(compact(code), code)
        for locale in LOCALES:
            index.setdefault(compact(pgettext(context, english, locale)), code)
    return index


def check_extras(raw: dict, extra: dict[str, str], row: ImportRow, today: date):
    """The export's extra columns of a valid row, and their problems by field."""
    cells: dict[str, tuple[Any, str]] = {}
    for header, name in extra.items():
        value = raw.get(header)
        if name not in cells and not normalise.is_blank(value):
            cells[name] = (value, header)
    problems: dict[str, tuple[str, dict, str | None]] = {}
    values: dict[str, Any] = {}
    building_raw: dict[str, Any] = {}
    for name in BUILDING_EXTRAS:
        if name not in cells:
            continue
        value, header = cells[name]
        text = normalise.clean_text(value)
        if name == "sub_type":
            subs = SUB_TYPES.get(row.building_type, {})
            text = _code_of(text, "building sub-type", subs) or text
        elif name == "hvac_class":
            text = _code_of(text, "HVAC class", HVAC_CLASSES) or text
        elif name == "heating_type":
            text = _code_of(text, "heating type", HEATING_TYPES) or text
        building_raw[name] = text
    if building_raw:
        fields_, found = parse_building(
            {**building_raw, "building_type": row.building_type}, today=today, partial=True
        )
        fields_.pop("building_type", None)
        values.update(fields_)
        for name, (code, params) in found.items():
            problems[name] = (code, params, cells.get(name, (None, None))[1])
    if row.kind:
        _record_extras(cells, row, today, values, problems)
    return values, problems


def _record_extras(cells, row, today, values, problems) -> None:
    def date_of(name):
        if name not in cells:
            return None
        try:
            return normalise.parse_date(cells[name][0])
        except normalise.NormaliseError as error:
            problems[name] = (error.code, error.params, cells[name][1])
            return None

    status = "approved"
    if "status" in cells:
        status = _code_of(cells["status"][0], "record status", rules.STATUSES)
        # A historic record is imported granted (published labels, approved retrofits) or
        # before review; a notice period is only started by a reviewer's approval.
        if status == "notice" or (status == "published" and row.kind == rules.RETROFIT):
            status = None
        if status is None:
            value = normalise.clean_text(cells["status"][0])
            problems["status"] = ("import.status_unknown", {"value": value}, cells["status"][1])
            return
    reason = (
        normalise.clean_text(cells["reason"][0])[: rules.REASON_MAX_CHARS]
        if "reason" in cells
        else ""
    )
    values.update(
        status=status,
        notes=normalise.clean_text(cells.get("notes", ("",))[0])[: rules.NOTES_MAX_CHARS],
    )
    approved_on = date_of("approved_on")
    revoked_on = date_of("revoked_on")
    if status in ("approved", "published", "revoked"):
        approved_on = approved_on or today
        if approved_on > today:
            problems["approved_on"] = (
                "record.date_in_future",
                {"date": approved_on.isoformat()},
                None,
            )
        values["approved_on"] = approved_on
        # A historic label's publication: as the sheet says, else its approval date.
        published_on = date_of("published_on") or approved_on
        if published_on < approved_on or published_on > today:
            code = "record.date_in_future"
            if published_on <= today:
                code = "import.published_before_approved"
            params = {"date": published_on.isoformat(), "approved": approved_on.isoformat()}
            problems["published_on"] = (code, params, None)
        values["published_on"] = published_on
    if status in ("rejected", "revoked") and not reason:
        problems["reason"] = ("record.reason_required", {}, None)
    values["reason"] = reason
    if status == "revoked":
        effective = row.issued_on or row.started_on or approved_on
        if revoked_on is None and "revoked_on" not in problems:
            problems["revoked_on"] = ("import.revoked_on_required", {}, None)
        elif revoked_on is not None and effective and revoked_on < effective:
            problems["revoked_on"] = (
                "record.revoked_before_issue",
                {"date": revoked_on.isoformat(), "issued": effective.isoformat()},
                None,
            )
        elif revoked_on is not None and revoked_on > today:
            problems["revoked_on"] = (
                "record.date_in_future",
                {"date": revoked_on.isoformat()},
                None,
            )
        values["revoked_on"] = revoked_on
