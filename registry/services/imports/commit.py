"""Store what an import's preview accepts: all of it in one transaction, or nothing.

The preview is run again inside the transaction, so rows someone registered since the
user's dry run are duplicates now, not second copies; this worker's own dry run of the file
is taken as it stands only if the database answers its look-ups as it did then
(`preview.confirmed_preview`). Records pass the same checks as
`records.add_record` (`_checked_fields`: counted area defaults to the floor area,
retrofits carry no label) and reach their status through the same transitions
(`records.transition`), so an imported approved record counts toward the targets exactly
like one entered by hand. Each new building and record gets one "create" audit event
carrying the batch's `import_id`, whose snapshot is the row as stored (status approved,
approved by the importer), not one event per transition. The writing is `store.write_plan`'s.

Concurrency (issue 24): the commit first takes a lock on its target (PostgreSQL: a
transaction-scoped advisory lock; SQLite: the database's write lock, `BEGIN IMMEDIATE`), so
the duplicate check of the dry run and the inserts it allows are one step; then it looks
for a claim of the same content (SHA-256 + target). A file committed already is answered
with its first batch (`repeated`), not stored again; a new one is claimed in the same
transaction (a unique row), so even without the lock two batches of one file cannot both
commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry import collector
from registry.bulk import bulk_cache
from registry.domain import dates
from registry.errors import Conflict
from registry.models import ImportBatch, ImportClaim, User
from registry.services.imports import checking
from registry.services.imports import preview as dry_run
from registry.services.imports.outcomes import Preview
from registry.services.imports.preview import preview_import, previous_batch
from registry.services.imports.store import write_plan

TARGET = "buildings"  # what a sheet imports into: buildings and their records
# Arbitrary 32-bit tag of the registry's advisory locks on imports (pg_advisory_xact_lock).
_PG_LOCK_CLASS = 0x1D0B


@dataclass
class CommitResult:
    preview: Preview
    batch: ImportBatch | None  # None when nothing was new
    previous_batch_id: int | None = None  # an earlier batch of the same file
    repeated: bool = False  # the file was committed before: `batch` is that first batch


@collector.paused()  # its rows all live until it ends: see `registry.collector`
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
            # This worker's own dry run of the file, if the database answers its look-ups
            # as it did then; else the dry run made again. Either way under the lock.
            preview = dry_run.confirmed_preview(
                session=session,
                actor=actor,
                sha256=sha256,
                filename=filename,
                mapping=mapping,
                today=today,
                locale=locale,
                progress=progress,
            ) or preview_import(
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
                # about as long again (`store.write_plan` reports both as "finishing"): the
                # bar and the time left cover them, rather than stand at the end for seconds.
                progress("finishing_planned", 2 * rows)
            session.add(batch)
            session.flush()
            session.add(ImportClaim(sha256=sha256, target=TARGET, batch_id=batch.id))
            session.flush()
            # As long a plan as the sheet: a caller that must not fork gives no row count.
            fork = checking.forks(min(rows_in_file, len(preview.plan)))
            with bulk_cache(session.connection()):
                write_plan(session, actor, preview.plan, batch.id, progress, fork=fork)
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


def _claimed_batch(session: Session, sha256: str) -> ImportBatch | None:
    query = (
        select(ImportBatch)
        .join(ImportClaim, ImportClaim.batch_id == ImportBatch.id)
        .where(ImportClaim.sha256 == sha256, ImportClaim.target == TARGET)
    )
    return session.exec(query).first()
