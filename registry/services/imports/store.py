"""Writing an import's plan (`imports.commit`): the new buildings and records, one "create"
audit event each, and their tally-index rows, in the commit's transaction.

Rows are written by Core executemany INSERTs or COPY (`BULK_ROWS` at a time: buildings,
then records, then events) rather than one flush per object, the difference between minutes
and seconds at 100,000 rows. Their ids are reserved first (`bulk.reserve_ids`), so nothing is
read back, and every row of a long sheet is made and bound by a forked copy while this
process writes the ones before it (`write_plan`).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Iterator
from datetime import date
from types import SimpleNamespace

from sqlmodel import Session

from registry.bulk import BoundRows, bind_rows, reserve_ids, write_chunks
from registry.domain.buildings import records as rules
from registry.domain.tally import targets as tally_rules
from registry.models import AuditEvent, Building, Record, User, utcnow
from registry.services.imports.extras import BUILDING_EXTRAS
from registry.services.imports.forked import Forked
from registry.services.imports.plan import PlannedRow
from registry.services.tally import facts
from registry.services.tally import index as tally_index

BULK_ROWS = 2000
_BUILDING_COLUMNS = tuple(Building.model_fields)
_RECORD_COLUMNS = tuple(Record.model_fields)
_MODELS = {"buildings": Building, "records": Record, "events": AuditEvent}  # `_bound`'s tables
_RECORD_DATES = (
    "issued_on",
    "started_on",
    "completed_on",
    "submitted_at",
    "approved_on",
    "notice_start_on",
    "notice_end_on",
    "published_on",
    "revoked_on",
)


def _chunks(items: Iterable) -> Iterator[list]:
    size = BULK_ROWS  # read when called, so a test can make the chunks small
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _insert(session: Session, model, chunks: Iterable[BoundRows], progress=None) -> None:
    """Write `chunks` (rows of `model`'s table bound by `bind_rows`, their ids given by
    `reserve_ids`), each as it comes (`write_chunks`); `progress` hears each chunk's rows
    once the database has them."""

    def told():
        for chunk in chunks:
            yield chunk
            if progress is not None:
                progress("written" if model is not AuditEvent else "finishing", len(chunk.values))

    write_chunks(session.connection(), model.__table__, told())


def _json(row: dict, dated: tuple[str, ...]) -> dict:
    """A JSON-ready copy, like `audit.snapshot`; `dated` names the keys that may hold dates."""
    copy = dict(row)
    for key in dated:
        value = copy.get(key)
        if value is not None and isinstance(value, date):  # a datetime is a date too
            copy[key] = value.isoformat()
    return copy


def _event(
    actor,  # id and username
    now,
    entity: str,
    entity_id: int,
    building_id: int,
    action: str,
    import_id: int,
    *,
    before=None,
    after=None,
    reason=None,
) -> dict:
    return {
        "at": now,
        "actor_id": actor.id,
        "actor_name": actor.username,
        "entity": entity,
        "entity_id": entity_id,
        "building_id": building_id,
        "action": action,
        "before": before,
        "after": after,
        "reason": reason,
        "import_id": import_id,
    }


def write_plan(
    session: Session,
    actor: User,
    plan: list[PlannedRow],
    import_id: int,
    progress=None,
    *,
    fork: bool = False,
) -> None:
    """Write the plan's buildings and records, their audit events and their tally rows.

    Every row is made and bound a chunk at a time (`_bound`: buildings, records, the new
    buildings' tally rows, then the audit events), and each chunk is written as it comes, so the
    database starts on the first at once rather than after all 100,000 are made. With
    `fork` a forked copy of this process (`forked.Forked`) makes them, from the plan and the
    ids reserved here, while this process writes the chunks before them: making the rows
    takes about as long as writing them, so the two run side by side, and each row is made
    once (its events and tally rows are made from it in the copy). Without `fork` they are
    made here. The same values are written either way."""
    connection = session.connection()
    new_buildings = [planned for planned in plan if planned.target is None]
    with_records = [planned for planned in plan if planned.row.kind]
    # The ids first: the records, events and tally rows are made before anything is
    # written, and nothing is read back (the commit holds the import lock, and on SQLite
    # the write lock, since `lock_target`).
    rows = _Rows(
        actor,
        utcnow(),
        import_id,
        new_buildings,
        reserve_ids(connection, Building.__table__, len(new_buildings)),
        with_records,
        reserve_ids(connection, Record.__table__, len(with_records)),
    )
    dialect = connection.dialect
    targets = (planned.target for planned in with_records if planned.target)
    gained = {building_id for where, building_id in targets if where == "db"}
    helper = Forked(lambda: _bound(dialect, rows), chunk_items=1) if fork else None
    try:
        made = helper.results() if helper is not None else _bound(dialect, rows)
        for what, group in itertools.groupby(made, key=operator.itemgetter(0)):
            chunks = (bound for _what, bound in group)
            if what != "tally":
                _insert(session, _MODELS[what], chunks, progress)
                continue
            # The tally index, in the same transaction, once the records are written and
            # while the copy makes their events: the new buildings are counted from the
            # rows written, the existing ones that gained a record are read back and
            # recounted.
            tally_index.refresh(session, gained, new_bound=next(chunks))
            if progress is not None:
                progress("finishing", len(new_buildings) + len(with_records))  # its share
    finally:
        if helper is not None:
            helper.stop()


def _bound(dialect, rows: _Rows):
    """(table, `BoundRows`) for each `BULK_ROWS` of the plan's rows, bound for `dialect`, in
    the order they are written: "buildings", "records", then ("tally", (horizons,
    episodes)) for the new buildings' tally rows, then "events". Pure: a forked copy may
    make them."""
    for chunk in _chunks(rows.buildings()):
        yield "buildings", bind_rows(dialect, Building.__table__, chunk)
    for chunk in _chunks(rows.records()):
        yield "records", bind_rows(dialect, Record.__table__, chunk)
    new_buildings = {row["id"]: row for row in rows.building_rows}
    yield "tally", tally_index.bind_new(dialect, _fact_rows(new_buildings, rows.record_rows))
    yield from _events(dialect, rows)


class _Rows:
    """The plan's building and record rows as written, made one at a time by `buildings()`
    then `records()` and kept (`building_rows`, `record_rows` and `reasons`) for their
    events and tally rows (`_bound`)."""

    def __init__(
        self, actor, now, import_id, new_buildings, building_ids, with_records, record_ids
    ):
        # The importer's id and name, as plain attributes: each row and event reads them,
        # and an ORM attribute costs several dict lookups (800,000 reads at 100,000 rows).
        self.actor = SimpleNamespace(id=actor.id, username=actor.username)
        self.now = now
        self.import_id = import_id
        self.new_buildings = new_buildings
        self.building_ids = building_ids
        self.with_records = with_records
        self.record_ids = record_ids
        self.building_rows: list[dict] = []
        self.record_rows: list[dict] = []
        self.reasons: list[str | None] = []

    def buildings(self) -> Iterator[dict]:
        actor, now, import_id, kept = self.actor, self.now, self.import_id, self.building_rows
        for planned, building_id in zip(self.new_buildings, self.building_ids, strict=True):
            row = dict.fromkeys(_BUILDING_COLUMNS)
            row.update(planned.row.building_data())
            row.update({k: planned.extras[k] for k in BUILDING_EXTRAS if k in planned.extras})
            row.update(
                id=building_id,
                created_by_id=actor.id,
                created_at=now,
                updated_at=now,
                import_id=import_id,
            )
            kept.append(row)
            yield row

    def records(self) -> Iterator[dict]:
        actor, now, import_id = self.actor, self.now, self.import_id
        building_of_row = {
            planned.row.row_number: building_id
            for planned, building_id in zip(self.new_buildings, self.building_ids, strict=True)
        }
        for planned, record_id in zip(self.with_records, self.record_ids, strict=True):
            where, ref = planned.target or ("file", planned.row.row_number)
            row = _record_row(
                planned.record_fields,
                planned.extras,
                actor,
                now,
                ref if where == "db" else building_of_row[ref],
                import_id,
                record_id=record_id,
            )
            self.record_rows.append(row)
            self.reasons.append(planned.extras.get("reason") or None)
            yield row


def _events(dialect, rows: _Rows):
    """("events", `BoundRows`) for each `BULK_ROWS` of the rows' audit events, in the order
    of the rows (buildings, then records), bound for `dialect`. Pure: a forked copy may make
    them."""
    actor, now, import_id = rows.actor, rows.now, rows.import_id
    building_rows, record_rows = rows.building_rows, rows.record_rows
    stamp = {"created_at": now.isoformat(), "updated_at": now.isoformat()}
    events_table = AuditEvent.__table__
    building_events = (
        _event(
            actor,
            now,
            "building",
            row["id"],
            row["id"],
            "create",
            import_id,
            after={**row, **stamp},
        )
        for row in building_rows
    )
    record_events = (
        _event(
            actor,
            now,
            "record",
            row["id"],
            row["building_id"],
            "create",
            import_id,
            after=_json({**row, **stamp}, _RECORD_DATES),
            reason=reason,
        )
        for row, reason in zip(record_rows, rows.reasons, strict=True)
    )
    events = itertools.chain(building_events, record_events)
    while chunk := list(itertools.islice(events, BULK_ROWS)):
        yield "events", bind_rows(dialect, events_table, chunk)


def _fact_rows(buildings: dict[int, dict], record_rows: list[dict]):
    """The facts' rows (`tally.facts.facts_of`) of the new buildings that got a record, with
    their counted records: the values as written, in building then record order."""
    written: dict[int, list[dict]] = {}
    for row in record_rows:
        if row["building_id"] in buildings:
            written.setdefault(row["building_id"], []).append(row)
    # Both have several columns, so each getter gives a tuple.
    head_of = operator.itemgetter(*(column.key for column in facts.BUILDING_COLUMNS))
    record_of = operator.itemgetter(*(column.key for column in facts.RECORD_COLUMNS[1:]))
    no_record = (None,) * len(facts.RECORD_COLUMNS)
    counted_statuses = tally_rules.COUNTED_STATUSES
    rows = []
    for building_id in sorted(written):
        head = head_of(buildings[building_id])
        own = written[building_id]
        if len(own) > 1:
            own.sort(key=operator.itemgetter("id"))
        counted = [row for row in own if row["status"] in counted_statuses]
        if not counted:
            rows.append(head + no_record)
        for row in counted:
            rows.append((*head, row["id"], *record_of(row)))
    return rows


def _record_row(
    fields: dict, extras: dict, actor, now, building_id: int, import_id: int, *, record_id: int
) -> dict:
    """The record's columns at its status, reached by the review transitions from draft."""
    row = dict.fromkeys(_RECORD_COLUMNS)
    row.update(fields)
    row.update(
        id=record_id,
        building_id=building_id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        import_id=import_id,
        status="draft",
    )
    reason = extras.get("reason") or None
    # A historic label or energy level was published (公布) when it was approved: the
    # registry's notice step did not exist for it (rules.path_to takes it through "publish").
    for action in _path_to(extras.get("status", "approved"), row["kind"]):
        row["status"] = rules.transition(row["status"], action, row["kind"])
        if action == "submit":
            row.update(submitted_at=now, submitted_by_id=actor.id)
        elif action == "approve":
            row.update(approved_on=extras.get("approved_on"), approved_by_id=actor.id)
        elif action == "publish":
            row["published_on"] = extras.get("published_on") or extras.get("approved_on")
        elif action == "reject":
            row["rejected_reason"] = reason
        elif action == "revoke":
            row.update(revoked_on=extras.get("revoked_on"), revoke_reason=reason)
    return row


# A handful of (status, kind) pairs, asked once a row.
_path_to = functools.lru_cache(maxsize=64)(rules.path_to)
