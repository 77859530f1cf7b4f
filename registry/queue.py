"""The Celery app and sending work to it by task name.

Services send checks from here and never import the worker module (`registry.jobs`), which
holds the tasks. Importing this module has no side effects: the app is configured by
`create_app` (or `configure`), or, in a worker started with no app, from `Config()` the
first time Celery reads its settings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping

from celery import Celery

from registry.config import Config

log = logging.getLogger(__name__)

RUN_CHECK = "registry.run_check"
SWEEP_CHECKS = "registry.sweep_checks"
MAKE_TALLY_DOCUMENT = "registry.make_tally_document"
RUN_IMPORT = "registry.run_import"
MAKE_QUOTA_DOCUMENT = "registry.make_quota_document"

# How often an idle worker asks the SQLite broker for a message: kombu's default (1 s) adds
# half a second on average to every check, and with the look before locking below a poll
# costs an idle worker little. Not a transport option: the SQLAlchemy transport passes all of
# those to create_engine, which refuses `polling_interval`.
SQLA_POLLING_INTERVAL_S = 0.05

_config: Config | None = None


def settings(config: Config) -> dict:
    """Celery's settings for this installation: one EnergyPlus run per worker slot."""
    return dict(
        broker_url=config.CELERY_BROKER_URL,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=config.CHECK_TIMEOUT_S + 60,
        task_time_limit=config.CHECK_TIMEOUT_S + 120,
        broker_connection_retry_on_startup=True,
        # Fail fast when the broker is down at upload time: the check stays queued in the
        # database and the sweeper enqueues it when the broker is back.
        broker_connection_timeout=3,
        task_publish_retry=False,
        broker_transport_options=_transport_options(config.CELERY_BROKER_URL),
        worker_hijack_root_logger=False,
        task_default_queue="checks",
    )


class _SettingsFromEnvironment(Mapping):
    """Celery's settings read from `Config()` only when Celery first asks for them."""

    def __init__(self):
        self._settings: dict | None = None

    def _load(self) -> dict:
        if self._settings is None:
            self._settings = settings(current_config())
        return self._settings

    def __getitem__(self, key):
        return self._load()[key]

    def __iter__(self) -> Iterator:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


celery_app = Celery("registry")
celery_app.config_from_object(_SettingsFromEnvironment())


def configure(config: Config) -> None:
    """Point Celery at this configuration's broker and limits."""
    global _config
    _config = config
    celery_app.conf.update(settings(config))


def current_config() -> Config:
    """The configuration the app or worker was given, or the environment's."""
    global _config
    if _config is None:
        _config = Config()
    return _config


def init_app(app) -> None:
    configure(app.extensions["registry.config"])


def _transport_options(broker_url: str) -> dict:
    # The SQLAlchemy transport hands its options to create_engine, which rejects Redis's.
    if broker_url.startswith("sqla+"):
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = SQLA_POLLING_INTERVAL_S
        _look_before_locking(Transport.Channel)
        _settle_queue_race(Transport.Channel)
        return {}
    return {"visibility_timeout": 3600, "socket_connect_timeout": 3, "socket_timeout": 10}


def _look_before_locking(channel_class) -> None:
    """Answer an empty queue with one indexed read instead of kombu's write-locked query.

    kombu's SQLAlchemy `_get` looks the queue up through the ORM, takes SQLite's write lock
    (BEGIN IMMEDIATE) and commits on every poll, though nearly every poll finds nothing.
    This asks that first, without a lock, and only then runs kombu's own `_get`, which still
    decides who takes a message. A message that arrives between the two reads waits for the
    next poll.
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


def _send(task: str, args: list, what: str) -> str | None:
    try:
        # Our own connection, tried once: an upload must not hang on kombu's default retries
        # (seconds on a refused Redis) when the sweeper will enqueue the work later anyway.
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, timeout=3
            )
            celery_app.send_task(task, args=args, retry=False, connection=connection)
    except Exception as exc:  # kombu raises many connection error types; all mean "not now"
        log.warning("could not enqueue %s: %s", what, exc)
        return f"{exc.__class__.__name__}: {exc}"[:500]
    return None


def enqueue_check(check_id: int) -> str | None:
    """Send a check to the broker; returns an error text instead of raising if it is down."""
    return _send(RUN_CHECK, [check_id], f"check {check_id}")


def enqueue_tally_document(document_id: int) -> str | None:
    """Send a tally document to be made; an error text instead of raising if the broker is
    down (the worker's sweep sends it again)."""
    return _send(MAKE_TALLY_DOCUMENT, [document_id], f"tally document {document_id}")


def enqueue_quota_document(document_id: int) -> str | None:
    """Send a quota list document (PDF or XLSX) to be made; an error text if the broker is
    down (the next request for it, a minute on, sends it again)."""
    return _send(MAKE_QUOTA_DOCUMENT, [document_id], f"quota list document {document_id}")


def enqueue_import(job_id: int) -> str | None:
    """Send an import job (preview or commit) to the worker; an error text if the broker is
    down (the row stays queued; the worker's sweep sends it again)."""
    return _send(RUN_IMPORT, [job_id], f"import job {job_id}")


def _settle_queue_race(channel_class) -> None:
    """Take a queue row another process inserted between kombu's look and its insert.

    kombu's SQLAlchemy `_get_or_create` looks the queue up and inserts it if missing, under a
    lock that holds within one process only; it catches OperationalError but not the UNIQUE
    failure of losing the race to another process (the web sending the first check while
    the worker starts listening), which reached the caller (seen once in CI: the check
    stayed queued). The loser rolls back and looks again: the row is there now.
    """
    stock = channel_class._get_or_create
    if getattr(stock, "settles_race", False):
        return
    from sqlalchemy.exc import IntegrityError

    def _get_or_create(self, queue):
        try:
            return stock(self, queue)
        except IntegrityError:
            self.session.rollback()
            return stock(self, queue)

    _get_or_create.settles_race = True
    channel_class._get_or_create = _get_or_create
