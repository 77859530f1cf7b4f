"""A period's tally: what the counting rules in `registry.domain.targets` add up to.

Pure aggregation over the episodes the rules produce: totals per target, year, district and
building type, projections, the prefab share, the nearly-zero pilots, the counted rows and
the digest that makes a printed figure traceable to them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from registry.domain.building_types import BUILDING_TYPES
from registry.domain.districts import DISTRICTS, PILOT_NZEB_DISTRICTS
from registry.domain.targets import (
    AREA_TARGETS,
    DEFAULT_TARGETS,
    NZEB_PILOTS,
    PREFAB_SHARE,
    RECORD_TARGETS,
    TARGET_KEYS,
    TARGET_RULES,
    BuildingFact,
    Episode,
    RecordFact,
    TargetSpec,
    episodes,
)


@dataclass(frozen=True)
class CountedRow:
    """One building's contribution to one target, traceable to the record behind it."""

    target: str
    building_id: int
    building_name: str
    district_code: str
    building_type: str
    record_id: int
    kind: str
    level: str
    label_number: str | None
    counted_on: date
    area_m2: float
    removed_on: date | None  # revoked within the period
    in_period: bool  # counted on a date within the period (else carried from before)


@dataclass(frozen=True)
class Projection:
    path_value: float  # where a straight line from baseline to deadline stands at the end
    pace_per_day: float
    projected_at_deadline: float
    met: bool  # already met, or met by the deadline at the current pace
    met_on: date | None  # when it was (or, at this pace, will be) met


@dataclass(frozen=True)
class TargetProgress:
    key: str
    name_zh: str
    name_en: str
    unit: str
    value: float
    added: float  # counted in the period
    removed: float  # revoked in the period
    period: float  # added - removed (for percent: the share in the period)
    cumulative: float  # from the baseline to the period's end
    percent: float | None  # cumulative / value, in %
    projection: Projection | None


@dataclass(frozen=True)
class PrefabYear:
    year: int
    new_area_m2: float
    prefab_area_m2: float
    share_pct: float | None
    met: bool | None


@dataclass(frozen=True)
class NzebDistrict:
    code: str
    name_zh: str
    name_en: str
    pilots: tuple[tuple[int, str], ...]  # (building id, name)
    met: bool


@dataclass
class Tally:
    start: date
    end: date
    as_of: date
    district: str | None
    building_type: str | None
    targets: list[TargetProgress]
    by_year: dict[int, dict[str, dict[str, float]]]  # year -> target -> added/removed/cumulative
    by_district: dict[str, dict[str, dict[str, float]]]  # code -> target -> period/cumulative
    by_building_type: dict[str, dict[str, dict[str, float]]]
    prefab: list[PrefabYear]
    nzeb: list[NzebDistrict]
    rows: list[CountedRow]
    later_revocations: list[CountedRow] = field(default_factory=list)
    digest: str = ""


# Beyond a century at the current pace, "when" is not a meaningful date.
MAX_PROJECTION_DAYS = 36_525


def _days(first: date, last: date) -> int:
    """Days from `first` to `last`, both included."""
    return (last - first).days + 1


def project(spec: TargetSpec, cumulative: float, timeline: list[tuple[date, float]],
            at: date) -> Projection:
    """Straight-line path and the projection at the pace since the baseline, seen at `at`."""
    total_days = _days(spec.baseline, spec.deadline)
    elapsed = min(max(_days(spec.baseline, at), 0), total_days)
    path_value = spec.value * elapsed / total_days
    pace = cumulative / elapsed if elapsed > 0 else 0.0
    projected = pace * total_days
    met_on = None
    running = 0.0
    for when, delta in sorted(timeline):
        running += delta
        if running >= spec.value - 1e-9 and when <= at:
            met_on = when
            break
    if met_on is not None and cumulative >= spec.value - 1e-9:
        met = True
    else:
        met_on = None
        days_needed = math.ceil(spec.value / pace) if pace > 0 else None
        if days_needed is not None and days_needed <= MAX_PROJECTION_DAYS:
            met_on = spec.baseline + timedelta(days=days_needed - 1)
        met = met_on is not None and met_on <= spec.deadline
    return Projection(path_value, pace, projected, met, met_on)


