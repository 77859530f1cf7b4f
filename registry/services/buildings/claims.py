"""Finding a record and taking it for a change: what the editing and the review services share.

`claim` is the one way a record is taken for a change: a conditional update (UPDATE … WHERE
id AND status IN the statuses the step starts from), which is the row lock on PostgreSQL and
the write lock on SQLite; of two people acting at once, one wins and the other gets a 409
and writes nothing (no audit event, no recount).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from registry.domain.buildings import records as rules
from registry.domain.text import names
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Building, Record, utcnow


def get_record(*, session: Session, record_id: int) -> Record:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("record.not_found", {"id": record_id})
    return record


def building_of(session: Session, building_id: int) -> Building:
    building = session.get(Building, building_id)
    if building is None:
        raise ValidationFailed({"building_id": ("building.not_found", {"id": building_id})})
    return building


def bad_transition(status: str, action: str) -> Conflict:
    """The refusal of an action the record's status does not allow, in words."""
    return Conflict(
        "record.bad_transition",
        {
            "status": names("record status", [rules.STATUSES.get(status, status)]),
            "action": names("record action", [rules.ACTION_NAMES.get(action, action)]),
        },
    )


def claim(session: Session, record: Record, allowed: set[str]) -> None:
    """Take the record for a change while its status is one of `allowed`, or raise a 409.

    A conditional update: PostgreSQL holds the row, SQLite the database, until the caller
    commits or rolls back; a competing change waits, then finds the status moved and loses.
    The record is read again, so what follows decides on the row as it is now."""
    result = session.execute(
        update(Record)
        .where(Record.id == record.id, Record.status.in_(sorted(allowed)))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        now = session.get(Record, record.id)
        status = now.status if now is not None else ""
        raise Conflict(
            "record.changed_meanwhile",
            {"status": names("record status", [rules.STATUSES.get(status, status)])},
        )
    session.refresh(record)
