"""The tally: the index's sums and rows, assembled by the domain, shaped for readers.

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
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from registry import vocabulary
from registry.domain import dates
from registry.domain.buildings.districts import DISTRICTS, UnknownDistrict, normalise_district
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.tally import cells as tally_cells
from registry.domain.tally import evidence as evidence_rules
from registry.domain.tally import period as aggregate
from registry.domain.tally import rows as counted
from registry.domain.tally import targets as rules
from registry.domain.text import NC_
from registry.errors import ValidationFailed
from registry.i18n import Locale, lang_code, locale_of, pgettext
from registry.models import Building, Target
from registry.services.tally import counted_rows as tally_rows
from registry.services.tally import evidence as tally_evidence
from registry.services.tally import index as tally_index
from registry.services.tally import queries as tally_queries
from registry.services.tally.targets import target_name, target_specs


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


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_dict(tally: aggregate.Tally) -> dict:
    """The whole tally as JSON-ready plain values (numbers unrounded, dates ISO)."""
    return _plain(asdict(tally))


def _record_row(row: counted.CountedRow, names: dict[str, str], locale: Locale) -> dict:
    return {
        "target": row.target,
        "target_name": names[row.target],
        "building_id": row.building_id,
        "building_name": row.building_name,
        "district_code": row.district_code,
        "district_name": vocabulary.district(row.district_code, locale),
        "building_type": vocabulary.building_type(row.building_type, locale),
        "record_id": row.record_id,
        "kind": vocabulary.record_kind(row.kind, locale),
        "level": vocabulary.record_level(row.kind, row.level, locale),
        "label_number": row.label_number or "",
        "counted_on": row.counted_on.isoformat(),
        "area_m2": row.area_m2,
        "removed_on": row.removed_on.isoformat() if row.removed_on else "",
        "in_period": row.in_period,
    }


def context(
    tally: aggregate.Tally,
    *,
    generated_at: datetime,
    locale: object = "zh_Hans_CN",
    public_base_url: str | None = None,
) -> dict:
    """Plain values with names, for the dashboard, the PDF and the spreadsheet tables.

    With `public_base_url`, the PDF carries a QR code of the public label-verification page.
    """
    locale = locale_of(locale)
    names = {t.key: target_name(t, locale) for t in tally.targets}
    area_keys = list(rules.AREA_TARGETS)
    targets = []
    for t in tally.targets:
        item = {**_plain(asdict(t)), "name": names[t.key]}
        if t.key in tally.evidence:
            item["evidence"] = evidence_context(tally.evidence[t.key], locale)
        targets.append(item)
    return {
        "locale": lang_code(locale),
        "year": tally.start.year
        if (tally.start.month, tally.start.day, tally.end.month, tally.end.day) == (1, 1, 12, 31)
        else None,
        "start": tally.start.isoformat(),
        "end": tally.end.isoformat(),
        "as_of": tally.as_of.isoformat(),
        # A time people read: Beijing time, the zone named beside it.
        "generated_at": dates.shown(generated_at),
        "time_zone": vocabulary.time_zone(locale),
        "district": tally.district,
        "district_name": vocabulary.district(tally.district, locale),
        "building_type": tally.building_type,
        "building_type_name": vocabulary.building_type(tally.building_type, locale),
        "area_targets": [{"key": k, "name": names[k]} for k in area_keys],
        "targets": targets,
        "by_year": [
            {"year": y, "cells": [tally.by_year[y][k] for k in area_keys]}
            for y in sorted(tally.by_year)
        ],
        "by_district": [
            {
                "code": d.code,
                "name": vocabulary.district(d.code, locale),
                "cells": [tally.by_district[d.code][k] for k in area_keys],
            }
            for d in DISTRICTS
        ],
        "by_building_type": [
            {
                "code": code,
                "name": vocabulary.building_type(code, locale),
                "cells": [tally.by_building_type[code][k] for k in area_keys],
            }
            for code in BUILDING_TYPES
        ],
        "prefab": [_plain(asdict(p)) for p in tally.prefab],
        "nzeb": [
            {
                "code": d.code,
                "name": vocabulary.district(d.code, locale),
                "pilots": [{"id": i, "name": n} for i, n in d.pilots],
                "met": d.met,
                "pilot_count": d.pilot_count,
            }
            for d in tally.nzeb
        ],
        "rows": [_record_row(r, names, locale) for r in tally.rows],
        "row_count": tally.row_count,
        "later_revocations": [_record_row(r, names, locale) for r in tally.later_revocations],
        "digest": tally.digest,
        "verify_url": f"{public_base_url.rstrip('/')}/verify" if public_base_url else None,
    }


def evidence_context(figures: evidence_rules.Evidence, locale: Locale) -> dict:
    """A target's backed share as plain values with its rule and the thresholds' status in
    the reader's language."""
    pct = "" if figures.required_pct is None else f"{figures.required_pct:g}"
    status = (
        NC_("evidence thresholds", "thresholds verified")
        if figures.thresholds_verified
        else NC_("evidence thresholds", "thresholds NOT yet verified by an administrator")
    )
    return {
        "target": figures.target,
        "added_backed_m2": figures.added_backed_m2,
        "added_pct": figures.added_pct,
        "cumulative_backed_m2": figures.cumulative_backed_m2,
        "cumulative_pct": figures.cumulative_pct,
        "backed_buildings": figures.backed_buildings,
        "thresholds_verified": figures.thresholds_verified,
        "rule": pgettext("evidence rule", evidence_rules.RULES[figures.target], locale).format(
            pct=pct
        ),
        "status": pgettext("evidence thresholds", status, locale),
    }


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


