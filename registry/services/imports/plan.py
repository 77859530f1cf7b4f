"""What each checked import row becomes: a new building, a new record, a duplicate or
rejected, by the duplicate and permission rules against the file's earlier rows and the
database.

Used by `imports.preview_import` chunk by chunk; the `PlannedRow`s it keeps are what
`import_commit` stores. The export's extra columns are checked before, row by row
(`imports.extras`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from registry.db import one_of
from registry.domain.buildings import records as rules
from registry.domain.imports.rows import ImportRow, RowProblem, RowResult
from registry.domain.text import names as named
from registry.errors import PermissionDenied, ValidationFailed
from registry.models import Building, Record, User
from registry.services import permissions
from registry.services.buildings.records import (  # the rules add_record applies, and
    _checked_fields,  # the fields it stores
    stored_fields,
)
from registry.services.imports.extras import compact


def building_key(name: str, address: str | None, credit_code: str | None) -> tuple:
    """Credit code + address + name, without spaces, case or full-width forms."""
    return (credit_code or "", compact(address or ""), compact(name))


@dataclass
class PlannedRow:
    """An accepted row: its building (new, or ("db", id), or ("file", first row)) and data."""

    row: ImportRow
    extras: dict
    target: tuple[str, int] | None
    record_fields: dict | None = None  # as `records.add_record` would store them


@dataclass
class Classified:
    row_number: int
    outcome: str
    name: str = ""
    label_number: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    note: tuple[str, dict] | None = None
    building_id: int | None = None


@dataclass
class ImportState:
    """What earlier rows and chunks established: labels, buildings and records seen."""

    file_labels: dict[str, int] = field(default_factory=dict)
    file_label_buildings: dict[str, tuple] = field(default_factory=dict)  # label -> building key
    file_buildings: dict[tuple, int] = field(default_factory=dict)
    file_floor_areas: dict[int, float] = field(default_factory=dict)  # by first row
    db_buildings: dict[tuple, Building] = field(default_factory=dict)
    signatures: dict[tuple[str, int], set] = field(default_factory=dict)
    # The actor's permission to add a new building in a district, with a reviewed record
    # or not: {(district, reviewed): (code, params) or None}, asked once, not per row.
    new_building_permissions: dict[tuple[str, bool], tuple | None] = field(default_factory=dict)
    names_asked: set[str] = field(default_factory=set)
    codes_asked: set[str] = field(default_factory=set)
    known: dict[tuple, int] = field(default_factory=dict)  # building key -> id, as found
    # What each chunk's look-up found (`_load`, `_digest`), in order: all the database told
    # the run.
    loaded: list[bytes] = field(default_factory=list)


def _signature(record: Any) -> tuple:
    return (
        record.kind,
        record.level,
        record.stage,
        record.issued_on,
        record.started_on,
        record.completed_on,
    )


def _keys(rows: list[ImportRow]) -> dict[int, tuple]:
    """Each row's `building_key`, by row number: made once a chunk, for `_load` and the
    rules after it."""
    return {
        row.row_number: building_key(row.name, row.address, row.owner_credit_code) for row in rows
    }


def _load(
    session: Session, rows: list[ImportRow], state: ImportState, keys: dict[int, tuple] | None
) -> dict[str, tuple]:
    """Look the chunk's label numbers and buildings up; {label: (building id, name, key)}.
    `keys`: each row's building key (`_keys`), or None to make them only if a building
    stored under one of the chunk's names or credit codes was found (a confirmation, which
    needs them for nothing else)."""
    labels = {row.label_number for row in rows if row.label_number}
    taken: dict[str, tuple] = {}
    if labels:
        query = (
            select(
                Record.label_number,
                Building.id,
                Building.name,
                Building.address,
                Building.owner_credit_code,
            )
            .join(Building, Building.id == Record.building_id)
            .where(one_of(session, Record.label_number, labels))
        )
        for label, building_id, name, address, code in session.exec(query).all():
            taken[label] = (building_id, name, building_key(name, address, code))
    # Each name and credit code is asked once a run, for the keys of the buildings it finds
    # (`known`); a building is loaded whole only when a row has its key. A developer's
    # credit code finds all its buildings and a sheet repeats it on every chunk: asked
    # again, and loaded whole, a code shared by 100,000 registered buildings cost 1.5 s a
    # chunk of 1,000 rows (issue 23: a second city-sized sheet).
    names = {row.name for row in rows} - state.names_asked
    codes = {row.owner_credit_code for row in rows if row.owner_credit_code} - state.codes_asked
    state.names_asked |= names
    state.codes_asked |= codes
    conditions = []
    if names:
        conditions.append(one_of(session, Building.name, names))
    if codes:
        conditions.append(one_of(session, Building.owner_credit_code, codes))
    keyed = []
    if conditions:
        query = select(
            Building.id, Building.name, Building.address, Building.owner_credit_code
        ).where(or_(*conditions))
        for building_id, name, address, code in session.exec(query):
            key = building_key(name, address, code)
            if key not in state.known:  # the first found keeps a key, as it always did
                state.known[key] = building_id
                keyed.append((building_id, key))
    wanted = {}
    if state.known:
        if keys is None:
            keys = _keys(rows)
        for row in rows:
            key = keys[row.row_number]
            if key in state.known and key not in state.db_buildings:
                wanted[state.known[key]] = key
    found = []
    if wanted:
        query = select(Building).where(one_of(session, Building.id, set(wanted)))
        for building in session.exec(query):
            state.db_buildings[wanted[building.id]] = building
            found.append(tuple(building.model_dump().values()))
            state.signatures[("db", building.id)] = set()
        query = select(Record).where(
            one_of(session, Record.building_id, set(wanted)), Record.label_number.is_(None)
        )
        for record in session.exec(query):
            state.signatures[("db", record.building_id)].add(_signature(record))
    state.loaded.append(_digest(taken, keyed, found, list(wanted), state))
    return taken


def _digest(taken: dict, keyed: list, found: list[tuple], loaded_ids: list[int], state) -> bytes:
    """What a chunk's look-up found (`_load`), as a digest: equal when the labels taken,
    the buildings' keys found, the buildings loaded (every column) and their records'
    signatures are, in any order the database returned them. A digest, not the rows: a
    sheet that finds 100,000 buildings keeps 16 bytes a chunk until its commit."""
    signatures = sorted((i, sorted(map(repr, state.signatures[("db", i)]))) for i in loaded_ids)
    text = repr((sorted(taken.items()), sorted(keyed), sorted(found, key=repr), signatures))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def actor_facts(actor: User) -> tuple:
    """What of the importer a run's outcome depends on (`permissions`)."""
    return (actor.id, actor.role, tuple(sorted(actor.district_codes)))


