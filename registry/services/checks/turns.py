"""Each user's checks take turns: at most N of one user's checks run at once, at most M wait.

Without this one designer could hold every worker slot (issue 24: two uploads held both
slots for eleven minutes with 21 checks queued behind them). A worker claims a queued check
only while its owner has fewer than `CHECK_MAX_RUNNING_PER_USER` running; otherwise the check
stays queued ("deferred") and is sent again when one of the owner's checks ends, behind
whatever other users queued meanwhile. An upload that would make a user's waiting checks
more than `CHECK_MAX_QUEUED_PER_USER` is refused with the reason. 0 turns a limit off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from registry.config import Config
from registry.errors import TooManyRequests
from registry.models import ACTIVE_STATES, Check, User, utcnow

log = logging.getLogger(__name__)

CLAIMED, DEFERRED, SKIPPED = "claimed", "deferred", "skipped"


def _lock_user(conn_or_session, user_id: int) -> None:
    """Serialise one user's claims (or uploads) on PostgreSQL with a lock on the user's row.

    SQLite needs none: its writers queue for one database lock, and the conditional UPDATE
    below takes that lock before it counts. (A read there first would only pin an older
    snapshot.)
    """
    bind = conn_or_session.get_bind() if isinstance(conn_or_session, Session) else conn_or_session
    if bind.dialect.name != "sqlite":
        conn_or_session.execute(select(User.id).where(User.id == user_id).with_for_update())


def claim(engine: Engine, check_id: int, worker: str, max_running: int) -> str:
    """Take a queued check for `worker` if its owner has a free turn: 'claimed', 'deferred'
    (the owner's turns are taken; the check stays queued) or 'skipped' (not queued any more)."""
    with Session(engine) as session:
        owner = session.exec(select(Check.created_by_id).where(Check.id == check_id)).first()
    limited = owner is not None and max_running > 0
    now = utcnow()
    conditions = [
        Check.id == check_id,
        Check.status == "queued",
        Check.cancel_requested.is_(False),
    ]
    with engine.begin() as conn:
        if limited:
            _lock_user(conn, owner)
            other = aliased(Check)
            running = (
                select(func.count())
                .select_from(other)
                .where(other.created_by_id == owner, other.status.in_(ACTIVE_STATES))
                .scalar_subquery()
            )
            conditions.append(running < max_running)
        result = conn.execute(
            update(Check)
            .where(*conditions)
            .values(
                status="validating",
                worker=worker,
                attempts=Check.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                enqueue_error=None,
                error_code=None,
                error_params=None,
            )
        )
    if result.rowcount == 1:
        return CLAIMED
    if not limited:
        return SKIPPED
    with Session(engine) as session:
        row = session.get(Check, check_id)
    waiting = row is not None and row.status == "queued" and not row.cancel_requested
    return DEFERRED if waiting else SKIPPED


def send_next(engine: Engine, check_id: int, enqueue: Callable[[int], str | None]) -> int | None:
    """When one of a user's checks ends, send that user's oldest waiting check (if any)."""
    with Session(engine) as session:
        owner = session.exec(select(Check.created_by_id).where(Check.id == check_id)).first()
        if owner is None:
            return None
        waiting = session.exec(
            select(Check.id)
            .where(
                Check.created_by_id == owner,
                Check.status == "queued",
                Check.cancel_requested.is_(False),
            )
            .order_by(Check.id)
        ).first()
    if waiting is None:
        return None
    error = enqueue(waiting)
    if error:
        with engine.begin() as conn:
            conn.execute(update(Check).where(Check.id == waiting).values(enqueue_error=error))
        log.warning("check %s: next turn not sent (%s); the sweeper will", waiting, error)
    return waiting


def require_queue_room(session: Session, actor: User, config: Config) -> None:
    """Refuse an upload that would leave more than the limit of the actor's checks waiting."""
    limit = config.CHECK_MAX_QUEUED_PER_USER
    if limit <= 0:
        return
    _lock_user(session, actor.id)
    waiting = session.exec(
        select(func.count())
        .select_from(Check)
        .where(
            Check.created_by_id == actor.id,
            Check.status == "queued",
            Check.cancel_requested.is_(False),
        )
    ).one()
    if waiting >= limit:
        raise TooManyRequests("check.too_many_queued", {"count": waiting, "max": limit})