# Decimals a table states its numbers to (areas in m², shares in %): a spreadsheet cell holds
# the rounded number, never a float's binary tail (23449.999999999996).
TABLE_DECIMALS = 2


UNIT_NAMES = {"districts": NC_("tally unit", "districts")}
YES_NO = {True: NC_("yes or no", "yes"), False: NC_("yes or no", "no")}


def unit_name(unit: str | None, locale) -> str:
    """A target's unit as printed: m², %, or the word for a count of districts."""
    if unit in UNIT_NAMES:
        return pgettext("tally unit", UNIT_NAMES[unit], locale)
    return {"m2": "m²", "percent": "%"}.get(unit or "", unit or "")


def _cell(value, locale):
    """One table cell as the reader gets it: yes/no in words, numbers rounded."""
    if isinstance(value, bool):
        return pgettext("yes or no", YES_NO[value], locale)
    if isinstance(value, float):
        return round(value, TABLE_DECIMALS)
    return value


def tables(ctx: dict) -> dict[str, tuple[list[str], list[list]]]:
    """The context as named tables (headers, rows) for CSV and XLSX, cells in words and
    numbers rounded to `TABLE_DECIMALS`."""
    named = _tables(ctx)
    locale = locale_of(ctx["locale"])
    return {
        name: (heads, [[_cell(v, locale) for v in row] for row in rows])
        for name, (heads, rows) in named.items()
    }


