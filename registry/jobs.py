"""The worker: Celery tasks and the worker's start-up and shutdown. Tasks take ids, open their
own session, and record state on the row; services send work through `registry.queue`.

The check row, not the broker, is the source of truth: the embedded SQLite broker never
redelivers a message whose worker was killed, and Redis only does so after its visibility
timeout, so workers sweep for checks whose heartbeat went silent and re-enqueue them.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
from pathlib import Path

from celery.signals import worker_init, worker_ready, worker_shutdown

from registry.queue import (
    MAKE_QUOTA_DOCUMENT,
    MAKE_TALLY_DOCUMENT,
    RUN_CHECK,
    RUN_IMPORT,
    SWEEP_CHECKS,
    celery_app,
    current_config,
    enqueue_check,
    enqueue_import,
    enqueue_quota_document,
    enqueue_tally_document,
)

log = logging.getLogger(__name__)

_engine = None
_engine_url: str | None = None


def engine():
    """The worker process's database engine (created lazily, after fork; anew when the
    configuration names another database)."""
    global _engine, _engine_url
    url = current_config().DATABASE_URL
    if _engine is None or _engine_url != url:
        from registry.db import make_engine

        _engine, _engine_url = make_engine(url), url
    return _engine


@celery_app.task(name=RUN_CHECK, bind=True, acks_late=True, reject_on_worker_lost=True)
def run_check(self, check_id: int) -> str:
    """Run one check by id; safe to deliver twice (the row decides who runs it)."""
    from registry.services.checks.runner import execute_check

    return execute_check(
        engine=engine(),
        config=current_config(),
        check_id=check_id,
        worker=f"{self.request.hostname or 'worker'}:{os.getpid()}",
        enqueue=enqueue_check,
    )


@celery_app.task(name=MAKE_TALLY_DOCUMENT, acks_late=True, reject_on_worker_lost=True)
def make_tally_document(document_id: int) -> bool:
    """Make one tally PDF by id; safe to deliver twice (the row decides who makes it)."""
    from sqlmodel import Session

    from registry.services.tally.documents import make

    with Session(engine()) as session:
        return make(
            session=session,
            config=current_config(),
            document_id=document_id,
            worker=f"worker:{os.getpid()}",
        )


@celery_app.task(name=MAKE_QUOTA_DOCUMENT, acks_late=True, reject_on_worker_lost=True)
def make_quota_document(document_id: int) -> bool:
    """Make one quota list PDF or XLSX by id; safe to deliver twice (the row decides)."""
    from sqlmodel import Session

    from registry.services.metered.documents import make

    with Session(engine()) as session:
        return make(
            session=session,
            folder=Path(current_config().REPORT_DIR),
            document_id=document_id,
            worker=f"worker:{os.getpid()}",
        )


@celery_app.task(name=RUN_IMPORT, acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int) -> str:
    """Run one import job (a preview or a commit) by id; the row decides who runs it."""
    from registry.services.imports.jobs import run_import as run

    return run(
        engine=engine(),
        folder=Path(current_config().UPLOAD_DIR) / "imports",
        job_id=job_id,
        worker=f"worker:{os.getpid()}",
        secret=current_config().SECRET_KEY,
    )


def sweep_import_jobs() -> int:
    """Send again the import jobs whose message was lost (the broker down at upload)."""
    from registry.services.imports.jobs import fail_lost, recover

    fail_lost(engine=engine(), folder=Path(current_config().UPLOAD_DIR) / "imports")
    return recover(engine=engine(), enqueue=enqueue_import)


def sweep_tally_documents() -> int:
    """Remake the tally PDFs asked for lately once the data moved (and recover lost jobs)."""
    from sqlmodel import Session

    from registry.services.tally.documents import sweep

    with Session(engine()) as session:
        return sweep(session=session, config=current_config(), enqueue=enqueue_tally_document)


def sweep_quota_documents() -> int:
    """Send again the quota list documents not taken, queue again those whose worker went
    silent."""
    from sqlmodel import Session

    from registry.services.metered.documents import sweep

    with Session(engine()) as session:
        return sweep(session=session, enqueue=enqueue_quota_document)


@celery_app.task(name=SWEEP_CHECKS)
def sweep_checks() -> int:
    from registry.services.checks.recovery import recover_stale_checks

    return recover_stale_checks(engine=engine(), config=current_config(), enqueue=enqueue_check)


_stop = threading.Event()


def _sweep_loop() -> None:
    from registry.services.checks.recovery import recover_stale_checks

    while not _stop.wait(current_config().SWEEP_INTERVAL_S):
        try:
            recover_stale_checks(engine=engine(), config=current_config(), enqueue=enqueue_check)
        except Exception:  # keep sweeping; a failed sweep is logged and retried next tick
            log.exception("sweep failed")
        try:
            sweep_tally_documents()
        except Exception:
            log.exception("tally document sweep failed")
        try:
            sweep_import_jobs()
        except Exception:
            log.exception("import job sweep failed")
        try:
            sweep_quota_documents()
        except Exception:
            log.exception("quota list document sweep failed")


@worker_init.connect
def _on_worker_init(**_kwargs) -> None:
    """Load eppy's IDD before the pool forks, so no check pays for it on its first run.

    The check code (models, services, results) is imported and SQLAlchemy's mappers are
    configured here too, for the same reason: each pool process would otherwise do it when
    its first check arrives. No engine or connection is made here; those are opened after
    the fork.
    """
    from sqlalchemy.orm import configure_mappers

    from registry.domain.checks import energyplus, results  # noqa: F401
    from registry.domain.checks.idf import parse_text
    from registry.services.checks import runner, uploads  # noqa: F401

    configure_mappers()
    parse_text("Version,25.2;")
    # What is loaded so far lives as long as the worker. Out of the collector's sight, a
    # pool process's collections no longer walk (and copy, page by page) the objects it
    # inherits, which made its first parses slow and uneven.
    gc.freeze()


@worker_ready.connect
def _on_worker_ready(**_kwargs) -> None:
    """On start-up, re-enqueue what a dead worker left, then keep sweeping in the background."""
    from registry.services.checks.recovery import recover_stale_checks

    try:
        recover_stale_checks(engine=engine(), config=current_config(), enqueue=enqueue_check)
        sweep_tally_documents()
        sweep_quota_documents()
    except Exception:
        log.exception("start-up sweep failed")
    _stop.clear()
    threading.Thread(target=_sweep_loop, name="registry-sweeper", daemon=True).start()


@worker_shutdown.connect
def _on_worker_shutdown(**_kwargs) -> None:
    _stop.set()


# Warm shutdown first (the worker stops taking checks and lets a running one finish), then
# a cold one (running checks are stopped; unacknowledged, they go back to the queue), then
# SIGKILL. Each signal but the last goes to the worker's main process only: sent to the
# whole group, SIGTERM also killed the pool processes under it, which could leave billiard's
# queue lock held and the main process hanging at exit for good (seen with an idle worker).
STOP_STEPS = ((signal.SIGTERM, 10.0), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0))


def stop_worker_process(pid: int, steps=STOP_STEPS) -> bool:
    """Stop the worker whose main process is `pid` (a process group leader); True once gone."""
    for sig, wait_s in steps:
        try:
            if sig == signal.SIGKILL:
                os.killpg(pid, sig)  # the pool processes too; their engines follow them
            else:
                os.kill(pid, sig)
        except OSError:  # gone already
            return True
        if _gone(pid, wait_s):
            return True
    return False


def _gone(pid: int, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        if _is_zombie(pid):  # exited; its parent has not reaped it yet
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
