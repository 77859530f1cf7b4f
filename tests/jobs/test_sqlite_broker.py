"""The embedded SQLite broker's poll: an empty queue is answered without SQLite's write lock."""

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
        first = Channel._get
        job_queue.configure(Config(CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'b.sqlite3'}"))
        assert Channel._get is first and first.looks_first
    finally:
        if before is not None:
            job_queue.configure(before)