def _tables(ctx: dict) -> dict[str, tuple[list[str], list[list]]]:
    locale = locale_of(ctx["locale"])
    area_names = [t["name"] for t in ctx["area_targets"]]

    def h(header: str, context: str = "tally table") -> str:
        return pgettext(context, header, locale)

    summary = [
        [
            t["name"],
            unit_name(t["unit"], locale),
            t["value"],
            t["added"],
            t["removed"],
            t["period"],
            t["cumulative"],
            t["percent"],
            (t["projection"] or {}).get("path_value"),
            (t["projection"] or {}).get("projected_at_deadline"),
            (t["projection"] or {}).get("met"),
            (t["projection"] or {}).get("met_on"),
        ]
        for t in ctx["targets"]
    ]
    by_year = [
        [y["year"], *[c[k] for c in y["cells"] for k in ("added", "removed", "cumulative")]]
        for y in ctx["by_year"]
    ]
    year_heads = [
        h(pattern).format(target=n)
        for n in area_names
        for pattern in (
            NC_("tally table", "{target} added"),
            NC_("tally table", "{target} removed"),
            NC_("tally table", "{target} cumulative"),
        )
    ]

    def grouped(items):
        return [
            [g["name"], *[c[k] for c in g["cells"] for k in ("period", "cumulative")]]
            for g in items
        ]

    group_heads = [
        h(pattern).format(target=n)
        for n in area_names
        for pattern in (
            NC_("tally table", "{target} period"),
            NC_("tally table", "{target} cumulative"),
        )
    ]
    record_heads = [
        h(NC_("tally table", "target")),
        h(NC_("tally table", "building id")),
        h(NC_("tally table", "building")),
        h(NC_("tally table", "district")),
        h(NC_("tally table", "building type")),
        h(NC_("tally table", "record id")),
        h(NC_("tally table", "kind")),
        h(NC_("tally table", "level")),
        h(NC_("tally table", "label number")),
        h(NC_("tally table", "counted on")),
        h(NC_("tally table", "area (m²)")),
        h(NC_("tally table", "revoked on")),
    ]

    def record_rows(items):
        return [
            [
                r["target_name"],
                r["building_id"],
                r["building_name"],
                r["district_name"],
                r["building_type"],
                r["record_id"],
                r["kind"],
                r["level"],
                r["label_number"],
                r["counted_on"],
                r["area_m2"],
                r["removed_on"],
            ]
            for r in items
        ]

    return {
        "summary": (
            [
                h(NC_("tally table", "target")),
                h(NC_("tally table", "unit")),
                h(NC_("tally table", "target value")),
                h(NC_("tally table", "added")),
                h(NC_("tally table", "removed")),
                h(NC_("tally table", "period")),
                h(NC_("tally table", "cumulative")),
                h(NC_("tally table", "percent")),
                h(NC_("tally table", "straight-line path")),
                h(NC_("tally table", "projected at deadline")),
                h(NC_("tally table", "met")),
                h(NC_("tally table", "met on")),
            ],
            summary,
        ),
        "by_year": ([h(NC_("tally table", "year")), *year_heads], by_year),
        "by_district": (
            [h(NC_("tally table", "district")), *group_heads],
            grouped(ctx["by_district"]),
        ),
        "by_building_type": (
            [h(NC_("tally table", "building type")), *group_heads],
            grouped(ctx["by_building_type"]),
        ),
        "prefab": (
            [
                h(NC_("tally table", "year")),
                h(NC_("tally table", "new area (m²)")),
                h(NC_("tally table", "prefabricated (m²)")),
                h(NC_("tally table", "share (%)")),
                h(NC_("tally table, goal reached", "met"), "tally table, goal reached"),
            ],
            [
                [p["year"], p["new_area_m2"], p["prefab_area_m2"], p["share_pct"], p["met"]]
                for p in ctx["prefab"]
            ],
        ),
        "nzeb": (
            [
                h(NC_("tally table, pilots", "district"), "tally table, pilots"),
                h(NC_("tally table", "pilots")),
                h(NC_("tally table, goal reached", "met"), "tally table, goal reached"),
            ],
            [[d["name"], "; ".join(p["name"] for p in d["pilots"]), d["met"]] for d in ctx["nzeb"]],
        ),
        "records": (record_heads, record_rows(ctx["rows"])),
        "later_revocations": (record_heads, record_rows(ctx["later_revocations"])),
    }


TABLE_NAMES = (
    "summary",
    "by_year",
    "by_district",
    "by_building_type",
    "prefab",
    "nzeb",
    "records",
    "later_revocations",
)


def default_year(*, session: Session) -> int:
    """This year while the pilot runs; once its last deadline has passed, the deadline's year
    (the year officers report on), not an empty year after the pilot."""
    last_deadline = session.exec(select(func.max(Target.deadline))).one()
    today = dates.today()
    return min(today.year, last_deadline.year) if last_deadline else today.year
