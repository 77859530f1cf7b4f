"""A period's tally: what the counting rules in `registry.domain.tally.targets` add up to.

Pure aggregation: `assemble` turns the sums per target, year, district and building type
(from the tally index's SQL in production, `registry.services.tally.index`; from
`registry.domain.tally.replay`, the test oracle, in the property tests) into the `Tally` the
pages, documents and API print: progress, projections, the prefab share, the nearly-zero
pilots, the counted rows and their digest (`registry.domain.tally.rows`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from registry.domain.buildings.districts import DISTRICTS, PILOT_NZEB_DISTRICTS
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.tally.cells import (
    E_ALL,
    E_BY_END,
    S_ALL,
    S_BY_END,
    Sums,
    clean,
)
from registry.domain.tally.projection import Projection, project
from registry.domain.tally.rows import CountedRow
from registry.domain.tally.targets import (
    AREA_TARGETS,
    DEFAULT_TARGETS,
    NZEB_PILOTS,
    PREFAB_SHARE,
    RECORD_TARGETS,
    TargetSpec,
)


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
    name: str  # in English; registry.vocabulary names it in the reader's language
    pilots: tuple[tuple[int, str], ...]  # (building id, name), the PILOTS_NAMED earliest
    met: bool
    pilot_count: int = 0


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
    digest: str = ""  # of every counted row; empty when only the first rows were read
    row_count: int = 0  # counted rows in all, even when `rows` holds only the first ones
    # {target: evidence.Evidence}: the backed share of two targets (issues 20, 21), when asked
    evidence: dict = field(default_factory=dict)


def full_specs(targets) -> dict[str, TargetSpec]:
    specs = {spec.key: spec for spec in targets}
    for spec in DEFAULT_TARGETS:
        specs.setdefault(spec.key, spec)
    return specs


PILOTS_NAMED = 10


def assemble(
    specs: dict[str, TargetSpec],
    sums: Sums,
    *,
    start: date,
    end: date,
    as_of: date,
    district: str | None,
    building_type: str | None,
    prefab_areas: dict[int, tuple[float, float]],
    pilots: dict[str, list[tuple[date, int, str]]],
    rows: list[CountedRow],
    row_count: int,
    later: list[CountedRow],
    digest_text: str,
) -> Tally:
    """The tally from its sums; `rows` may be all `row_count` rows or only the first ones."""
    baseline = min(specs[key].baseline for key in RECORD_TARGETS)
    first_year, last_year = min(baseline.year, start.year), end.year
    years = range(first_year, last_year + 1)
    by_year = {
        y: {t: {"added": 0.0, "removed": 0.0, "cumulative": 0.0} for t in AREA_TARGETS}
        for y in years
    }
    zero = {t: {"period": 0.0, "cumulative": 0.0} for t in AREA_TARGETS}
    by_district = {d.code: {t: dict(v) for t, v in zero.items()} for d in DISTRICTS}
    by_type = {code: {t: dict(v) for t, v in zero.items()} for code in BUILDING_TYPES}
    totals = {t: {"added": 0.0, "removed": 0.0, "cumulative": 0.0} for t in RECORD_TARGETS}
    held_before: set[str] = set()
    pilot_counts: dict[str, int] = defaultdict(int)
    for (target, district_code, type_code), group in sums.groups().items():
        total = totals[target]
        total["added"] += group.added
        total["removed"] += group.removed
        total["cumulative"] += group.held_end
        if target == NZEB_PILOTS:
            if group.held_before:
                held_before.add(district_code)
            pilot_counts[district_code] += group.held_end_n
            continue
        net = group.held_end - group.held_before
        for table, key in ((by_district, district_code), (by_type, type_code)):
            if key in table:
                table[key][target]["period"] += net
                table[key][target]["cumulative"] += group.held_end
    # By year: added by start year, removed by end year; held on 31 December of each earlier
    # year is what started by then less what ended by then; the last year is held at `end`.
    for (target, _d, _t, start_year), cell in sums.starts.items():
        if target == NZEB_PILOTS:
            continue
        if start_year in by_year:
            by_year[start_year][target]["added"] += cell[S_BY_END]
        for year in years:
            if start_year <= year < last_year:
                by_year[year][target]["cumulative"] += cell[S_ALL]
    for (target, _d, _t, end_year), cell in sums.ends.items():
        if target == NZEB_PILOTS:
            continue
        if end_year in by_year:
            by_year[end_year][target]["removed"] += cell[E_BY_END]
        for year in years:
            if end_year <= year < last_year:
                by_year[year][target]["cumulative"] -= cell[E_ALL]
    for target in AREA_TARGETS:
        by_year[last_year][target]["cumulative"] = totals[target]["cumulative"]
        for year in years:
            by_year[year][target]["cumulative"] = clean(by_year[year][target]["cumulative"])
    timelines: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for (target, day), (started, ended) in sums.timeline.items():
        if ended:
            timelines[target].append((day, -ended))
        if started:
            timelines[target].append((day, started))

    prefab = [
        _prefab_year(y, prefab_areas.get(y, (0.0, 0.0)), specs[PREFAB_SHARE].value) for y in years
    ]
    nzeb = _nzeb_status(pilots, pilot_counts)
    progress = []
    at = min(end, as_of)
    for key in AREA_TARGETS:
        spec, total = specs[key], totals[key]
        progress.append(
            TargetProgress(
                key,
                spec.name_zh,
                spec.name_en,
                spec.unit,
                spec.value,
                total["added"],
                total["removed"],
                total["added"] - total["removed"],
                total["cumulative"],
                100 * total["cumulative"] / spec.value if spec.value else None,
                project(spec, total["cumulative"], timelines[key], at),
            )
        )
    progress.append(_prefab_progress(specs[PREFAB_SHARE], prefab, start, end))
    progress.append(_nzeb_progress(specs[NZEB_PILOTS], nzeb, held_before))
    return Tally(
        start,
        end,
        as_of,
        district,
        building_type,
        progress,
        by_year,
        by_district,
        by_type,
        prefab,
        nzeb,
        rows,
        later,
        digest_text,
        row_count,
    )


def _prefab_year(year: int, areas: tuple[float, float], goal: float) -> PrefabYear:
    total, prefab = areas
    share = 100 * prefab / total if total else None
    return PrefabYear(year, total, prefab, share, None if share is None else share >= goal)


def _prefab_progress(
    spec: TargetSpec, prefab: list[PrefabYear], start: date, end: date
) -> TargetProgress:
    def share(items):
        total = sum(p.new_area_m2 for p in items)
        return 100 * sum(p.prefab_area_m2 for p in items) / total if total else 0.0

    in_period = [p for p in prefab if start.year <= p.year <= end.year]
    since = [p for p in prefab if p.year >= spec.baseline.year]
    period_share, cumulative_share = share(in_period), share(since)
    return TargetProgress(
        spec.key,
        spec.name_zh,
        spec.name_en,
        spec.unit,
        spec.value,
        sum(p.prefab_area_m2 for p in in_period),
        0.0,
        period_share,
        cumulative_share,
        100 * period_share / spec.value if spec.value else None,
        None,
    )


def _nzeb_status(
    pilots: dict[str, list[tuple[date, int, str]]], counts: dict[str, int]
) -> list[NzebDistrict]:
    status = []
    for code in PILOT_NZEB_DISTRICTS:
        district = next(d for d in DISTRICTS if d.code == code)
        count = counts.get(code, 0)
        status.append(
            NzebDistrict(
                code,
                district.name,
                tuple((i, name) for _on, i, name in pilots.get(code, ())),
                count > 0,
                count,
            )
        )
    return status


def _nzeb_progress(
    spec: TargetSpec, nzeb: list[NzebDistrict], held_before: set[str]
) -> TargetProgress:
    """Districts with a pilot at the period's end; `period` is the change over the period."""
    met_now = sum(1 for d in nzeb if d.met)
    met_before = len(held_before)
    return TargetProgress(
        spec.key,
        spec.name_zh,
        spec.name_en,
        spec.unit,
        spec.value,
        float(max(met_now - met_before, 0)),
        float(max(met_before - met_now, 0)),
        float(met_now - met_before),
        float(met_now),
        100 * met_now / spec.value if spec.value else None,
        None,
    )
