"""The tally: the index's sums and rows for a period, assembled by the domain (`Period`,
`compute`); `presented` shapes it for readers and `tables` lays it out as tables.

Nothing here decides what counts: the counting rules (`registry.domain.tally.targets`) do,
through the episodes the tally index stores, for the dashboard, the API, the CLI and the PDF
alike; `registry.domain.tally.replay` replays them in Python as the tests' oracle.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings.districts import UnknownDistrict, normalise_district
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.tally import cells as tally_cells
from registry.domain.tally import evidence as evidence_rules
from registry.domain.tally import period as aggregate
from registry.domain.tally import rows as counted
from registry.domain.tally import targets as rules
from registry.errors import ValidationFailed
from registry.models import Building, Target
from registry.services.tally import counted_rows as tally_rows
from registry.services.tally import evidence as tally_evidence
from registry.services.tally import index as tally_index
from registry.services.tally import queries as tally_queries
from registry.services.tally.targets import target_specs


def parse_filters(*, year=None, district=None, building_type=None) -> dict:
    """Year, district code and building type from user input; ValidationFailed naming each."""
    problems: dict[str, tuple[str, dict]] = {}
    parsed: dict = {"year": None, "district": None, "building_type": None}
    if year not in (None, ""):
        try:
            parsed["year"] = int(str(year).strip())
        except ValueError:
            parsed["year"] = -1
        if not 2000 <= parsed["year"] <= 2100:
            problems["year"] = ("tally.year_invalid", {"value": str(year)})
    if district not in (None, ""):
        try:
            parsed["district"] = normalise_district(district).code
        except UnknownDistrict as exc:
            problems["district"] = (exc.hint, exc.params)
    if building_type not in (None, ""):
        if building_type not in BUILDING_TYPES:
            problems["building_type"] = ("building.type_unknown", {"value": building_type})
        parsed["building_type"] = building_type
    if problems:
        raise ValidationFailed(problems)
    return parsed


@contextmanager
def sources(session: Session, as_of: date):
    """The episode tables a tally at `as_of` adds up: the index, and, when some buildings'
    records have dates after `as_of`, those buildings recounted as of it (see
    `tally_index.recounted`). Every period rule is the index's SQL either way; the pure
    `registry.domain.tally.period` is the test oracle only."""
    if not tally_index.has_later_than(session, as_of):
        yield [tally_index.EPISODES]
        return
    with tally_index.recounted(session, as_of) as recount:
        yield [tally_index.EPISODES, recount]


def compute(
    *,
    session: Session,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    district: str | None = None,
    building_type: str | None = None,
    as_of: date | None = None,
    rows: int | None = None,
    evidence: bool = False,
) -> aggregate.Tally:
    """The tally for a calendar year (or any date range), optionally one district or type.

    Figures come from the tally index (`registry.services.tally.index`): sums in the database,
    over the stored episodes and, for a data date earlier than some records' dates, those
    buildings recounted as of it. `rows` limits the counted rows read (the dashboard's first
    page); without it every row is read and the digest covers them all. `evidence` adds the
    backed share of the upgrade and ultra-low targets (`services.tally.evidence`).
    """
    period = Period.of(
        session=session,
        year=year,
        start=start,
        end=end,
        district=district,
        building_type=building_type,
        as_of=as_of,
    )
    with sources(session, period.as_of) as tables:
        sums = period.sums(session, tables)
        counted_rows = list(period.iter_rows(session, tables, limit=rows))
        later = period.later(session, tables)
        pilots = period.pilots(session, tables)
        period.add_timeline(session, tables, sums)
        backed = period.evidence(session, tables) if evidence else {}
    row_count = sum(group.rows for group in sums.groups().values())
    digest = ""
    if rows is None or len(counted_rows) == row_count:
        digest = counted.digest(counted_rows, period.iter_new_buildings(session))
    tally = period.assemble(
        session,
        sums,
        rows=counted_rows,
        row_count=row_count,
        later=later,
        pilots=pilots,
        digest=digest,
    )
    return replace(tally, evidence=backed) if backed else tally


def _merge_batches(streams: list[Iterator[list]], key) -> Iterator[list]:
    """Batch streams, each sorted by `key`, merged into one sorted batch stream. Each step
    hands on every current row up to the earliest last row of the current batches (a
    recount's few rows land in most of the index's batches; a sort of two sorted runs costs
    a fraction of a heap merge per row); a lone stream's batches pass as they are."""
    current: dict[int, list] = {}
    for n, stream in enumerate(streams):
        if batch := next(stream, None):
            current[n] = batch
    while len(current) > 1:
        bound = min(key(batch[-1]) for batch in current.values())
        parts = []
        for n, batch in list(current.items()):
            cut = bisect.bisect_right(batch, bound, key=key)
            if cut:
                parts.append(batch if cut == len(batch) else batch[:cut])
            if cut < len(batch):
                current[n] = batch[cut:]
            elif nxt := next(streams[n], None):
                current[n] = nxt
            else:
                del current[n]
        yield parts[0] if len(parts) == 1 else sorted(itertools.chain(*parts), key=key)
    for n, batch in current.items():
        yield batch
        yield from streams[n]


