"""Bulk writes in the caller's transaction: ids reserved before the rows are made, rows
bound as the driver takes them, then written by one COPY (PostgreSQL) or by executemany
(SQLite). An import's 100,000 rows and their audit events and tally rows go through here
(issue 23), and so does an audited change's one event.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import JSON, Float, func, insert, select, text
from sqlalchemy.exc import DBAPIError

# SQLite's page cache, in KiB, while one connection makes a bulk write (`bulk_cache`): an
# import writes 600,000 rows into tables with a dozen indexes each, and with SQLite's default
# (2 MiB) their pages are written out and read back many times within the one transaction
# (issue 23: about 5 % of a 100,000-row commit's CPU). Every other connection keeps the
# default, so a pool of web connections never holds this much each.
SQLITE_CACHE_KIB = 131_072
SQLITE_DEFAULT_CACHE_KIB = 2_000


def reserve_ids(connection, table, count: int) -> list[int]:
    """`count` new ids for rows of `table` that are written with their id given, ascending:
    an import's buildings and records, whose records, audit events and tally rows need the
    ids before anything is written, where reading them back afterwards cost a second pass.

    PostgreSQL draws them from the id column's sequence, as the column's default would
    (other writers draw theirs meanwhile; a rolled-back import leaves a gap, as any rolled
    back insert does). SQLite takes the ids after the largest stored: the caller must hold
    the database's write lock (`BEGIN IMMEDIATE`) from this call until the rows are
    written, so no other writer can take them first."""
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        drawn = connection.execute(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": count},
        )
        return sorted(drawn.scalars())
    largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(largest + 1, largest + 1 + count))


def insert_rows(connection, table, rows: list[dict], *, size: int = 2_000) -> None:
    """Insert `rows` (dicts of one table's columns, all with the same keys) in the caller's
    transaction, as `connection.execute(insert(table), rows)` would store them, without its
    per-row cost: SQLAlchemy's executemany builds every row's parameters in Python, which
    cost as much as SQLite's writing at 100,000 rows, and on PostgreSQL psycopg then sends
    one statement a row (a 100,000-row import spent 46 s there, issue 23). `bind_rows`
    then `write_bound`: SQLite takes the rows by its executemany, `size` at a time,
    PostgreSQL by one COPY."""
    if rows:
        write_bound(connection, table, bind_rows(connection.dialect, table, rows), size=size)


@dataclass(frozen=True)
class BoundRows:
    """Rows of one table as its driver takes them (`bind_rows`), for `write_bound`: plain
    values, so another process can make them (an import's audit events, `imports.store`)."""

    columns: tuple[str, ...]  # the columns of each tuple, in order
    values: list[tuple]


def bind_rows(dialect, table, rows: list[dict]) -> BoundRows:
    """`rows` (dicts of `table`'s columns, all with the same keys) bound as the dialect's
    driver takes them: each value through its column's own bind processor (the type's
    conversions: aware datetimes to UTC, JSON to text), each distinct hashable value
    converted once. Pure: no connection, only the dialect."""
    if not rows:
        return BoundRows((), [])
    keys = list(rows[0])
    unknown = [key for key in keys if key not in table.c]
    # Core would fill a column's Python-side default; `write_bound` does not.
    defaulted = [c.name for c in table.c if c.name not in keys and c.default is not None]
    if unknown or defaulted:
        raise ValueError(
            f"{table.name}: keys {sorted(unknown)} are no columns, "
            f"columns {sorted(defaulted)} have defaults"
        )
    if dialect.name not in ("postgresql", "sqlite"):  # Core binds them when it writes
        return BoundRows(tuple(keys), [tuple(row[key] for key in keys) for row in rows])
    if dialect.name == "sqlite":
        # The order SQLite's statement binds them in (`write_bound` compiles the same).
        order = list(insert(table).compile(dialect=dialect, column_keys=keys).positiontup)
        if sorted(order) != sorted(keys):  # a key bound twice, or a default added
            raise ValueError(f"{table.name}: columns {sorted(keys)} bound as {sorted(order)}")
        keys = order
    bound = _binder(table, keys, dialect)
    return BoundRows(tuple(keys), [bound(row) for row in rows])


def write_bound(connection, table, rows: BoundRows, *, size: int = 2_000) -> None:
    """Write rows made by `bind_rows` (for this connection's dialect), in the caller's
    transaction: on PostgreSQL by one COPY, on SQLite by executemany `size` at a time."""
    write_chunks(connection, table, [rows], size=size)


def write_chunks(connection, table, chunks: Iterable[BoundRows], *, size: int = 2_000) -> None:
    """Write each of `chunks` (made by `bind_rows`, all with the same columns) as it comes,
    in the caller's transaction: on PostgreSQL by one COPY for them all, so the server
    stores a chunk while the caller makes the next (a COPY per chunk waits for the server
    at its end, and the server waits for the next: issue 23, a third of a 100,000-row
    commit); on SQLite by executemany `size` rows at a time.

    The chunks may come from a generator that does other work between them (an import's
    progress), but not on this connection: on PostgreSQL it is busy with the COPY."""
    dialect = connection.dialect
    chunks = iter(chunks)
    first = next((chunk for chunk in chunks if chunk.values), None)
    if first is None:
        return
    columns = first.columns

    def rest():
        yield first
        for chunk in chunks:
            if chunk.values and chunk.columns != columns:
                raise ValueError(f"{table.name}: a chunk of columns {chunk.columns}, not {columns}")
            yield chunk

    if dialect.name == "postgresql":
        preparer = dialect.identifier_preparer
        name = preparer.format_table(table)
        names = ", ".join(preparer.quote(table.c[key].name) for key in columns)
        sql = f"COPY {name} ({names}) FROM STDIN"
        dbapi = dialect.loaded_dbapi
        try:
            with connection.connection.dbapi_connection.cursor() as cursor:
                types = _binary_types(connection, cursor, name, columns, table)
                if types is not None:
                    sql += " (FORMAT BINARY)"
                with cursor.copy(sql) as copy:
                    if types is not None:
                        copy.set_types(types)
                    for chunk in rest():
                        for values in chunk.values:
                            copy.write_row(values)
        except dbapi.Error as error:
            # As SQLAlchemy would raise it (IntegrityError for a duplicate label, which the
            # import answers as a conflict), not psycopg's own.
            raise DBAPIError.instance(sql, None, error, dbapi.Error) from error
        return
    if dialect.name != "sqlite":
        statement = insert(table)
        for chunk in rest():
            for start in range(0, len(chunk.values), size):
                part = chunk.values[start : start + size]
                connection.execute(statement, [dict(zip(columns, v, strict=True)) for v in part])
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    if tuple(compiled.positiontup) != columns:
        raise ValueError(f"{table.name}: rows bound in another order than SQLite binds them")
    sql = str(compiled)
    for chunk in rest():
        for start in range(0, len(chunk.values), size):
            connection.exec_driver_sql(sql, chunk.values[start : start + size])


# PostgreSQL types whose binary form psycopg writes from the values `bind_rows` gives, by
# oid: {column's type: the type psycopg is told to write}. JSON columns get their text
# (`bind_rows` gives the text, which psycopg's JSON dumper would encode again as a string);
# the server reads the binary form of `text` and of `json` alike, as the text.
_BINARY_AS = {
    16: 16,  # boolean
    21: 21,  # smallint
    23: 23,  # integer
    20: 20,  # bigint
    700: 700,  # real
    701: 701,  # double precision
    25: 25,  # text
    1043: 25,  # varchar: its length is checked by the server as for text input
    1082: 1082,  # date
    1114: 1114,  # timestamp
    1184: 1184,  # timestamp with time zone
    114: 25,  # json
}


def _binary_types(connection, cursor, table_name: str, columns: tuple[str, ...], table):
    """The types to COPY `columns` in binary with, or None if one has no binary form here:
    the server then parses no text (numbers, dates, times) and psycopg formats less, a
    tenth of a 100,000-row import's COPY time (issue 23). The table's column types are
    read once per database connection (kept in its pool record's `info`), not before
    every write: an audited change writes its one event through here too."""
    known = connection.connection.info.setdefault("registry.column_oids", {})
    oids = known.get(table_name)
    if oids is None:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            (table_name,),
        )
        oids = known[table_name] = dict(cursor.fetchall())
    found = [_BINARY_AS.get(oids.get(table.c[key].name)) for key in columns]
    return None if None in found else found


def _binder(table, order: list[str], dialect):
    """A function from a row (dict) to its values in `order`, as the dialect's driver takes
    them: each column's bind processor applied where it has one.

    Only the columns with a bind processor are touched after the row is read in order:
    None is bound as the type binds it (JSON as 'null', as Core does), a float in a Float
    column as it is (the type converts other numbers to float: its own compiled conversion
    does that, cheaper than remembering a million areas), a dict or a list (JSON) converted
    every time, any other value once per distinct value. On PostgreSQL a JSON value is
    given as its text (psycopg's own JSON wrapper is what Core binds; COPY takes the text)."""
    processors = []
    for name in order:
        column_type = table.c[name].type
        if dialect.name == "postgresql" and isinstance(column_type, JSON):
            # JSON's own binding with a plain serializer: the text, not psycopg's wrapper.
            serialize = dialect._json_serializer or json.dumps
            processors.append(column_type._make_bind_processor(None, serialize))
        else:
            processors.append(column_type._cached_bind_processor(dialect))
    converted = [
        (n, process, {}, process(None), isinstance(table.c[order[n]].type, Float))
        for n, process in enumerate(processors)
        if process
    ]
    values_of = operator.itemgetter(*order)
    single = len(order) == 1

    def bound(row: dict) -> tuple:
        values = values_of(row)
        if single:
            values = (values,)
        if not converted:
            return values
        values = list(values)
        for n, process, memo, none_bound, direct in converted:
            value = values[n]
            if value is None:
                values[n] = none_bound
            elif direct:
                if value.__class__ is not float:
                    values[n] = process(value)
            elif value.__class__ in _UNHASHABLE:
                values[n] = process(value)
            else:
                try:
                    key = (value.__class__, value)  # True and 1: equal keys, unequal values
                    found = memo.get(key, _MISSING)
                except TypeError:  # unhashable, and neither a dict nor a list
                    values[n] = process(value)
                    continue
                if found is _MISSING:
                    found = memo[key] = process(value)
                values[n] = found
        return tuple(values)

    return bound


_MISSING = object()
_UNHASHABLE = (dict, list)


@contextmanager
def bulk_cache(connection) -> Iterator[None]:
    """SQLite: `SQLITE_CACHE_KIB` of page cache for this connection while the block runs (a
    bulk write in the caller's transaction), then the default again. Elsewhere nothing."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_DEFAULT_CACHE_KIB}")
