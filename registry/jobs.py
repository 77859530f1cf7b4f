"""Celery app and tasks. Tasks take ids, open their own session, and record state on the row.

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

from celery import Celery
from celery.signals import worker_init, worker_ready, worker_shutdown

from registry.config import Config

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 15

celery_app = Celery("registry")
_engine = None
_config: Config | None = None


def configure(config: Config) -> None:
    """Point Celery at the configured broker with one EnergyPlus run per worker slot."""
    global _config, _engine
    _config = config
    _engine = None
    celery_app.conf.update(
        broker_url=config.CELERY_BROKER_URL,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=config.CHECK_TIMEOUT_S + 60,
        task_time_limit=config.CHECK_TIMEOUT_S + 120,
        task_always_eager=config.CELERY_TASK_ALWAYS_EAGER,
        broker_connection_retry_on_startup=True,
        # Fail fast when the broker is down at upload time: the check stays queued in the
        # database and the sweeper enqueues it when the broker is back.
        broker_connection_timeout=3,
        task_publish_retry=False,
        broker_transport_options=_transport_options(config.CELERY_BROKER_URL),
        worker_hijack_root_logger=False,
        task_default_queue="checks",
    )


# How often an idle worker asks the SQLite broker for a message (kombu's default is 1 s, which
# adds 0.5 s on average to every check). With the look before locking below, 20 polls a
# second cost an idle worker 2.3 % of a core (0.46 s of CPU in 20 s), less than kombu's own
# 10 (2.75 %). Not a transport option: the SQLAlchemy transport passes all of those to
# create_engine, which refuses `polling_interval`.
SQLA_POLLING_INTERVAL_S = 0.05


def _transport_options(broker_url: str) -> dict:
    # The SQLAlchemy transport hands its options to create_engine, which rejects Redis's.
    if broker_url.startswith("sqla+"):
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = SQLA_POLLING_INTERVAL_S
        _look_before_locking(Transport.Channel)
        return {}
    return {"visibility_timeout": 3600, "socket_connect_timeout": 3, "socket_timeout": 10}


def _look_before_locking(channel_class) -> None:
    """Answer an empty queue with one indexed read instead of kombu's write-locked query.

    kombu's SQLAlchemy `_get` looks the queue up through the ORM, takes SQLite's write lock
    (BEGIN IMMEDIATE) and commits, about 2.4 ms of CPU per poll: an idle worker spent 2.5 %
    of a core polling every 0.1 s. Nearly every poll finds nothing; this asks that first,
    without a lock, and only then runs kombu's own `_get`, which still decides who takes a
    message. A message that arrives between the two reads waits for the next poll.
    """
    stock = channel_class._get
    if getattr(stock, "looks_first", False):
        return
    from queue import Empty

    from sqlalchemy import select

    def _get(self, queue):
        messages, queues = self.message_cls.__table__, self.queue_cls.__table__
        waiting = (
            select(messages.c.id)
            .join(queues, messages.c.queue_id == queues.c.id)
            # kombu's own test (`visible != False`): a NULL is not visible either
            .where(queues.c.name == queue, messages.c.visible != False)  # noqa: E712
            .limit(1)
        )
        with self.session.bind.connect() as conn:
            if conn.execute(waiting).first() is None:
                raise Empty()
        return stock(self, queue)

    _get.looks_first = True
    channel_class._get = _get


def init_app(app) -> None:
    configure(app.extensions["registry.config"])


def engine():
    """The worker process's database engine (created lazily, after fork)."""
    global _engine
    if _engine is None:
        from registry.db import make_engine

        _engine = make_engine(current_config().DATABASE_URL)
    return _engine


def current_config() -> Config:
    global _config
    if _config is None:
        configure(Config())
    return _config


if os.environ.get("REGISTRY_SKIP_CELERY_CONFIG") != "1":
    configure(Config())


@celery_app.task(name="registry.run_check", bind=True, acks_late=True,
                 reject_on_worker_lost=True)
def run_check(self, check_id: int) -> str:
    """Run one check by id; safe to deliver twice (the row decides who runs it)."""
    from registry.services.checks.runner import execute_check

    return execute_check(engine=engine(), config=current_config(), check_id=check_id,
                         worker=f"{self.request.hostname or 'worker'}:{os.getpid()}")


@celery_app.task(name="registry.sweep_checks")
def sweep_checks() -> int:
    from registry.services.checks.runner import recover_stale_checks

    return recover_stale_checks(engine=engine(), config=current_config())


def enqueue_check(check_id: int) -> str | None:
    """Send a check to the broker; returns an error text instead of raising if it is down."""
    try:
        # Our own connection, tried once: an upload must not hang on kombu's default retries
        # (about 6 s on a refused Redis) when the sweeper will enqueue the check later anyway.
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                         timeout=3)
            run_check.apply_async(args=[check_id], retry=False, connection=connection)
    except Exception as exc:  # kombu raises many connection error types; all mean "not now"
        log.warning("could not enqueue check %s: %s", check_id, exc)
        return f"{exc.__class__.__name__}: {exc}"[:500]
    return None


_stop = threading.Event()


def _sweep_loop() -> None:
    from registry.services.checks.runner import recover_stale_checks

    while not _stop.wait(SWEEP_INTERVAL_S if os.environ.get("REGISTRY_SWEEP_INTERVAL_S") is None
                         else float(os.environ["REGISTRY_SWEEP_INTERVAL_S"])):
        try:
            recover_stale_checks(engine=engine(), config=current_config())
        except Exception:  # keep sweeping; a failed sweep is logged and retried next tick
            log.exception("sweep failed")


@worker_init.connect
def _on_worker_init(**_kwargs) -> None:
    """Load eppy's IDD before the pool forks, so no check pays ~2 s for it on its first run.

    The check code (models, services, results) is imported and SQLAlchemy's mappers are
    configured here too, for the same reason: each pool process would otherwise do it
    (~0.2 s, ~0.02 s) when its first check arrives. No engine or connection is made here;
    those are opened after the fork.
    """
    from sqlalchemy.orm import configure_mappers

    from registry.domain.checks import energyplus, results  # noqa: F401
    from registry.domain.checks.idf import parse_text
    from registry.services.checks import runner, uploads  # noqa: F401

    configure_mappers()
    parse_text("Version,25.2;")
    # What is loaded so far lives as long as the worker. Out of the collector's sight, a
    # pool process's collections no longer walk (and copy, page by page) the objects it
    # inherits: eppy's parse of office_small.idf in a pool process took 0.08–0.21 s before
    # this, 0.07–0.08 s after.
    gc.freeze()


@worker_ready.connect
def _on_worker_ready(**_kwargs) -> None:
    """On start-up, re-enqueue what a dead worker left, then keep sweeping in the background."""
    from registry.services.checks.runner import recover_stale_checks

    try:
        recover_stale_checks(engine=engine(), config=current_config(), on_startup=True)
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
