"""The tally index: what the counting rules decided, stored, so a tally is a GROUP BY.

`refresh` recounts buildings with `registry.domain.tally.targets.building_episodes` (the one place
that decides what counts) and stores their episodes and horizon in the caller's transaction:
every service that changes a building or a record calls it before its commit, so the index
never disagrees with committed data. `sums`, `rows` and friends read it back for a period;
`registry.services.tally.tallies` puts the two halves together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import (
    Column,
    Float,
    MetaData,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlmodel import Session

from registry.db import insert_rows, raw_batches
from registry.domain.tally import cells as tally_cells
from registry.domain.tally import period as aggregate
from registry.domain.tally import rows as counted
from registry.domain.tally import targets as rules
from registry.models import Building, Record, TallyEpisode, TallyHorizon, TallyStamp
from registry.services.tally.facts import facts_of, load_facts

# Episodes are final once every date they depend on is known: count at the end of time.
LATEST = date.max
CHUNK = 500  # building ids per statement (SQLite's bound-parameter limit is far above)
# Building ids per recount in `refresh`: an import recounts 100,000 buildings, and each
# round is two deletes, a read and two inserts whatever its size.
REFRESH_CHUNK = 5_000
EPISODES = TallyEpisode.__table__
E = EPISODES.c
# Long results come in batches from a server-side cursor where the database has them.
STREAMED = {"stream_results": True, "yield_per": 2_000}
# Buildings recounted at an earlier data date, in the episodes' shape, so every period query
# below runs over them unchanged: a temporary table of the session's connection,
# emptied after use (its own metadata, so create_all and the migrations never see it).
RECOUNT = Table(
    "tally_recount",
    MetaData(),
    *(Column(c.name, c.type) for c in EPISODES.c if c.name != "id"),
    prefixes=["TEMPORARY"],
)


# The recount's values, in this order (`_insert_recount`).
RECOUNT_COLUMNS = (
    "target",
    "building_id",
    "record_id",
    "district_code",
    "building_type",
    "start_on",
    "end_on",
    "start_year",
    "end_year",
    "area_m2",
    "horizon_on",
    "building_name",
    "kind",
    "level",
    "label_number",
)


def _chunks(ids: list[int], size: int = CHUNK):
    for n in range(0, len(ids), size):
        yield ids[n : n + size]


def bump_stamp(connection) -> None:
    """A change that can move a tally: cached documents made before it are no longer current.
    In the caller's transaction; the row lock orders concurrent changes, so a reader never
    sees a version whose change it cannot see."""
    stamp = TallyStamp.__table__
    done = connection.execute(
        update(stamp).where(stamp.c.id == 1).values(version=stamp.c.version + 1)
    )
    if done.rowcount == 0:  # a database made by create_all, not by the migrations
        connection.execute(insert(stamp).values(id=1, version=1))


def stamp(session: Session) -> int:
    found = session.connection().execute(select(TallyStamp.version).where(TallyStamp.id == 1))
    return found.scalar() or 0


def refresh(session: Session, building_ids: Iterable[int], *, new_rows=None) -> None:
    """Recount these buildings into the index, inside the caller's transaction.

    `new_rows` (an import's): rows in `facts.facts_of`'s shape of buildings created in this
    transaction, with every counted record they have, which the caller wrote and holds: they
    are counted from these rows instead of being read back, and have nothing stored to
    remove. They are not among `building_ids`."""
    ids = sorted({int(i) for i in building_ids if i is not None})
    if not ids and not new_rows:
        return
    session.flush()
    connection = session.connection()
    bump_stamp(connection)
    for chunk in _chunks(ids, REFRESH_CHUNK):
        connection.execute(delete(TallyEpisode).where(TallyEpisode.building_id.in_(chunk)))
        connection.execute(delete(TallyHorizon).where(TallyHorizon.building_id.in_(chunk)))
        buildings, records = load_facts(session=session, building_ids=chunk)
        _store(connection, buildings, records)
    if new_rows:
        _store(connection, *facts_of(new_rows))


def rebuild(connection, *, stamp: bool = True) -> int:
    """Recount every building (after a bulk load or a change to the rules); episodes stored.
    `stamp=False` for migrations that run before the stamp's table exists."""
    connection.execute(delete(TallyEpisode))
    connection.execute(delete(TallyHorizon))
    if stamp:
        bump_stamp(connection)
    ids = [
        row[0]
        for row in connection.execute(
            select(Record.building_id)
            .where(Record.status.in_(rules.COUNTED_STATUSES))
            .distinct()
            .order_by(Record.building_id)
        )
    ]
    stored = 0
    with Session(bind=connection) as session:
        for chunk in _chunks(ids, 20_000):
            buildings, records = load_facts(session=session, building_ids=chunk)
            stored += _store(connection, buildings, records)
    return stored


def differences(session: Session) -> list[int]:
    """Buildings whose stored episodes or horizon differ from a recount now (none, unless
    rows were written around the services): what `registry tally-index --check` reports."""
    connection = session.connection()
    ids = sorted(
        set(
            connection.execute(
                select(Record.building_id).where(Record.status.in_(rules.COUNTED_STATUSES))
            ).scalars()
        )
        | set(connection.execute(select(TallyHorizon.building_id)).scalars())
    )
    columns = [c for c in TallyEpisode.__table__.c if c.name != "id"]
    differ = []
    for chunk in _chunks(ids, 5_000):
        stored: dict[int, list] = {}
        for row in connection.execute(select(*columns).where(E.building_id.in_(chunk))):
            stored.setdefault(row.building_id, []).append(tuple(row))
        horizons = dict(
            connection.execute(
                select(TallyHorizon.building_id, TallyHorizon.horizon_on).where(
                    TallyHorizon.building_id.in_(chunk)
                )
            ).all()
        )
        episodes, horizon_rows = _rows_for(*load_facts(session=session, building_ids=chunk))
        expected: dict[int, list] = {}
        for row in episodes:
            expected.setdefault(row["building_id"], []).append(tuple(row[c.name] for c in columns))
        expected_horizons = {h["building_id"]: h["horizon_on"] for h in horizon_rows}
        differ += [
            i
            for i in chunk
            if sorted(stored.get(i, [])) != sorted(expected.get(i, []))
            or horizons.get(i) != expected_horizons.get(i)
        ]
    return differ


def _store(connection, buildings: list[rules.BuildingFact], records: list[rules.RecordFact]) -> int:
    episode_rows, horizon_rows = _rows_for(buildings, records)
    insert_rows(connection, TallyHorizon.__table__, horizon_rows, size=20_000)
    insert_rows(connection, EPISODES, episode_rows, size=20_000)
    return len(episode_rows)


def _rows_for(
    buildings: list[rules.BuildingFact], records: list[rules.RecordFact]
) -> tuple[list[dict], list[dict]]:
    by_building: dict[int, list[rules.RecordFact]] = {}
    for record in records:
        by_building.setdefault(record.building_id, []).append(record)
    episode_rows, horizon_rows = [], []
    for building in buildings:
        own = by_building.get(building.building_id)
        horizon = rules.horizon(own) if own else None
        if horizon is None:
            continue
        horizon_rows.append({"building_id": building.building_id, "horizon_on": horizon})
        for ep in rules.building_episodes(building, own, LATEST):
            episode_rows.append(
                {
                    "target": ep.target,
                    "building_id": ep.building_id,
                    "record_id": ep.record.record_id,
                    "district_code": building.district_code,
                    "building_type": building.building_type,
                    "start_on": ep.start,
                    "end_on": ep.end,
                    "start_year": ep.start.year,
                    "end_year": ep.end.year if ep.end is not None else None,
                    "area_m2": ep.area_m2,
                    "horizon_on": horizon,
                    "building_name": building.name,
                    "kind": ep.record.kind,
                    "level": ep.record.level,
                    "label_number": ep.record.label_number or "",
                }
            )
    return episode_rows, horizon_rows


def later_than_query(as_of: date):
    """Buildings whose records have a date after `as_of`: the index cannot answer for them."""
    return select(TallyHorizon.building_id).where(TallyHorizon.horizon_on > as_of)


def later_than(session: Session, as_of: date) -> list[int]:
    return list(session.connection().execute(later_than_query(as_of)).scalars())


def has_later_than(session: Session, as_of: date) -> bool:
    return session.connection().execute(later_than_query(as_of).limit(1)).first() is not None


@contextmanager
def recounted(session: Session, as_of: date) -> Iterator[Table]:
    """The buildings whose records have dates after `as_of`, counted as of `as_of` by the
    same rules as the index, in the temporary table `RECOUNT` while the block runs.

    The index leaves these buildings out at that data date (`_where`), so the period queries
    over `EPISODES` and over `RECOUNT` add up to the tally as of `as_of`.
    """
    connection = session.connection()
    # Created once per connection and emptied around each use, not dropped: SQLite's driver
    # runs the CREATE outside the transaction, so a DROP inside it would be rolled back.
    RECOUNT.create(connection, checkfirst=True)
    connection.execute(delete(RECOUNT))
    try:
        buildings, records = load_facts(  # a subquery: faster than thousands of ids
            session=session, building_ids=later_than_query(as_of)
        )
        _insert_recount(connection, buildings, records, as_of)
        yield RECOUNT
    finally:
        connection.execute(delete(RECOUNT))


def _insert_recount(connection, buildings, records, as_of: date) -> None:
    """The buildings' episodes as of `as_of` into `RECOUNT`, as plain driver parameters: per
    row, SQLAlchemy's parameter handling cost more than counting the building (and this runs
    within a dashboard's second)."""
    by_building: dict[int, list[rules.RecordFact]] = {}
    for record in records:
        by_building.setdefault(record.building_id, []).append(record)
    # SQLAlchemy stores dates on SQLite as ISO text; its driver's own date adapters are
    # deprecated, so the text is given here.
    day = date.isoformat if connection.dialect.name == "sqlite" else (lambda d: d)
    at = day(as_of)
    values = []
    for building in buildings:
        own = by_building.get(building.building_id)
        if not own:
            continue
        for ep in rules.building_episodes(building, own, as_of):
            end = ep.end
            values.append(
                (
                    ep.target,
                    ep.building_id,
                    ep.record.record_id,
                    building.district_code,
                    building.building_type,
                    day(ep.start),
                    None if end is None else day(end),
                    ep.start.year,
                    None if end is None else end.year,
                    ep.area_m2,
                    at,
                    building.name,
                    ep.record.kind,
                    ep.record.level,
                    ep.record.label_number or "",
                )
            )
    if values:
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        columns = list(RECOUNT_COLUMNS)
        connection.exec_driver_sql(
            f"INSERT INTO {RECOUNT.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})",
            values,
        )


def _where(
    specs: dict, as_of: date, district: str | None, building_type: str | None, source=EPISODES
):
    """Episodes on or after their target's baseline, exact at `as_of`, within the filters."""
    E = source.c
    by_baseline: dict[date, list[str]] = {}
    for target in rules.RECORD_TARGETS:
        by_baseline.setdefault(specs[target].baseline, []).append(target)
    if len(by_baseline) == 1:
        baseline = E.start_on >= next(iter(by_baseline))
    else:
        baseline = or_(
            *(and_(E.target.in_(keys), E.start_on >= day) for day, keys in by_baseline.items())
        )
    conditions = [baseline, E.horizon_on <= as_of]
    if district is not None:
        conditions.append(E.district_code == district)
    if building_type is not None:
        conditions.append(E.building_type == building_type)
    return and_(*conditions)


def counted_where(
    target: str,
    *,
    start: date,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
):
    """The episodes of `target` behind a period's figures: counted by its end, or removed
    within it (the rows `iter_rows` reads; the evidence figures read the same)."""
    E = source.c
    return and_(
        _where(specs, as_of, district, building_type, source),
        E.target == target,
        E.start_on <= end,
        or_(E.end_on.is_(None), E.end_on >= start),
    )


def _sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0.0)), 0.0)


