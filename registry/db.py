"""The database engine and sessions: one engine per app, one Session per request."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import any_, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

# JSON columns' text (audit snapshots: an import of 100,000 rows writes 200,000 of them),
# by one C encoder built once: json.dumps builds a new one for every value, a third of
# its time on a snapshot. The same text as json.dumps(value, ensure_ascii=False,
# separators=(",", ":")) gives, except that a value holding itself is not caught (no
# snapshot does): Chinese text as itself rather than as \u escapes, and no spaces, which
# makes a snapshot of an imported building about 15 % shorter, for the database to parse, log
# and keep (issue 23).
_JSON_ENCODER = (
    json.encoder.c_make_encoder(
        None,  # no markers: the check for a value that holds itself
        json.JSONEncoder().default,  # TypeError for what JSON has no form of
        json.encoder.encode_basestring,  # not ASCII-only: text as UTF-8
        None,  # no indent
        ":",
        ",",
        False,  # keys in their order
        False,  # a key that is no str, int, float, bool or None is refused
        True,  # NaN and Infinity written as json.dumps writes them
    )
    if json.encoder.c_make_encoder is not None
    else None
)
_JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


def json_text(value) -> str:
    """`json.dumps(value, **_JSON_OPTIONS)`, faster (see `_JSON_ENCODER`)."""
    if _JSON_ENCODER is None:  # a Python without the C accelerator
        return json.dumps(value, **_JSON_OPTIONS)
    return "".join(_JSON_ENCODER(value, 0))


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=json_text,
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
    engine = create_engine(
        database_url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        json_serializer=json_text,
    )

    @event.listens_for(engine, "connect")
    def _binary_arrays(dbapi_connection, _record):
        # A list (an array parameter: `one_of`'s 1,000 names) sent in binary: psycopg's
        # text form tests and quotes every element by a regular expression, 60 % of an
        # import's 200 look-ups (issue 23: 0.26 -> 0.09 s for a 100,000-row commit's
        # check). The same values reach the server either way; SQLAlchemy casts each array.
        from psycopg.types.array import ListBinaryDumper  # noqa: PLC0415  (PostgreSQL only)

        dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)

    return engine


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


def one_of(session: Session, column, values):
    """`column IN (values)`, for a chunk of many values (an import's 1,000 names). On
    PostgreSQL `column = ANY(:array)`: one parameter, so the statement's text is the same
    for every chunk, where an IN list is compiled again, and converted again by psycopg,
    for each (a third of a 100,000-row preview's duplicate lookups there)."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)