def _held_at(episode: Episode, day: date) -> bool:
    return episode.start <= day and (episode.end is None or episode.end > day)


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
    specs = {spec.key: spec for spec in targets}
    for spec in DEFAULT_TARGETS:
        specs.setdefault(spec.key, spec)
    baseline = min(specs[key].baseline for key in RECORD_TARGETS)
    chosen = {
        b.building_id: b for b in buildings
        if (district is None or b.district_code == district)
        and (building_type is None or b.building_type == building_type)
    }
    by_building: dict[int, list[RecordFact]] = defaultdict(list)
    for record in records:
        if record.building_id in chosen:
            by_building[record.building_id].append(record)

    counted: list[Episode] = []
    for building_id, own in by_building.items():
        building = chosen[building_id]
        kinds = {record.kind for record in own}
        for target in RECORD_TARGETS:
            if TARGET_RULES[target].kind not in kinds:
                continue  # no record of the rule's kind: no episode (saves a call per record)
            counted.extend(
                ep for ep in episodes(own, target, building.district_code, as_of)
                if ep.start >= specs[target].baseline
            )

    first_year, last_year = min(baseline.year, start.year), end.year
    years = range(first_year, last_year + 1)
    by_year = {y: {t: {"added": 0.0, "removed": 0.0, "cumulative": 0.0} for t in AREA_TARGETS}
               for y in years}
    zero = {t: {"period": 0.0, "cumulative": 0.0} for t in AREA_TARGETS}
    by_district = {d.code: {t: dict(v) for t, v in zero.items()} for d in DISTRICTS}
    by_type = {code: {t: dict(v) for t, v in zero.items()} for code in BUILDING_TYPES}
    totals = {t: {"added": 0.0, "removed": 0.0, "cumulative": 0.0} for t in RECORD_TARGETS}
    timelines: dict[str, list[tuple[date, float]]] = defaultdict(list)
    rows: list[CountedRow] = []
    later: list[CountedRow] = []
    day_before = start - timedelta(days=1)
    year_ends = [(year, min(date(year, 12, 31), end)) for year in years]
    # Sums below skip `+= 0.0` (which leaves a float unchanged) but keep the order in which
    # episodes add to each cell, so every total is the same float as adding them all.
    for ep in counted:
        building = chosen[ep.building_id]
        area = ep.area_m2
        held_end = _held_at(ep, end)
        added = start <= ep.start <= end
        removed = ep.end is not None and start <= ep.end <= end
        total = totals[ep.target]
        if added:
            total["added"] += area
        if removed:
            total["removed"] += area
        if held_end:
            total["cumulative"] += area
        timeline = timelines[ep.target]
        timeline.append((ep.start, area))
        if ep.end is not None:
            timeline.append((ep.end, -area))
        if ep.target in AREA_TARGETS:
            if ep.start <= end:
                by_year[ep.start.year][ep.target]["added"] += area
            if ep.end is not None and ep.end <= end:
                by_year[ep.end.year][ep.target]["removed"] += area
            for year, year_end in year_ends:
                if _held_at(ep, year_end):
                    by_year[year][ep.target]["cumulative"] += area
            net = (area if held_end else 0.0) - (area if _held_at(ep, day_before) else 0.0)
            for table, key in ((by_district, building.district_code),
                               (by_type, building.building_type)):
                if key in table:
                    table[key][ep.target]["period"] += net
                    table[key][ep.target]["cumulative"] += area if held_end else 0.0
        if ep.start > end or not (held_end or removed):
            continue
        row = CountedRow(
            target=ep.target, building_id=building.building_id, building_name=building.name,
            district_code=building.district_code, building_type=building.building_type,
            record_id=ep.record.record_id, kind=ep.record.kind, level=ep.record.level,
            label_number=ep.record.label_number, counted_on=ep.start, area_m2=area,
            removed_on=ep.end if removed else None, in_period=added,
        )
        rows.append(row)
        if held_end and ep.end is not None:
            later.append(replace(row, removed_on=ep.end))
    rows.sort(key=_row_key)
    later.sort(key=_row_key)

    new_buildings = [b for b in chosen.values() if b.is_new_build and b.completion_year]
    prefab = [_prefab_year(y, new_buildings, specs[PREFAB_SHARE].value) for y in years]
    nzeb = _nzeb_status(rows)
    progress = []
    at = min(end, as_of)
    for key in AREA_TARGETS:
        spec, total = specs[key], totals[key]
        progress.append(TargetProgress(
            key, spec.name_zh, spec.name_en, spec.unit, spec.value, total["added"],
            total["removed"], total["added"] - total["removed"], total["cumulative"],
            100 * total["cumulative"] / spec.value if spec.value else None,
            project(spec, total["cumulative"], timelines[key], at),
        ))
    progress.append(_prefab_progress(specs[PREFAB_SHARE], prefab, start, end))
    progress.append(_nzeb_progress(specs[NZEB_PILOTS], nzeb, counted, day_before))
    tally = Tally(start, end, as_of, district, building_type, progress, by_year, by_district,
                  by_type, prefab, nzeb, rows, later)
    tally.digest = digest(rows, new_buildings)
    return tally


