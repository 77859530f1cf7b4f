"""The embedded SQLite broker: an empty queue is answered without SQLite's write lock, and
two processes creating the same queue at once both go on."""

from __future__ import annotations

import sqlite3
import time
from queue import Empty

import pytest
from kombu import Connection

from registry import queue as job_queue
from registry.config import Config


@pytest.fixture
def channel(tmp_path):
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    job_queue._transport_options(url)  # what configure() does for a SQLite broker
    with Connection(url, transport_options={"connect_args": {"timeout": 2}}) as connection:
        channel = connection.default_channel
        channel._new_queue("checks")
        yield channel, tmp_path / "broker.sqlite3"


def test_an_empty_poll_takes_no_write_lock(channel):
    chan, path = channel
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # a publisher mid-write holds the lock
    try:
        started = time.monotonic()
        with pytest.raises(Empty):
            chan._get("checks")
        # kombu's own poll would wait for the lock (2 s here, 30 s in the registry) and fail
        assert time.monotonic() - started < 1
    finally:
        holder.rollback()
        holder.close()


def test_a_waiting_message_is_still_taken_once(channel):
    chan, _path = channel
    chan._put("checks", {"body": "check 7"})
    assert chan._get("checks") == {"body": "check 7"}
    with pytest.raises(Empty):
        chan._get("checks")


def test_the_look_is_installed_once(tmp_path):
    from kombu.transport.sqlalchemy import Channel

    before = job_queue._config
    try:
        job_queue.configure(Config(CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'b.sqlite3'}"))
        first, settle = Channel._get, Channel._get_or_create
        job_queue.configure(Config(CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'b.sqlite3'}"))
        assert Channel._get is first and first.looks_first
        assert Channel._get_or_create is settle and settle.settles_race
    finally:
        if before is not None:
            job_queue.configure(before)


def test_a_queue_another_process_creates_meanwhile_is_taken_not_an_error(tmp_path):
    """The web process (sending a check) and the worker (starting to listen) may both find
    no "checks" queue row and both insert one: kombu catches only OperationalError, and the
    loser's UNIQUE failure left a worker that never took a check (seen once in CI)."""
    from sqlalchemy import event

    path = tmp_path / "broker.sqlite3"
    url = f"sqla+sqlite:///{path}"
    job_queue._transport_options(url)
    with Connection(url, transport_options={"connect_args": {"timeout": 2}}) as connection:
        chan = connection.default_channel
        engine = chan.session.get_bind()
        raced = []

        def the_other_process_first(_conn, _cursor, statement, *_args):
            if statement.startswith("INSERT INTO kombu_queue") and not raced:
                raced.append(statement)
                other = sqlite3.connect(path)
                other.execute("INSERT INTO kombu_queue (name) VALUES ('checks')")
                other.commit()
                other.close()

        event.listen(engine, "before_cursor_execute", the_other_process_first)
        chan._put("checks", {"body": "check 8"})
        assert raced  # the race happened, not just a lookup of a queue that was there
        assert chan._get("checks") == {"body": "check 8"}
        ids = sqlite3.connect(path).execute("SELECT count(*) FROM kombu_queue").fetchone()
        assert ids == (1,)