def _last_day(day: date) -> bool:
    return (day.month, day.day) == (12, 31)


def sums(
    session: Session,
    *,
    start: date,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
) -> tally_cells.Sums:
    """The same cells as `tally_cells.sum_episodes` (no timeline: see `timeline`), added up
    by the database along indexes that cover each pass.

    Start side: plain sums per start year, in index order with no sort; only a year cut by the
    period (a period not ending on 31 December) is summed again with conditions. End side:
    holdings that ended, a few per cent of rows, in their own partial index.
    """
    E = source.c
    where = _where(specs, as_of, district, building_type, source)
    before = date.fromordinal(start.toordinal() - 1)
    result = tally_cells.Sums()
    connection = session.connection()
    group = (E.target, E.district_code, E.building_type)
    cut_years = {day.year for day in (end, before) if not _last_day(day)}
    query = (
        select(*group, E.start_year, func.sum(E.area_m2), func.count())
        .where(where)
        .group_by(*group, E.start_year)
    )
    for *key, total, count in connection.execute(query):
        year, total = key[3], float(total)
        result.starts[tuple(key)] = [
            total,
            total if year <= end.year else 0.0,
            total if year <= before.year else 0.0,
            float(count) if year <= end.year else 0.0,
        ]
    if cut_years:
        query = (
            select(
                *group,
                E.start_year,
                _sum_if(E.start_on <= end, E.area_m2),
                _sum_if(E.start_on <= before, E.area_m2),
                _sum_if(E.start_on <= end, 1.0),
            )
            .where(where, E.start_year.in_(sorted(cut_years)))
            .group_by(*group, E.start_year)
        )
        for *key, by_end, by_before, n_by_end in connection.execute(query):
            result.starts[tuple(key)][1:] = [float(by_end), float(by_before), float(n_by_end)]
    query = (
        select(
            *group,
            E.end_year,
            func.sum(E.area_m2),
            _sum_if(E.end_on <= end, E.area_m2),
            _sum_if(E.end_on <= before, E.area_m2),
            _sum_if(E.end_on <= end, 1.0),
            _sum_if(E.end_on <= before, 1.0),
        )
        .where(where, E.end_on.is_not(None))
        .group_by(*group, E.end_year)
    )
    for row in connection.execute(query):
        result.ends[tuple(row[:4])] = [float(v) for v in row[4:]]
    return result


