"""A period's counted rows read from the tally index (`index`), in row order: as
`CountedRow`s (the dashboard's first page, the PDF), as plain tuples a batch at a time (a
full export of a million rows), and the rows a later revocation ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Float, Table, case, cast, func, select
from sqlmodel import Session

from registry.db import raw_batches
from registry.domain.tally import rows as counted
from registry.domain.tally import targets as rules
from registry.models import Building, Record
from registry.services.tally.index import EPISODES, STREAMED
from registry.services.tally.queries import counted_where, held_where


def _row_query(where, *extra, source: Table = EPISODES, ordered_by_target: bool = True):
    E = source.c
    order = case({key: n for n, key in enumerate(rules.TARGET_KEYS)}, value=E.target)
    return (
        select(
            E.target,
            E.building_id,
            Building.name,
            E.district_code,
            E.building_type,
            E.record_id,
            Record.kind,
            Record.level,
            Record.label_number,
            E.start_on,
            E.area_m2,
            E.end_on,
        )
        .join(Building, Building.id == E.building_id)
        .join(Record, Record.id == E.record_id)
        .where(where, *extra)
        # counted.row_key; within one target, the index gives the order without a sort.
        .order_by(*((order,) if ordered_by_target else ()), E.start_on, E.building_id, E.record_id)
    )


def _counted_row(row, start: date, removed_on: date | None) -> counted.CountedRow:
    """A `_row_query` row as the domain's CountedRow."""
    (
        target,
        building_id,
        name,
        district_code,
        type_code,
        record_id,
        kind,
        level,
        label,
        start_on,
        area,
        _end_on,
    ) = row
    return counted.CountedRow(
        target,
        building_id,
        name,
        district_code,
        type_code,
        record_id,
        kind,
        level,
        label,
        start_on,
        float(area),
        removed_on,
        start_on >= start,
    )


def iter_rows(
    session: Session,
    *,
    start: date,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    limit: int | None = None,
    source: Table = EPISODES,
) -> Iterator[counted.CountedRow]:
    """The counted rows (as `replay.counted_rows`) in row order, streamed; the first
    `limit` of them when given.

    One query per target, in the targets' order: each walks its (target, start_on) index,
    so the first rows come without sorting a year's hundreds of thousands.
    """
    filters = {"as_of": as_of, "specs": specs, "district": district}
    connection = session.connection()
    found = 0
    for target in rules.TARGET_KEYS:
        if target not in rules.RECORD_TARGETS:
            continue
        query = _row_query(
            counted_where(
                target, start=start, end=end, building_type=building_type, source=source, **filters
            ),
            source=source,
            ordered_by_target=False,
        )
        if limit is not None:
            if found >= limit:
                return
            query = query.limit(limit - found)
        with connection.execute(query.execution_options(**STREAMED)) as result:
            for row in result:
                end_on = row.end_on
                found += 1
                removed_on = end_on if end_on is not None and end_on <= end else None
                yield _counted_row(row, start, removed_on)


def iter_flat_batches(
    session: Session,
    *,
    start: date,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
) -> Iterator[list[tuple]]:
    """`iter_rows` as `counted.FLAT_FIELDS` tuples, a batch at a time: shaped in SQL and
    read from the driver's cursor, so a full export of a year's rows builds no object per
    row (SQLAlchemy's rows and CountedRow were most of its time)."""
    E = source.c
    connection = session.connection()
    if connection.dialect.name == "postgresql":

        def iso(column):
            return func.to_char(column, "YYYY-MM-DD")
    else:  # SQLite keeps a date as its ISO text

        def iso(column):
            return column

    for target in rules.TARGET_KEYS:
        if target not in rules.RECORD_TARGETS:
            continue
        query = (
            select(
                E.target,
                E.building_id,
                E.building_name,
                E.district_code,
                E.building_type,
                E.record_id,
                E.kind,
                E.level,
                E.label_number,
                iso(E.start_on),
                cast(E.area_m2, Float),
                case((E.end_on <= end, iso(E.end_on)), else_=""),
                E.start_on >= start,
            )
            .where(
                counted_where(
                    target,
                    start=start,
                    end=end,
                    as_of=as_of,
                    specs=specs,
                    district=district,
                    building_type=building_type,
                    source=source,
                )
            )
            .order_by(E.start_on, E.building_id, E.record_id)
        )
        yield from raw_batches(connection, query)


def rows(session: Session, **kwargs) -> list[counted.CountedRow]:
    """`iter_rows` as a list."""
    return list(iter_rows(session, **kwargs))


def later(
    session: Session,
    *,
    start: date,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
) -> list[counted.CountedRow]:
    """Rows held at the period's end whose holding a later revocation (known at as_of) ended."""
    E = source.c
    query = _row_query(
        held_where(specs, as_of, district, building_type, source),
        E.start_on <= end,
        E.end_on > end,
        source=source,
    )
    return [_counted_row(row, start, row.end_on) for row in session.connection().execute(query)]
