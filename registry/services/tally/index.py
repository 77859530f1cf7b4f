"""The tally index: what the counting rules decided, stored, so a tally is a GROUP BY.

`refresh` recounts buildings with `registry.domain.tally.targets.building_episodes` (the one place
that decides what counts) and stores their episodes and horizon in the caller's transaction:
every service that changes a building or a record calls it before its commit, so the index
never disagrees with committed data. `queries` (sums, timeline, pilots, new buildings) and
`counted_rows` read it back for a period; `registry.services.tally.tallies` puts the two
halves together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import (
    Column,
    MetaData,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlmodel import Session

from registry.bulk import BoundRows, bind_rows, insert_rows, write_bound
from registry.domain.tally import targets as rules
from registry.models import Record, TallyEpisode, TallyHorizon, TallyStamp
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


def refresh(
    session: Session,
    building_ids: Iterable[int],
    *,
    new_bound: tuple[BoundRows, BoundRows] | None = None,
) -> None:
    """Recount these buildings into the index, inside the caller's transaction.

    `new_bound` (an import's, from `bind_new`): the index rows of buildings created in this
    transaction, counted from the rows the caller wrote instead of being read back; they
    have nothing stored to remove, and are not among `building_ids`."""
    ids = sorted({int(i) for i in building_ids if i is not None})
    if not ids and not (new_bound and any(bound.values for bound in new_bound)):
        return
    session.flush()
    connection = session.connection()
    bump_stamp(connection)
    for chunk in _chunks(ids, REFRESH_CHUNK):
        connection.execute(delete(TallyEpisode).where(TallyEpisode.building_id.in_(chunk)))
        connection.execute(delete(TallyHorizon).where(TallyHorizon.building_id.in_(chunk)))
        buildings, records = load_facts(session=session, building_ids=chunk)
        _store(connection, buildings, records)
    if new_bound:
        horizons, episodes = new_bound
        write_bound(connection, TallyHorizon.__table__, horizons, size=20_000)
        write_bound(connection, EPISODES, episodes, size=20_000)


def bind_new(dialect, new_rows) -> tuple[BoundRows, BoundRows]:
    """The index rows (horizons, episodes) of buildings new in a transaction, bound for
    `refresh(new_bound=…)`: `new_rows` are their rows in `facts.facts_of`'s shape, with
    every counted record they have, as the caller wrote them. Pure (the dialect only): an
    import's forked copy makes them while the buildings are written (`imports.store`)."""
    episode_rows, horizon_rows = _rows_for(*facts_of(new_rows))
    return (
        bind_rows(dialect, TallyHorizon.__table__, horizon_rows),
        bind_rows(dialect, EPISODES, episode_rows),
    )


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
        # and any building an episode names: no key holds it to a record (`TallyEpisode`)
        | set(connection.execute(select(E.building_id).distinct()).scalars())
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
