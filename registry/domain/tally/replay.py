"""The whole tally replayed in Python from the facts: the test oracle.

In production the period rules run in one place only, the tally index's SQL
(`registry.services.tally.index`). `compute_tally` applies the counting rules
(`registry.domain.tally.targets`) to every building's records and adds the episodes up
(`registry.domain.tally.cells.sum_episodes`) into the same `period.Tally` the SQL's sums are
assembled into: the property tests hold the SQL to it, and the benchmarks compare with it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from registry.domain.tally.cells import held_at, sum_episodes
from registry.domain.tally.period import PILOTS_NAMED, Tally, assemble, full_specs
from registry.domain.tally.rows import CountedRow, digest, row_key
from registry.domain.tally.targets import (
    DEFAULT_TARGETS,
    NZEB_PILOTS,
    BuildingFact,
    Episode,
    RecordFact,
    TargetSpec,
    building_episodes,
)


def counted_rows(
    counted: list[Episode], chosen: dict[int, BuildingFact], start: date, end: date
) -> list[CountedRow]:
    """The rows behind a period's figures: episodes counted by its end or removed within it."""
    rows = []
    for ep in counted:
        held_end = held_at(ep, end)
        removed = ep.end is not None and start <= ep.end <= end
        if ep.start > end or not (held_end or removed):
            continue
        building = chosen[ep.building_id]
        rows.append(
            CountedRow(
                target=ep.target,
                building_id=building.building_id,
                building_name=building.name,
                district_code=building.district_code,
                building_type=building.building_type,
                record_id=ep.record.record_id,
                kind=ep.record.kind,
                level=ep.record.level,
                label_number=ep.record.label_number,
                counted_on=ep.start,
                area_m2=ep.area_m2,
                removed_on=ep.end if removed else None,
                in_period=start <= ep.start <= end,
            )
        )
    rows.sort(key=row_key)
    return rows


def later_revocations(
    rows: list[CountedRow], counted: list[Episode], end: date
) -> list[CountedRow]:
    """Rows still held at the period's end whose holding a later revocation ended."""
    ends = {
        (ep.target, ep.building_id, ep.record.record_id): ep.end
        for ep in counted
        if ep.end is not None and ep.end > end and ep.start <= end
    }
    later = [
        replace(row, removed_on=ends[(row.target, row.building_id, row.record_id)])
        for row in rows
        if row.removed_on is None and (row.target, row.building_id, row.record_id) in ends
    ]
    later.sort(key=row_key)
    return later


def compute_tally(
    buildings: list[BuildingFact],
    records: list[RecordFact],
    *,
    start: date,
    end: date,
    as_of: date,
    targets: list[TargetSpec] | tuple[TargetSpec, ...] = DEFAULT_TARGETS,
    district: str | None = None,
    building_type: str | None = None,
) -> Tally:
    """The tally of every target for the period [start, end] with data as of `as_of`."""
    specs = full_specs(targets)
    chosen = {
        b.building_id: b
        for b in buildings
        if (district is None or b.district_code == district)
        and (building_type is None or b.building_type == building_type)
    }
    counted = counted_episodes(chosen, records, specs, as_of)
    at = min(end, as_of)
    sums = sum_episodes(counted, {i: b.building_type for i, b in chosen.items()}, start, end, at)
    rows = counted_rows(counted, chosen, start, end)
    new_buildings = [b for b in chosen.values() if b.is_new_build and b.completion_year]
    return assemble(
        specs,
        sums,
        start=start,
        end=end,
        as_of=as_of,
        district=district,
        building_type=building_type,
        prefab_areas=prefab_areas(new_buildings),
        pilots=pilots_held(rows),
        rows=rows,
        row_count=len(rows),
        later=later_revocations(rows, counted, end),
        digest_text=digest(rows, new_buildings),
    )


def counted_episodes(
    chosen: dict[int, BuildingFact],
    records: list[RecordFact],
    specs: dict[str, TargetSpec],
    as_of: date,
) -> list[Episode]:
    """The chosen buildings' episodes on or after each target's baseline."""
    by_building: dict[int, list[RecordFact]] = defaultdict(list)
    for record in records:
        if record.building_id in chosen:
            by_building[record.building_id].append(record)
    return [
        ep
        for building_id, own in by_building.items()
        for ep in building_episodes(chosen[building_id], own, as_of)
        if ep.start >= specs[ep.target].baseline
    ]


def prefab_areas(new_buildings: list[BuildingFact]) -> dict[int, tuple[float, float]]:
    """Completion year -> (new-building area, of which prefabricated), m²."""
    areas: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for b in new_buildings:
        areas[b.completion_year][0] += b.floor_area_m2
        if b.prefabricated:
            areas[b.completion_year][1] += b.floor_area_m2
    return {year: (total, prefab) for year, (total, prefab) in areas.items()}


# Pilot buildings named per district; the count is always complete.


def pilots_held(rows: list[CountedRow]) -> dict[str, list[tuple[date, int, str]]]:
    """District -> its first pilots held at the period's end: (counted on, id, name), earliest
    first (the first pilots are the ones a report names)."""
    found: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    for r in rows:
        if r.target == NZEB_PILOTS and r.removed_on is None:
            found[r.district_code].append((r.counted_on, r.building_id, r.building_name))
    return {code: sorted(items)[:PILOTS_NAMED] for code, items in found.items()}