_TARGET_ORDER = {key: n for n, key in enumerate(TARGET_KEYS)}


def _row_key(row: CountedRow):
    return (_TARGET_ORDER[row.target], row.counted_on, row.building_id, row.record_id)


def _prefab_year(year: int, new_buildings: list[BuildingFact], goal: float) -> PrefabYear:
    built = [b for b in new_buildings if b.completion_year == year]
    total = sum(b.floor_area_m2 for b in built)
    prefab = sum(b.floor_area_m2 for b in built if b.prefabricated)
    share = 100 * prefab / total if total else None
    return PrefabYear(year, total, prefab, share, None if share is None else share >= goal)


def _prefab_progress(spec: TargetSpec, prefab: list[PrefabYear], start: date,
                     end: date) -> TargetProgress:
    def share(items):
        total = sum(p.new_area_m2 for p in items)
        return 100 * sum(p.prefab_area_m2 for p in items) / total if total else 0.0

    in_period = [p for p in prefab if start.year <= p.year <= end.year]
    since = [p for p in prefab if p.year >= spec.baseline.year]
    period_share, cumulative_share = share(in_period), share(since)
    return TargetProgress(
        spec.key, spec.name_zh, spec.name_en, spec.unit, spec.value,
        sum(p.prefab_area_m2 for p in in_period), 0.0, period_share, cumulative_share,
        100 * period_share / spec.value if spec.value else None, None,
    )


def _nzeb_status(rows: list[CountedRow]) -> list[NzebDistrict]:
    status = []
    pilot_rows = [r for r in rows if r.target == NZEB_PILOTS and r.removed_on is None]
    for code in PILOT_NZEB_DISTRICTS:
        district = next(d for d in DISTRICTS if d.code == code)
        pilots = tuple(sorted({(r.building_id, r.building_name) for r in pilot_rows
                               if r.district_code == code}))
        status.append(NzebDistrict(code, district.name_zh, district.name_en, pilots,
                                   bool(pilots)))
    return status


def _nzeb_progress(spec: TargetSpec, nzeb: list[NzebDistrict], counted: list[Episode],
                   day_before: date) -> TargetProgress:
    """Districts with a pilot at the period's end; `period` is the change over the period."""
    met_now = sum(1 for d in nzeb if d.met)
    met_before = len({ep.district_code for ep in counted
                      if ep.target == NZEB_PILOTS and _held_at(ep, day_before)})
    return TargetProgress(
        spec.key, spec.name_zh, spec.name_en, spec.unit, spec.value,
        float(max(met_now - met_before, 0)), float(max(met_before - met_now, 0)),
        float(met_now - met_before), float(met_now),
        100 * met_now / spec.value if spec.value else None, None,
    )


def _row_payload(row: CountedRow) -> dict:
    # What `asdict` gives with dates as ISO strings, built directly: asdict deep-copies every
    # value, which for a city's 600,000 rows took longer than counting them.
    return {
        "target": row.target, "building_id": row.building_id,
        "building_name": row.building_name, "district_code": row.district_code,
        "building_type": row.building_type, "record_id": row.record_id, "kind": row.kind,
        "level": row.level, "label_number": row.label_number,
        "counted_on": row.counted_on.isoformat(), "area_m2": round(row.area_m2, 3),
        "removed_on": row.removed_on.isoformat() if row.removed_on is not None else None,
        "in_period": row.in_period,
    }


# json.dumps(..., ensure_ascii=False, sort_keys=True) builds this encoder on every call.
_encode_row = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def digest(rows: list[CountedRow], new_buildings: list[BuildingFact] = ()) -> str:
    """sha256 of the sorted counted rows and new-building facts behind every printed number."""
    lines = sorted(_encode_row(_row_payload(r)) for r in rows)
    lines += sorted(
        json.dumps({"prefab": [b.building_id, b.completion_year, round(b.floor_area_m2, 3),
                               b.prefabricated]})
        for b in new_buildings
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
