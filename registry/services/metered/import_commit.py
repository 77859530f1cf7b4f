"""The meter import's commit: every accepted building-year of the dry run (`metered.imports`)
stored in one transaction, with one import batch and one audit event per stored year, or
nothing.

The commit follows the building import's claim rule (issue 24): it takes the import lock on
its own target, and a file whose content was committed before is answered with its first
batch (`repeated`), not stored again as new versions. A corrected export is new content.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from registry.i18n import render
from registry.models import Building, ImportBatch, ImportClaim, MeteredYear, User, utcnow
from registry.services import audit
from registry.services.imports.commit import lock_target
from registry.services.metered.imports import (
    TARGET,
    MeterImport,
    in_chunks,
    preview_meter_import,
    report_progress,
)
from registry.services.metered.years import row_values
from registry.services.tally import index as tally_index


def commit_meter_import(
    *,
    session: Session,
    actor: User,
    data: bytes,
    filename: str,
    locale: object = "zh_Hans_CN",
    progress=None,
) -> tuple[MeterImport, int | None]:
    """Store every accepted building-year (one transaction); (report, batch id or None).

    A file committed before is answered with its first batch and `repeated`, nothing
    stored. `progress` as for the dry run, plus the building-years written; raising from it
    rolls the whole import back."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        lock_target(session, TARGET)
        first = _claimed_batch(session, sha256)
        result = preview_meter_import(
            session=session,
            actor=actor,
            data=data,
            filename=filename,
            locale=locale,
            progress=progress,
        )
        if first is not None or not result.plan:
            session.rollback()
            result.repeated = first is not None
            return result, first
        if progress is not None:
            progress("planned", len(result.plan))
        batch = ImportBatch(
            created_by_id=actor.id,
            filename=(filename or "")[:255],
            sha256=result.sha256,
            rows_total=result.rows_total,
            new_records=len(result.plan),
            rejected=result.rejected_count,
            status="metered",
        )
        session.add(batch)
        session.flush()
        session.add(ImportClaim(sha256=sha256, target=TARGET, batch_id=batch.id))
        session.flush()
        _store(session, actor, result, batch.id, progress)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result, batch.id


def outcome_message(result: MeterImport, batch_id: int | None, locale) -> str:
    """What a commit did, in the user's language."""
    counts = {"years": len(result.years), "rejected": result.rejected_count}
    return stored_message(counts, batch_id, result.repeated, locale)


def stored_message(counts: dict, batch_id: int | None, repeated: bool, locale) -> str:
    """The same from a stored report's counts (a job's result)."""
    code = (
        "metered.import.repeated"
        if repeated
        else "metered.import.committed"
        if batch_id
        else "metered.import.nothing"
    )
    # Counts with thousands separators, as the building import's sentence (`batch_message`).
    params = {
        "years": f"{counts['years']:,}",
        "rejected": f"{counts['rejected']:,}",
        "batch_id": batch_id,
    }
    return render(code, params, locale)


def _claimed_batch(session: Session, sha256: str) -> int | None:
    query = select(ImportClaim.batch_id).where(
        ImportClaim.sha256 == sha256, ImportClaim.target == TARGET
    )
    return session.execute(query).scalar()


def _store(session: Session, actor: User, result: MeterImport, import_id: int, progress) -> None:
    now = utcnow()
    keys = {(b.id, m.year) for b, m in result.plan}
    current: dict[tuple[int, int], tuple[int, int]] = {}
    building_ids = sorted({k[0] for k in keys})
    for chunk in in_chunks(building_ids):
        query = select(
            MeteredYear.id, MeteredYear.building_id, MeteredYear.year, MeteredYear.version
        ).where(MeteredYear.building_id.in_(chunk), MeteredYear.superseded_at.is_(None))
        for old_id, building_id, year, version in session.execute(query):
            if (building_id, year) in keys:
                current[(building_id, year)] = (old_id, version)
    table = MeteredYear.__table__
    new_rows = []
    for building, measured in result.plan:
        old = current.get((building.id, measured.year))
        new_rows.append(
            {
                "building_id": building.id,
                "year": measured.year,
                "version": old[1] + 1 if old else 1,
                "entered_by_id": actor.id,
                "created_at": now,
                "change_reason": None,
                "import_id": import_id,
                "exclusions_note": "",
                "superseded_at": None,
                "superseded_by_id": None,
                **row_values(measured),
            }
        )
    statement = insert(table).returning(table.c.id, table.c.building_id, table.c.year)
    connection = session.connection()
    tally_index.bump_stamp(connection)  # the tally's verified upgrade savings read these years
    new_ids: dict[tuple[int, int], int] = {}
    for chunk in in_chunks(new_rows, 200):
        for new_id, building_id, year in connection.execute(statement, chunk):
            new_ids[(building_id, year)] = new_id
        report_progress(progress, "written", len(chunk))
    supersede = [
        {"old_id": old_id, "new_id": new_ids[key]} for key, (old_id, _v) in current.items()
    ]
    if supersede:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("old_id"), table.c.superseded_at.is_(None))
            .values(superseded_at=now, superseded_by_id=bindparam("new_id")),
            supersede,
        )
    events = []
    for row in new_rows:
        key = (row["building_id"], row["year"])
        after = {k: v for k, v in row.items() if k not in ("created_at", "superseded_at")}
        events.append(
            {
                "at": now,
                "actor_id": actor.id,
                "actor_name": actor.username,
                "entity": "metered_year",
                "entity_id": new_ids[key],
                "building_id": row["building_id"],
                "action": "correct" if key in current else "create",
                "before": {"id": current[key][0], "version": current[key][1]}
                if key in current
                else None,
                "after": {**after, "created_at": now.isoformat()},
                "reason": None,
                "import_id": import_id,
            }
        )
    for building_id, code in result.links.items():
        done = connection.execute(
            update(Building.__table__)
            .where(
                Building.__table__.c.id == building_id, Building.__table__.c.platform_code.is_(None)
            )
            .values(platform_code=code, updated_at=now)
        )
        if done.rowcount == 1:
            events.append(
                {
                    "at": now,
                    "actor_id": actor.id,
                    "actor_name": actor.username,
                    "entity": "building",
                    "entity_id": building_id,
                    "building_id": building_id,
                    "action": "update",
                    "before": {"platform_code": None},
                    "after": {"platform_code": code},
                    "reason": None,
                    "import_id": import_id,
                }
            )
    for chunk in in_chunks(events, 500):
        audit.insert_events(connection, chunk)