def timeline(
    session: Session,
    windows: dict[str, tuple[date, date]],
    *,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
) -> dict[tuple[str, date], list[float]]:
    """(target, day) -> [area starting, area ending] that day, within each target's window."""
    E = source.c
    where = _where(specs, as_of, district, building_type, source)
    found: dict[tuple[str, date], list[float]] = {}
    connection = session.connection()
    for target, (first, last) in windows.items():
        for day_column, slot in ((E.start_on, 0), (E.end_on, 1)):
            query = (
                select(day_column, func.sum(E.area_m2))
                .where(
                    where,
                    E.target == target,
                    day_column.is_not(None),
                    day_column >= first,
                    day_column <= last,
                )
                .group_by(day_column)
            )
            for day, total in connection.execute(query):
                found.setdefault((target, day), [0.0, 0.0])[slot] += float(total)
    return found


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
        _where(specs, as_of, district, building_type, source),
        E.start_on <= end,
        E.end_on > end,
        source=source,
    )
    return [_counted_row(row, start, row.end_on) for row in session.connection().execute(query)]


def pilots(
    session: Session,
    *,
    end: date,
    as_of: date,
    specs: dict,
    district: str | None,
    building_type: str | None,
    source: Table = EPISODES,
) -> dict[str, list[tuple[date, int, str]]]:
    """Per pilot district, its earliest nearly-zero pilots held at the period's end, as
    `replay.pilots_held`: read along the (target, start_on) index, stopping at the tenth."""
    E = source.c
    where = _where(specs, as_of, district, building_type, source)
    found: dict[str, list[tuple[date, int, str]]] = {}
    connection = session.connection()
    for code in rules.PILOT_NZEB_DISTRICTS:
        query = (
            select(E.start_on, E.building_id, Building.name)
            .join(Building, Building.id == E.building_id)
            .where(
                where,
                E.target == rules.NZEB_PILOTS,
                E.district_code == code,
                E.start_on <= end,
                or_(E.end_on.is_(None), E.end_on > end),
            )
            .order_by(E.start_on, E.building_id)
            .limit(aggregate.PILOTS_NAMED)
        )
        named = [tuple(row) for row in connection.execute(query)]
        if named:
            found[code] = named
    return found