def same_lookups(session: Session, chunks, loaded: list[bytes]) -> bool:
    """Whether the database finds for each chunk of checked rows (`classify_chunk`'s
    chunks, in order) what it found when `loaded` was recorded (`ImportState.loaded`).

    Everything a run learns from the database is those look-ups; the rest of its outcome
    depends on the rows, the importer (`actor_facts`) and the day. So with those the same,
    the run would come out the same, row for row, and need not be made again."""
    state = ImportState()
    for number, chunk in enumerate(chunks):
        rows = [result.row for result, _ in chunk if result.row]
        _load(session, rows, state, None)
        if number >= len(loaded) or state.loaded[number] != loaded[number]:
            return False
    return len(state.loaded) == len(loaded)


def _permission_problem(actor: User, row: ImportRow, extras: dict, building) -> RowProblem | None:
    """Whether `actor` may add this row; a record past draft also needs a reviewer."""
    try:
        if building is None:
            permissions.require_register_in(actor, row.district_code)
        else:
            permissions.require_edit_building(actor, building)
        if row.kind and extras.get("status", "approved") != "draft":
            permissions.require_review(
                actor, building or SimpleNamespace(district_code=row.district_code)
            )
    except PermissionDenied as error:
        return RowProblem(row.row_number, "district_code", error.code, error.params)
    return None


def _new_building_permission(state: ImportState, actor: User, row: ImportRow, extras: dict):
    """`_permission_problem` for a row on a new building, asked once per district and need
    of a reviewer: the answer depends on nothing else of the row."""
    asked = (row.district_code, bool(row.kind) and extras.get("status") != "draft")
    if asked not in state.new_building_permissions:
        found = _permission_problem(actor, row, extras, None)
        state.new_building_permissions[asked] = found and (found.code, found.params)
    refused = state.new_building_permissions[asked]
    if refused is None:
        return None
    return RowProblem(row.row_number, "district_code", refused[0], dict(refused[1]))


