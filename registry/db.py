"""The database engine and sessions: one engine per app, one Session per request."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets the web process read while a worker writes a check result.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for jobs and CLI commands; services own their commits."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def _sqlite_text(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def raw_batches(connection, query, *, size: int = 2_000) -> Iterator[list[tuple]]:
    """The rows of a Core `query`, `size` at a time, as the driver gives them: no SQLAlchemy
    row objects or type processing (a million rows spent most of their time there). SQLite
    gives dates as ISO text, PostgreSQL as dates; a query that needs one shape casts in SQL.
    PostgreSQL reads through a server-side cursor, so memory stays flat however many rows."""
    dialect = connection.dialect
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if dialect.name == "sqlite":
        # The driver's own date adapters are deprecated; bind the text SQLAlchemy stores.
        params = {k: _sqlite_text(v) for k, v in params.items()}
    args = tuple(params[name] for name in compiled.positiontup) if compiled.positional else params
    dbapi_connection = connection.connection.dbapi_connection
    if dialect.name == "postgresql":
        cursor = dbapi_connection.cursor(name=f"raw_batches_{uuid.uuid4().hex}")
        cursor.itersize = size
    else:
        cursor = dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        cursor.close()
