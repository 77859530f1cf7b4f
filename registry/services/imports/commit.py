"""Store what an import's preview accepts: all of it in one transaction, or nothing.

The preview is run again inside the transaction, so rows someone registered since the
user's dry run are duplicates now, not second copies. Records pass the same checks as
`records.add_record` (`_checked_fields`: counted area defaults to the floor area,
retrofits carry no label) and reach their status through the same transitions
(`records.transition`), so an imported approved record counts toward the targets exactly
like one entered by hand. Each new building and record gets one "create" audit event
carrying the batch's `import_id`, whose snapshot is the row as stored (status approved,
approved by the importer), not one event per transition. Rows are written by Core
executemany INSERTs or COPY (`BULK_ROWS` at a time: buildings, then records, then events)
rather than one flush per object, the difference between minutes and seconds at 100,000
rows; their ids are reserved before (`db.reserve_ids`), so nothing is read back, and the
events and tally rows of a long sheet are made by a forked copy while the rows are written
(`_store`).

Concurrency (issue 24): the commit first takes a lock on its target (PostgreSQL: a
transaction-scoped advisory lock; SQLite: the database's write lock, `BEGIN IMMEDIATE`), so
the duplicate check of the dry run and the inserts it allows are one step; then it looks
for a claim of the same content (SHA-256 + target). A file committed already is answered
with its first batch (`repeated`), not stored again; a new one is claimed in the same
transaction (a unique row), so even without the lock two batches of one file cannot both
commit.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
import os
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.db import bind_rows, bulk_cache, insert_rows, reserve_ids, write_bound
from registry.domain import dates
from registry.domain.buildings import records as rules
from registry.domain.tally import targets as tally_rules
from registry.errors import Conflict
from registry.models import AuditEvent, Building, ImportBatch, ImportClaim, Record, User, utcnow
from registry.services.imports import preview as dry_run
from registry.services.imports.forked import Forked
from registry.services.imports.outcomes import Preview
from registry.services.imports.plan import BUILDING_EXTRAS, PlannedRow
from registry.services.imports.preview import preview_import, previous_batch
from registry.services.tally import facts
from registry.services.tally import index as tally_index

BULK_ROWS = 2000
TARGET = "buildings"  # what a sheet imports into: buildings and their records
# Arbitrary 32-bit tag of the registry's advisory locks on imports (pg_advisory_xact_lock).
_PG_LOCK_CLASS = 0x1D0B
_BUILDING_COLUMNS = tuple(Building.model_fields)
_RECORD_COLUMNS = tuple(Record.model_fields)
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


@dataclass
class CommitResult:
    preview: Preview
    batch: ImportBatch | None  # None when nothing was new
    previous_batch_id: int | None = None  # an earlier batch of the same file
    repeated: bool = False  # the file was committed before: `batch` is that first batch


def commit_import(
    *,
    session: Session,
    actor: User,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    today: date | None = None,
    locale: object = "zh_Hans_CN",
    progress=None,
    rows_in_file: int = 0,
) -> CommitResult:
    """Store every accepted row of the file, with a batch row and audit events, or nothing.

    `progress(phase, count)` (optional) is told the rows read, checked and written as
    they go; it may raise to stop the commit, which then writes nothing. `rows_in_file`:
    as for `preview_import`.
    """
    today = today or dates.today()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        lock_target(session, TARGET)
        first = _claimed_batch(session, sha256)
        if first is None:
            preview = preview_import(
                session=session,
                actor=actor,
                data=data,
                filename=filename,
                mapping=mapping,
                today=today,
                locale=locale,
                progress=progress,
                keep_checked=False,
                rows_in_file=rows_in_file,
            )
            earlier = previous_batch(session=session, sha256=preview.sha256)
            if not preview.plan:
                session.rollback()
                return CommitResult(preview, None, earlier.id if earlier else None)
            batch = ImportBatch(
                created_by_id=actor.id,
                filename=(filename or "")[:255],
                sha256=preview.sha256,
                rows_total=preview.rows_total,
                new_buildings=preview.counts["new_building"],
                new_records=sum(1 for planned in preview.plan if planned.row.kind),
                duplicates=preview.counts["duplicate"],
                rejected=preview.counts["rejected"],
            )
            if progress is not None:
                rows = batch.new_buildings + batch.new_records
                progress("planned", rows)
                # After the rows: one audit event each, then the tally index, which takes
                # about as long again (`_store` reports both as "finishing"): the bar and
                # the time left cover them, rather than stand at the end for seconds.
                progress("finishing_planned", 2 * rows)
            session.add(batch)
            session.flush()
            session.add(ImportClaim(sha256=sha256, target=TARGET, batch_id=batch.id))
            session.flush()
            fork = _forks(rows_in_file, len(preview.plan))
            with bulk_cache(session.connection()):
                _store(session, actor, preview.plan, batch.id, progress, fork=fork)
            session.commit()
            return CommitResult(preview, batch, earlier.id if earlier else None)
        session.rollback()  # nothing to write: let the lock go before the dry run below
    except IntegrityError as error:
        session.rollback()
        if _claimed_batch(session, sha256) is None:
            # Someone else stored one of the labels between the check and the insert.
            raise Conflict("import.label_conflict") from error
        session.rollback()
    except BaseException:
        session.rollback()
        raise
    # The same content was committed before (or just now, by a concurrent commit that won
    # the claim): its first batch is the answer; the dry run shows the rows as they are now.
    preview = preview_import(
        session=session,
        actor=actor,
        data=data,
        filename=filename,
        mapping=mapping,
        today=today,
        locale=locale,
        keep_checked=False,
    )
    first = _claimed_batch(session, sha256)
    session.rollback()
    return CommitResult(preview, first, first.id, repeated=True)


def lock_target(session: Session, target: str) -> None:
    """Hold the import lock on `target` until the session's transaction ends.

    PostgreSQL: an advisory lock per target. SQLite: the database's write lock, taken at
    the transaction's start (`BEGIN IMMEDIATE`), so the reads of the duplicate check
    already see every committed import and nothing can be written between them and ours.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        key = int.from_bytes(hashlib.sha256(target.encode()).digest()[:4], "big", signed=True)
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": _PG_LOCK_CLASS, "key": key}
        )
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        # A transaction with a write in it holds the write lock already.
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def _forks(rows_in_file: int, planned: int) -> bool:
    """Whether a forked copy makes the events and tally rows while this process writes the
    rows (`_store`): as for the dry run's check, for a long sheet when the caller allows
    forking (gives `rows_in_file`: the worker and the CLI, never a web request)."""
    return hasattr(os, "fork") and min(rows_in_file, planned) >= dry_run.FORK_FROM_ROWS


