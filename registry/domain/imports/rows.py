"""Bulk import: each row checked into an `ImportRow` (headers are `import_headers`' job).

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
- 合计/总计/小计 rows are skipped as ``total``, blank rows as ``empty``, the template's
  example row (first cell 示例 / Example) as ``example``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from registry.domain.buildings.fields import MAX_FLOOR_AREA_M2, parse_building
from registry.domain.buildings.records import (
    ENERGY,
    GREEN_LABEL,
    KIND_NAMES,
    RETROFIT,
    RecordInput,
    record_problems,
)
from registry.domain.imports.cells import PARSERS as _PARSERS
from registry.domain.imports.cells import REMEMBERED as _REMEMBERED
from registry.domain.imports.cells import cell_text as _text
from registry.domain.imports.cells import energy_level as _energy_level
from registry.domain.imports.headers import (  # noqa: F401  (re-exported for callers)
    FIELDS,
    HEADER_ALIASES,
    IGNORE,
    combine_header_rows,
    map_headers,
    normalise_header,
    parse_building_type,
)
from registry.domain.imports.messages import MESSAGES  # noqa: E402,F401  (read by registry.i18n)
from registry.domain.imports.normalise import NormaliseError, is_blank
from registry.domain.imports.template import EXAMPLE_MARKS
from registry.domain.text import names

_LEVEL_FIELDS = {"star_level": GREEN_LABEL, "energy_level": ENERGY, "retrofit_kind": RETROFIT}
_LEVEL_FIELD_OF = {kind: name for name, kind in _LEVEL_FIELDS.items()}
# Each area: its m² field and its 万平方米 field, the m² one read first.
_AREAS = (("floor_area_m2", "floor_area_10k_m2"), ("counted_area_m2", "counted_area_10k_m2"))
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
    outcome: str  # ok | invalid | empty | total | example
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
    whole sheet. Dates are checked against `today`. A sheet's rows are read by one
    `row_reader`, which does the per-sheet work once.
    """
    return row_reader(mapping, today=today, defaults=defaults)(raw, row_number)


def row_reader(
    mapping: Mapping[Any, str], *, today: date, defaults: Mapping[str, Any] | None = None
):
    """`validate_row` for every row of one sheet: `read(raw, row_number) -> RowResult`.

    What depends only on the sheet (the columns read, in order, each with its parser; the
    defaults that are not blank) is settled here once, not again for each of 100,000 rows.
    """
    read_columns = tuple((h, name) for h, name in mapping.items() if name != IGNORE)
    ignored = {h for h, name in mapping.items() if name == IGNORE}
    filled_defaults = tuple((n, v) for n, v in (defaults or {}).items() if not is_blank(v))

    def read(raw: Mapping[Any, Any], row_number: int) -> RowResult:
        values: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        for header, name in read_columns:  # the first filled cell of a field wins
            if name not in values:
                value = raw.get(header)
                if value is not None and not is_blank(value):
                    values[name], columns[name] = value, header
        if not values and all(is_blank(v) for h, v in raw.items() if h not in ignored):
            return RowResult(row_number, "empty")
        for first_cell in raw.values():  # 合计 is often under 序号
            if not is_blank(first_cell):
                break
        first_text = _text(first_cell)
        if first_text in _TOTAL_WORDS or _text(values.get("name", "")) in _TOTAL_WORDS:
            return RowResult(row_number, "total")
        if first_text.casefold() in EXAMPLE_MARKS:
            return RowResult(row_number, "example")
        for name, value in filled_defaults:
            values.setdefault(name, value)
        return _checked(values, columns, row_number, today)

    return read


def _checked(values: dict, columns: dict, row_number: int, today: date) -> RowResult:
    """The row's fields ({field: raw cell}, {field: its header}) parsed and checked."""
    problems: dict[str, RowProblem] = {}

    def report(target: str, code: str, params: dict, column: Any = None) -> None:
        if target not in problems:
            problems[target] = RowProblem(row_number, target, code, dict(params), column)

    retrofit_row = "retrofit_kind" in values
    parsed: dict[str, Any] = {}
    for name, value in values.items():
        try:
            parse = _REMEMBERED.get(name)
            if name == "energy_level":
                parsed[name] = _energy_level(value, columns.get(name, ""))
            elif parse is None:  # free text, tidied by `parse_building` (text as it is)
                parsed[name] = value if value.__class__ is str else _text(value)
            else:
                try:
                    parsed[name] = parse(value)
                except TypeError:  # an unhashable cell: read, not remembered
                    parsed[name] = _PARSERS[name](value)
        except NormaliseError as error:
            target = _TARGET.get(name, name)
            if name == "completion_date":
                target = "completed_on" if retrofit_row else "completion_year"
            report(target, error.code, error.params, columns.get(name))
    for area in _AREAS:
        if area[0] in parsed or area[1] in parsed:
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
        params = {"kinds": names("record kind", [KIND_NAMES[kind] for kind in kinds])}
        report("level", "import.several_record_kinds", params)
    elif not kinds and any(name in values for name in _RECORD_ONLY):
        report("level", "import.record_without_level", {})
    elif kinds:
        record = _record(kinds[0], parsed, building.get("floor_area_m2"), today, report, columns)

    if problems:
        return RowResult(row_number, "invalid", problems=tuple(problems.values()))
    return RowResult(row_number, "ok", _import_row(row_number, building, record))


def _import_row(row_number: int, building: dict, record: dict) -> ImportRow:
    """`ImportRow(row_number, **building fields, **record)`, its fields set in one dict
    update: a frozen dataclass's __init__ sets each of its 25 fields through
    object.__setattr__, a twentieth of a 100,000-row preview. The row is as frozen."""
    row = object.__new__(ImportRow)
    fields_of = row.__dict__
    fields_of["row_number"] = row_number
    for name in BUILDING_FIELDS:
        fields_of[name] = building.get(name)
    for name in RECORD_FIELDS:
        fields_of[name] = record.get(name)
    return row


def _check_area(area: tuple[str, str], parsed: dict, values: dict, columns: dict, report) -> None:
    """One area in m², from the m² column or else the 万平方米 one, within (0, 10⁷] m²."""
    sources = [name for name in area if name in parsed]
    values_m2 = [parsed.pop(name) for name in sources]
    source, value = sources[0], values_m2[0]
    if value <= 0:
        report(area[0], "area.not_positive", {}, columns.get(source))
    elif value > MAX_FLOOR_AREA_M2:  # surely a unit slip, not a building
        code = "import.area_too_large_10k_column" if source == area[1] else "area.too_large"
        params = {"value": _text(values[source]), "area": round(value), "max": MAX_FLOOR_AREA_M2}
        report(area[0], code, params, columns.get(source))
    parsed[area[0]] = value


def _record(kind, parsed, floor_area_m2, today, report, columns) -> dict[str, Any]:
    level_field = _LEVEL_FIELD_OF[kind]
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