def _building_where(district: str | None, building_type: str | None):
    conditions = [Building.is_new_build.is_(True), Building.completion_year.is_not(None)]
    if district is not None:
        conditions.append(Building.district_code == district)
    if building_type is not None:
        conditions.append(Building.building_type == building_type)
    return and_(*conditions)


def prefab_areas(
    session: Session, *, district: str | None, building_type: str | None
) -> dict[int, tuple[float, float]]:
    """Completion year -> (new-building area, of which prefabricated), as `prefab_areas`."""
    query = (
        select(
            Building.completion_year,
            func.sum(Building.floor_area_m2),
            func.coalesce(
                func.sum(
                    case((Building.prefabricated.is_(True), Building.floor_area_m2), else_=0.0)
                ),
                0.0,
            ),
        )
        .where(_building_where(district, building_type))
        .group_by(Building.completion_year)
    )
    return {
        year: (float(total), float(prefab))
        for year, total, prefab in session.connection().execute(query)
    }


def iter_new_buildings(
    session: Session, *, district: str | None, building_type: str | None
) -> Iterator[rules.BuildingFact]:
    """New buildings with a completion year, by id, streamed: the prefab facts a digest covers."""
    query = (
        select(
            Building.id, Building.completion_year, Building.floor_area_m2, Building.prefabricated
        )
        .where(_building_where(district, building_type))
        .order_by(Building.id)
    )
    connection = session.connection()
    with connection.execute(query.execution_options(**STREAMED)) as result:
        for i, year, area, prefab in result:
            yield rules.BuildingFact(i, "", "", "", float(area), True, year, bool(prefab))


def iter_new_building_batches(
    session: Session, *, district: str | None, building_type: str | None
) -> Iterator[list[tuple]]:
    """`iter_new_buildings` as (id, completion year, floor area in m², prefabricated) tuples,
    a batch at a time from the driver's cursor (a city has hundreds of thousands)."""
    query = (
        select(
            Building.id,
            Building.completion_year,
            cast(Building.floor_area_m2, Float),
            Building.prefabricated,
        )
        .where(_building_where(district, building_type))
        .order_by(Building.id)
    )
    yield from raw_batches(session.connection(), query)
