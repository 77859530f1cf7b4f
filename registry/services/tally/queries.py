"""A period's figures read from the tally index (`index`): the sums along its covering
indexes, the timeline, the nearly-zero pilots, the prefabricated share and the new
buildings behind it. The counted rows themselves are `rows`'s; `tallies` puts them together.

Every function takes `source`, the episode table to read: the index, or a recount of some
buildings as of an earlier data date (`index.recounted`); the rules are the same SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Float, Table, and_, case, cast, func, or_, select
from sqlmodel import Session

from registry.db import raw_batches
from registry.domain.tally import cells as tally_cells
from registry.domain.tally import period as aggregate
from registry.domain.tally import targets as rules
from registry.models import Building
from registry.services.tally.index import EPISODES, STREAMED


def held_where(
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
        held_where(specs, as_of, district, building_type, source),
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
    where = held_where(specs, as_of, district, building_type, source)
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
    where = held_where(specs, as_of, district, building_type, source)
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
    where = held_where(specs, as_of, district, building_type, source)
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