@dataclass(frozen=True)
class Period:
    """A tally's question (period, data date, filters, targets) and the index's answers to
    it, over one or more episode tables (see `sources`)."""

    start: date
    end: date
    as_of: date
    district: str | None
    building_type: str | None
    specs: dict

    @classmethod
    def of(
        cls,
        *,
        session: Session,
        year: int | None = None,
        start: date | None = None,
        end: date | None = None,
        district: str | None = None,
        building_type: str | None = None,
        as_of: date | None = None,
    ) -> Period:
        as_of = as_of or dates.today()
        if year is not None:
            start, end = date(year, 1, 1), date(year, 12, 31)
        start = start or date(as_of.year, 1, 1)
        end = end or date(start.year, 12, 31)
        specs = aggregate.full_specs(target_specs(session=session))
        return cls(start, end, as_of, district, building_type, specs)

    @property
    def _filters(self) -> dict:
        return {
            "as_of": self.as_of,
            "specs": self.specs,
            "district": self.district,
            "building_type": self.building_type,
        }

    def sums(self, session: Session, sources) -> tally_cells.Sums:
        total = tally_cells.Sums()
        for source in sources:
            total.merge(
                tally_queries.sums(
                    session, start=self.start, end=self.end, source=source, **self._filters
                )
            )
        return total

    def iter_rows(self, session: Session, sources, limit: int | None = None):
        """Every counted row in row order, streamed from each source and merged."""
        streams = [
            tally_rows.iter_rows(
                session,
                start=self.start,
                end=self.end,
                limit=limit,
                source=source,
                **self._filters,
            )
            for source in sources
        ]
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=counted.row_key)
        if limit is None:
            return merged
        try:
            return iter(list(itertools.islice(merged, limit)))
        finally:
            for stream in streams:  # closes their cursors
                stream.close()

    def iter_flat_batches(self, session: Session, sources) -> Iterator[list[tuple]]:
        """`iter_rows` as batches of `counted.FLAT_FIELDS` tuples (a full export's read)."""
        streams = [
            tally_rows.iter_flat_batches(
                session, start=self.start, end=self.end, source=source, **self._filters
            )
            for source in sources
        ]
        return _merge_batches(streams, counted.flat_key)

    def later(self, session: Session, sources) -> list[counted.CountedRow]:
        found = []
        for source in sources:
            found += tally_rows.later(
                session, start=self.start, end=self.end, source=source, **self._filters
            )
        return sorted(found, key=counted.row_key) if len(sources) > 1 else found

    def pilots(self, session: Session, sources) -> dict[str, list[tuple[date, int, str]]]:
        found: dict[str, list[tuple[date, int, str]]] = {}
        for source in sources:
            named = tally_queries.pilots(session, end=self.end, source=source, **self._filters)
            for code, items in named.items():
                found[code] = sorted([*found.get(code, []), *items])[: aggregate.PILOTS_NAMED]
        return found

    def add_timeline(self, session: Session, sources, sums: tally_cells.Sums) -> None:
        """Per-day totals, for the projections, only around the days each target was first
        met (see `tally_cells.timeline_windows`)."""
        at = min(self.end, self.as_of)
        windows = tally_cells.timeline_windows(
            sums, {key: self.specs[key].value for key in rules.AREA_TARGETS}, at
        )
        days: dict[tuple[str, date], list[float]] = {}
        for source in sources:
            found = tally_queries.timeline(
                session, {t: w[:2] for t, w in windows.items()}, source=source, **self._filters
            )
            for key, (started, ended) in found.items():
                slot = days.setdefault(key, [0.0, 0.0])
                slot[0] += started
                slot[1] += ended
        for target, (first, _last, held) in windows.items():
            if held:
                days[(target, date.fromordinal(first.toordinal() - 1))] = [held, 0.0]
        sums.timeline = days

    def evidence(self, session: Session, sources) -> dict:
        return tally_evidence.figures(
            session, sources, start=self.start, end=self.end, **self._filters
        )

    def evidence_rows(self, session: Session, sources, target: str) -> list:
        return tally_evidence.backed_rows(
            session, sources, target, start=self.start, end=self.end, **self._filters
        )

    def iter_new_building_batches(self, session: Session) -> Iterator[list[tuple]]:
        return tally_queries.iter_new_building_batches(
            session, district=self.district, building_type=self.building_type
        )

    def iter_new_buildings(self, session: Session):
        return tally_queries.iter_new_buildings(
            session, district=self.district, building_type=self.building_type
        )

    def assemble(
        self,
        session: Session,
        sums: tally_cells.Sums,
        *,
        rows: list[counted.CountedRow],
        row_count: int,
        later: list[counted.CountedRow],
        pilots: dict[str, list[tuple[date, int, str]]],
        digest: str,
    ) -> aggregate.Tally:
        return aggregate.assemble(
            self.specs,
            sums,
            start=self.start,
            end=self.end,
            as_of=self.as_of,
            district=self.district,
            building_type=self.building_type,
            prefab_areas=tally_queries.prefab_areas(
                session, district=self.district, building_type=self.building_type
            ),
            pilots=pilots,
            rows=rows,
            row_count=row_count,
            later=later,
            digest_text=digest,
        )