def _claimed_batch(session: Session, sha256: str) -> ImportBatch | None:
    query = (
        select(ImportBatch)
        .join(ImportClaim, ImportClaim.batch_id == ImportBatch.id)
        .where(ImportClaim.sha256 == sha256, ImportClaim.target == TARGET)
    )
    return session.exec(query).first()


def _chunks(items: list, size: int = BULK_ROWS):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(session: Session, model, rows: list[dict], progress=None) -> None:
    """Insert `rows`, their ids given (`reserve_ids`), `BULK_ROWS` at a time."""
    connection = session.connection()
    for chunk in _chunks(rows):
        insert_rows(connection, model.__table__, chunk)
        if progress is not None:
            progress("written", len(chunk))


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


def _store(
    session: Session,
    actor: User,
    plan: list[PlannedRow],
    import_id: int,
    progress=None,
    *,
    fork: bool = False,
) -> None:
    """Write the plan's buildings and records, their audit events and their tally rows.

    The events and tally rows depend only on the rows, whose ids are reserved first, so
    they are made (`_derived`) while the rows are written: with `fork`, by a forked copy
    of this process (`forked.Forked`), whose bound rows this process writes as they come;
    else here, after the rows. The same values are written either way."""
    now = utcnow()
    # The importer's id and name, as plain attributes: each row and event reads them, and
    # an ORM attribute costs several dict lookups (800,000 reads at 100,000 rows).
    actor = SimpleNamespace(id=actor.id, username=actor.username)
    connection = session.connection()
    new_buildings = [planned for planned in plan if planned.target is None]
    # The ids first: the records, events and tally rows are made before anything is
    # written, and nothing is read back (the commit holds the import lock, and on SQLite
    # the write lock, since `lock_target`).
    ids = reserve_ids(connection, Building.__table__, len(new_buildings))
    building_rows = []
    for planned, building_id in zip(new_buildings, ids, strict=True):
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
        building_rows.append(row)
    building_of_row = {p.row.row_number: i for p, i in zip(new_buildings, ids, strict=True)}
    with_records = [planned for planned in plan if planned.row.kind]
    record_ids = reserve_ids(connection, Record.__table__, len(with_records))
    record_rows, reasons = [], []
    for planned, record_id in zip(with_records, record_ids, strict=True):
        where, ref = planned.target or ("file", planned.row.row_number)
        building_id = ref if where == "db" else building_of_row[ref]
        record_rows.append(
            _record_row(
                planned.record_fields,
                planned.extras,
                actor,
                now,
                building_id,
                import_id,
                record_id=record_id,
            )
        )
        reasons.append(planned.extras.get("reason") or None)

    def derived():
        return _derived(
            connection.dialect, actor, now, import_id, building_rows, record_rows, reasons
        )

    helper = Forked(derived, chunk_items=1) if fork else None
    try:
        _insert(session, Building, building_rows, progress)
        _insert(session, Record, record_rows, progress)
        new_bound = None
        for what, bound in helper.results() if helper is not None else derived():
            if what == "events":
                write_bound(connection, AuditEvent.__table__, bound)
                if progress is not None:
                    progress("finishing", len(bound.values))
            else:
                new_bound = bound
    finally:
        if helper is not None:
            helper.stop()
    # The tally index in the same transaction: the new buildings are counted from the rows
    # written above, the existing ones that gained a record are read back and recounted.
    tally_index.refresh(
        session,
        {row["building_id"] for row in record_rows} - set(ids),
        new_bound=new_bound,
    )
    if progress is not None:
        progress("finishing", len(building_rows) + len(record_rows))  # the tally's share


