"""A period's tally: what the counting rules in `registry.domain.tally.targets` add up to.

Pure aggregation over the episodes the rules produce: totals per target, year, district and
building type, projections, the prefab share, the nearly-zero pilots, the counted rows and
the digest that makes a printed figure traceable to them.

The period rules (baseline, held at the end, removed in the period, later revocations,
pilots) run in production in one place only: the tally index's SQL
(`registry.services.tally.index`), over the stored episodes and, for an earlier data date,
over the buildings recounted as of it. `compute_tally` and the helpers it alone uses
(`counted_episodes`, `counted_rows`, `later_revocations`, `pilots_held`,
`registry.domain.tally.cells.sum_episodes`) are the test oracle: the property tests hold
the SQL to them. `assemble`, `row_key`, `Digest` and the dataclasses are shared by both.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
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
    held_at,
    sum_episodes,
)
from registry.domain.tally.projection import Projection, project
from registry.domain.tally.targets import (
    AREA_TARGETS,
    DEFAULT_TARGETS,
    NZEB_PILOTS,
    PREFAB_SHARE,
    RECORD_TARGETS,
    TARGET_KEYS,
    BuildingFact,
    Episode,
    RecordFact,
    TargetSpec,
    building_episodes,
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


def full_specs(targets) -> dict[str, TargetSpec]:
    specs = {spec.key: spec for spec in targets}
    for spec in DEFAULT_TARGETS:
        specs.setdefault(spec.key, spec)
    return specs


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
PILOTS_NAMED = 10


def pilots_held(rows: list[CountedRow]) -> dict[str, list[tuple[date, int, str]]]:
    """District -> its first pilots held at the period's end: (counted on, id, name), earliest
    first (the first pilots are the ones a report names)."""
    found: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    for r in rows:
        if r.target == NZEB_PILOTS and r.removed_on is None:
            found[r.district_code].append((r.counted_on, r.building_id, r.building_name))
    return {code: sorted(items)[:PILOTS_NAMED] for code, items in found.items()}


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


_TARGET_ORDER = {key: n for n, key in enumerate(TARGET_KEYS)}


def row_key(row: CountedRow):
    return (_TARGET_ORDER[row.target], row.counted_on, row.building_id, row.record_id)


# A counted row as a flat tuple, the shape a full export reads a batch of rows in (no object
# per row): CountedRow's fields in order, the dates as ISO text (no removal: ""), the area a
# float, `in_period` anything true or false.
FLAT_FIELDS = tuple(CountedRow.__dataclass_fields__)


def flat(row: CountedRow) -> tuple:
    """A CountedRow as its FLAT_FIELDS tuple."""
    return (
        row.target,
        row.building_id,
        row.building_name,
        row.district_code,
        row.building_type,
        row.record_id,
        row.kind,
        row.level,
        row.label_number,
        row.counted_on.isoformat(),
        float(row.area_m2),
        row.removed_on.isoformat() if row.removed_on is not None else "",
        row.in_period,
    )


def flat_key(row: tuple):
    """`row_key` of a FLAT_FIELDS tuple (ISO dates sort as the dates do)."""
    return (_TARGET_ORDER[row[0]], row[9], row[1], row[5])


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


def _text(value: str | None) -> str:
    """A free-text field in a digest line: tabs, newlines and backslashes escaped, so a line
    splits back into the same fields."""
    if not value:
        return ""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


_ESCAPED = ("\\", "\t", "\n", "\r")


def _row_line(r: tuple) -> str:
    """A FLAT_FIELDS row's digest line."""
    return (
        f"{r[0]}\t{r[1]}\t{_text(r[2])}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t"
        f"{_text(r[8])}\t{r[9]}\t{r[10]:.3f}\t{r[11]}\t{1 if r[12] else 0}\n"
    )


class Digest:
    """sha256 of the counted rows in row order (`row_key`), one tab-separated line each, then
    the new-building facts behind the prefab share in building order: fed one row at a time,
    so a streamed export computes it in constant memory."""

    def __init__(self):
        self._sha = hashlib.sha256()

    def add_row(self, row: CountedRow) -> None:
        self._sha.update(_row_line(flat(row)).encode())

    def add_flat_rows(self, rows: list[tuple]) -> None:
        """FLAT_FIELDS rows, in row order: the same lines `add_row` adds."""
        texts = "".join([f"{r[2]}{r[8] or ''}" for r in rows])
        if any(ch in texts for ch in _ESCAPED):
            self._sha.update("".join(map(_row_line, rows)).encode())
            return
        # No free text to escape in the batch (the usual case): the lines written at once.
        self._sha.update(
            "".join(
                [
                    f"{r[0]}\t{r[1]}\t{r[2] or ''}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t"
                    f"{r[8] or ''}\t{r[9]}\t{r[10]:.3f}\t{r[11]}\t{1 if r[12] else 0}\n"
                    for r in rows
                ]
            ).encode()
        )

    def add_new_building(self, b: BuildingFact) -> None:
        self.add_new_building_rows(
            [(b.building_id, b.completion_year, b.floor_area_m2, b.prefabricated)]
        )

    def add_new_building_rows(self, rows: list[tuple]) -> None:
        """(building id, completion year, floor area in m², prefabricated) rows, by id."""
        self._sha.update(
            "".join(
                f"prefab\t{i}\t{year}\t{area_m2:.3f}\t{1 if prefab else 0}\n"
                for i, year, area_m2, prefab in rows
            ).encode()
        )

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def digest(rows, new_buildings=()) -> str:
    """The `Digest` of these rows (in row order) and new buildings (any order)."""
    found = Digest()
    for row in rows:
        found.add_row(row)
    for b in sorted(new_buildings, key=lambda b: b.building_id):
        found.add_new_building(b)
    return found.hexdigest()
