"""The audit log: written here, by services, in the same transaction as the change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Delete, Update, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from registry.bulk import insert_rows
from registry.models import AuditEvent, User


class AuditImmutable(RuntimeError):
    """Raised when anything tries to change or remove a written audit event, or remove a
    user, whom the events name."""


# The log names each actor by id with no key to users (`AuditEvent.actor_id`), as buildings
# and records name who entered, submitted and approved them (migrations 0021 and 0023): a
# user who leaves is deactivated (`accounts.set_active`), so every such id names a user.
_USERS_STAY = "users are never deleted: deactivate the account instead"


@event.listens_for(OrmSession, "before_flush")
def _refuse_changed_events(session, _flush_context, _instances) -> None:
    for row in session.deleted:
        if isinstance(row, AuditEvent):
            raise AuditImmutable("audit events are never deleted")
        if isinstance(row, User):
            raise AuditImmutable(_USERS_STAY)
    for row in session.dirty:
        if isinstance(row, AuditEvent) and session.is_modified(row):
            raise AuditImmutable("audit events are never updated")


@event.listens_for(Engine, "before_execute")
def _refuse_update_or_delete(_connection, statement, *_args) -> None:
    # Covers ORM bulk statements and Core statements on the table alike;
    # inserts (including import_commit's multi-row INSERT) pass.
    table = getattr(statement, "table", None)
    name = getattr(table, "name", "")
    if isinstance(statement, Update | Delete) and name == "audit_events":
        raise AuditImmutable("audit events are never updated or deleted")
    if isinstance(statement, Delete) and name == "users":
        raise AuditImmutable(_USERS_STAY)


def snapshot(row: Any, fields: tuple[str, ...] | None = None) -> dict:
    """A JSON-ready copy of a row's fields (dates as ISO strings)."""
    data = row.model_dump() if fields is None else {f: getattr(row, f) for f in fields}
    clean = {}
    for key, value in data.items():
        if key in {"password_hash", "token_hash"}:
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        clean[key] = value
    return clean


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, for a readable history."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record_event(
    *,
    session: Session,
    actor: User | None,
    entity: str,
    entity_id: int | None,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    building_id: int | None = None,
    reason: str | None = None,
    import_id: int | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the calling service commits it with its change.
    Without an actor, `actor_name` says who acted (e.g. "public"), "system" by default."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else (actor_name or "system"),
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        building_id=building_id,
        reason=reason,
        import_id=import_id,
    )
    session.add(event)
    return event


def building_history(*, session: Session, building_id: int) -> list[AuditEvent]:
    """Every event about a building and its records, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.building_id == building_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def insert_events(connection, rows: list[dict]) -> None:
    """Many events in one multi-row INSERT, inside the caller's transaction: the bulk imports
    (buildings, meter data) write one event a row, which one ORM object each would slow.
    Bound as Core would bind them (`bulk.insert_rows`), without its per-row cost."""
    insert_rows(connection, AuditEvent.__table__, rows)