def _derived(dialect, actor, now, import_id: int, building_rows, record_rows, reasons):
    """("events", `BoundRows`) for each `BULK_ROWS` of the rows' audit events, in the order
    of the rows (buildings, then records), then ("tally", (horizons, episodes)) for the new
    buildings' tally rows: all bound for `dialect`. Pure: a forked copy may make them."""
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
        for row, reason in zip(record_rows, reasons, strict=True)
    )
    events = itertools.chain(building_events, record_events)
    while chunk := list(itertools.islice(events, BULK_ROWS)):
        yield "events", bind_rows(dialect, events_table, chunk)
    new_buildings = {row["id"]: row for row in building_rows}
    yield "tally", tally_index.bind_new(dialect, _fact_rows(new_buildings, record_rows))


def _fact_rows(buildings: dict[int, dict], record_rows: list[dict]):
    """The facts' rows (`tally.facts.facts_of`) of the new buildings that got a record, with
    their counted records: the values as written, in building then record order."""
    written: dict[int, list[tuple[int, dict]]] = {}
    for row in record_rows:
        if row["building_id"] in buildings:
            written.setdefault(row["building_id"], []).append((row["id"], row))
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
            own.sort(key=lambda pair: pair[0])
        counted = [(record_id, row) for record_id, row in own if row["status"] in counted_statuses]
        if not counted:
            rows.append(head + no_record)
        for record_id, row in counted:
            rows.append((*head, record_id, *record_of(row)))
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
