"""Energy checks whose worker went silent, or that the broker never took, sent again.

Every worker sweeps (`registry.jobs`); each move is a guarded UPDATE on the check row, so
two workers sweeping at once send a check once, and a check that has failed its worker
`MAX_ATTEMPTS` times fails instead of running forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.config import Config
from registry.models import ACTIVE_STATES, Check, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def recover_stale_checks(
    *,
    engine: Engine,
    config: Config,
    enqueue: Callable[[int], str | None],
) -> int:
    """Re-queue checks whose worker went silent and queued checks the broker never took.

    `enqueue` sends a check id to the workers (`registry.queue.enqueue_check`).

    Returns how many checks were sent again. Safe to run on every worker at once.
    """
    now = utcnow()
    stale_before = now - timedelta(seconds=config.STALE_AFTER_S)
    requeue_before = now - timedelta(seconds=config.REQUEUE_AFTER_S)
    to_send: list[int] = []
    with Session(engine) as session:
        stale = session.exec(
            select(Check).where(Check.status.in_(ACTIVE_STATES), Check.heartbeat_at < stale_before)
        ).all()
        for check in stale:
            with engine.begin() as conn:
                if check.attempts >= MAX_ATTEMPTS:
                    conn.execute(
                        update(Check)
                        .where(
                            Check.id == check.id,
                            Check.worker == check.worker,
                            Check.status == check.status,
                        )
                        .values(
                            status="failed",
                            error_code="check.too_many_attempts",
                            error_params={"attempts": check.attempts},
                            finished_at=now,
                        )
                    )
                    continue
                moved = conn.execute(
                    update(Check)
                    .where(
                        Check.id == check.id,
                        Check.worker == check.worker,
                        Check.status == check.status,
                    )
                    .values(status="queued", worker="", engine_pid=None, queued_at=now)
                )
            if moved.rowcount == 1:
                to_send.append(check.id)
        waiting = session.exec(
            select(Check).where(Check.status == "queued", Check.cancel_requested.is_(False))
        ).all()
        for check in waiting:
            if check.id in to_send:
                continue
            if check.enqueue_error or check.queued_at < requeue_before:
                to_send.append(check.id)
    sent = 0
    for check_id in to_send:
        error = enqueue(check_id)
        with engine.begin() as conn:
            conn.execute(
                update(Check)
                .where(Check.id == check_id)
                .values(enqueue_error=error, queued_at=now if error is None else Check.queued_at)
            )
        sent += error is None
    if to_send:
        log.info("re-enqueued %s of %s checks", sent, len(to_send))
    return sent