def _record_fields(row: ImportRow, extras: dict, floor_area_m2: float, today: date) -> dict:
    """The row's record as `records.add_record` would store it on a building of this floor
    area; `ValidationFailed` if its rules refuse it there.

    A row on its own building (or on an earlier row's of the same floor area) was checked
    by those rules against that very area when it was read (`rows.validate_row`, the same
    `record_problems` and day), and its values are parsed already: the checks are not run a
    second time for the 100,000 rows of a city's sheet. On another building they are."""
    if floor_area_m2 == row.floor_area_m2:
        return stored_fields(row, extras.get("notes", ""), floor_area_m2)
    return _checked_fields(
        {**row.record_data(), "notes": extras.get("notes", "")},
        SimpleNamespace(floor_area_m2=floor_area_m2),
        today,
    )


def classify_chunk(
    *,
    session: Session,
    actor: User,
    chunk: list[tuple[RowResult, dict]],
    state: ImportState,
    today: date,
):
    """Yield (Classified, PlannedRow or None) for each checked row of a chunk, in order."""
    rows = [result.row for result, _ in chunk if result.row]
    keys = _keys(rows)
    taken = _load(session, rows, state, keys)
    for result, extras in chunk:
        if result.row is None:
            name, label = extras.get("identity", ("", None))
            problems = list(result.problems)
            yield Classified(result.row_number, "rejected", name, label, problems), None
            continue
        row = result.row
        done = Classified(row.row_number, "duplicate", row.name, row.label_number)
        label = row.label_number
        key = keys[row.row_number]
        # A label number is one building's: on the same building again it is a duplicate
        # (a sheet imported twice); on another building it is a conflict to resolve.
        if label and label in state.file_labels:
            first_row = state.file_labels[label]
            if state.file_label_buildings[label] != key:
                params = {"label_number": label, "first_row": first_row}
                problem = RowProblem(
                    row.row_number, "label_number", "import.label_number_held_in_file", params
                )
                yield Classified(row.row_number, "rejected", row.name, label, [problem]), None
                continue
            done.note = (
                "import.label_number_repeated",
                {"label_number": label, "first_row": first_row},
            )
            yield done, None
            continue
        if label and label in taken:
            holder_id, holder, holder_key = taken[label]
            params = {"label_number": label, "building": holder, "building_id": holder_id}
            if holder_key != key:
                problem = RowProblem(
                    row.row_number, "label_number", "import.label_number_held", params
                )
                yield Classified(row.row_number, "rejected", row.name, label, [problem]), None
                continue
            done.note = ("import.duplicate_label_in_db", params)
            done.building_id = holder_id
            yield done, None
            continue
        building = state.db_buildings.get(key)
        first_row = state.file_buildings.get(key)
        target = ("db", building.id) if building else ("file", first_row) if first_row else None
        if target and not row.kind:
            done.note = (
                (
                    "import.duplicate_building_in_db",
                    {"building": building.name, "building_id": building.id},
                )
                if building
                else ("import.duplicate_building_in_file", {"first_row": first_row})
            )
            yield done, None
            continue
        signature = _signature(row)
        if target and not label and signature in state.signatures.get(target, ()):
            kind = named("record kind", [rules.KIND_NAMES[row.kind]])
            done.note = ("import.duplicate_record", {"kind": kind})
            yield done, None
            continue
        if building is None:
            problem = _new_building_permission(state, actor, row, extras)
        else:
            problem = _permission_problem(actor, row, extras, building)
        if problem is not None:
            yield Classified(row.row_number, "rejected", row.name, label, [problem]), None
            continue
        record_fields = None
        if row.kind:
            floor_area = (
                building.floor_area_m2
                if building
                else state.file_floor_areas.get(first_row, row.floor_area_m2)
            )
            try:
                record_fields = _record_fields(row, extras, floor_area, today)
            except ValidationFailed as error:
                found = [
                    RowProblem(row.row_number, name, code, params)
                    for name, (code, params) in error.field_errors.items()
                ]
                yield Classified(row.row_number, "rejected", row.name, label, found), None
                continue
        if label:
            state.file_labels[label] = row.row_number
            state.file_label_buildings[label] = key
        if target is None:
            state.file_buildings[key] = row.row_number
            state.file_floor_areas[row.row_number] = row.floor_area_m2
            done.outcome = "new_building"
        else:
            done.outcome = "new_record"
            done.building_id = building.id if building else None
            done.note = (
                (
                    "import.record_on_db_building",
                    {"building": building.name, "building_id": building.id},
                )
                if building
                else ("import.record_on_file_building", {"first_row": first_row})
            )
        if row.kind and not label:
            state.signatures.setdefault(target or ("file", row.row_number), set()).add(signature)
        yield done, PlannedRow(row, extras, target, record_fields)