def evidence_list(
    *,
    session: Session,
    year: int,
    target: str,
    district: str | None = None,
    building_type: str | None = None,
    as_of: date | None = None,
) -> tuple[aggregate.Tally, list[evidence_rules.EvidenceRow]]:
    """The year's figures with the evidence, and the target's counted rows behind them."""
    if target not in evidence_rules.EVIDENCE_TARGETS:
        raise ValidationFailed({"target": ("tally.evidence_target_unknown", {"value": target})})
    tally = compute(
        session=session,
        year=year,
        district=district,
        building_type=building_type,
        as_of=as_of,
        rows=0,
        evidence=True,
    )
    period = Period.of(
        session=session,
        year=year,
        district=district,
        building_type=building_type,
        as_of=tally.as_of,
    )
    with sources(session, period.as_of) as tables:
        found = period.evidence_rows(session, tables, target)
    return tally, found


def building_names(*, session: Session, ids: list[int]) -> dict[int, str]:
    """Building id -> name, for a list of counted rows (one query)."""
    if not ids:
        return {}
    found = session.exec(select(Building.id, Building.name).where(Building.id.in_(set(ids))))
    return dict(found.all())


def default_year(*, session: Session) -> int:
    """This year while the pilot runs; once its last deadline has passed, the deadline's year
    (the year officers report on), not an empty year after the pilot."""
    last_deadline = session.exec(select(func.max(Target.deadline))).one()
    today = dates.today()
    return min(today.year, last_deadline.year) if last_deadline else today.year
