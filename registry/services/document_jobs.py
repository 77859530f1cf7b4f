"""What the documents the worker makes share (the tally PDF, the quota list's PDF and XLSX):
a row per document, made on its first request; a claim, so one worker makes it however
often it is sent; progress with a heartbeat, written in its own transaction so the page
sees it while the document's own read is open; and a file written whole or not at all.

When a document is current and when it is queued again differ between the two (a data
stamp and the data date for the tally, the list's digest for the quota list), so those
rules stay with each.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain import dates

# A running document's row is told its progress (and so shows life) at most this often.
HEARTBEAT_S = 1.0


def row_for(session: Session, model, key: str, **fields):
    """The document's row under `key`, made on first request with `fields` (the loser of a
    race reads the winner's). A new row is "failed" with nothing made: its caller queues it."""
    query = select(model).where(model.key == key)
    row = session.exec(query).first()
    if row is not None:
        return row
    row = model(key=key, status="failed", **fields)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        row = session.exec(query).one()
    return row


def claim(session: Session, model, document_id: int, worker: str, **values) -> bool:
    """Take a queued document for `worker` (a conditional update: of two workers sent the
    same document, one makes it); `values` are set with the claim. True if this call took it."""
    table = model.__table__
    now = dates.now_utc()
    done = session.connection().execute(
        update(table)
        .where(table.c.id == document_id, table.c.status == "queued")
        .values(status="running", started_at=now, heartbeat_at=now, worker=worker[:200], **values)
    )
    session.commit()
    return done.rowcount == 1


def progress_writer(session: Session, model, document_id: int) -> Callable[[int, int], None]:
    """`progress(done, total)` for a running document: the count and a heartbeat on its row,
    at most every `HEARTBEAT_S` (and at the end), each in a transaction of its own."""
    table = model.__table__
    last = [0.0]

    def progress(done: int, total: int) -> None:
        moment = time.monotonic()
        if moment - last[0] < HEARTBEAT_S and done < total:
            return
        last[0] = moment
        with session.bind.connect() as beat:
            beat.execute(
                update(table)
                .where(table.c.id == document_id, table.c.status == "running")
                .values(rows_done=done, rows_total=total, heartbeat_at=dates.now_utc())
            )
            beat.commit()

    return progress


def store_file(folder: Path, name: str, body: bytes) -> Path:
    """Write `body` as `folder/name` whole or not at all: a reader never gets half a file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.{os.getpid()}.part"
    partial.write_bytes(body)
    os.replace(partial, folder / name)
    return folder / name


def file_chunks(path: Path, size: int = 256 * 1024) -> Iterator[bytes]:
    """The file's bytes in chunks, closed when read to the end or when the reader stops."""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk
