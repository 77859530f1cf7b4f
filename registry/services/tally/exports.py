"""A year's tally with every counted row, streamed: CSV, XLSX and the API's JSON.

The rows come from the index's server-side cursor and leave as they are read, so the first
byte goes out at once and memory stays flat however many rows a year counts. The digest is
fed row by row (`period.Digest`); it is written after the rows (the JSON's last key, the
XLSX's `about` sheet written last), and the summary figures, which need no row, follow them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from sqlmodel import Session

from registry.domain import dates
from registry.domain.buildings.districts import district_name
from registry.domain.buildings.records import KIND_NAMES, level_name
from registry.domain.buildings.types import type_name
from registry.domain.imports.normalise import formula_safe
from registry.domain.tally import period as aggregate
from registry.services.tally import tallies as tally_service
from registry.streaming import csv_stream, xlsx_stream

ROW_TABLES = ("records",)


class _Names:
    """Display names of a row's codes, looked up once per code."""

    def __init__(self, targets: dict[str, str], locale: str):
        self.targets = targets
        self.locale = locale
        self._cache: dict = {}

    def __call__(self, kind: str, code, extra=None) -> str:
        key = (kind, code, extra)
        found = self._cache.get(key)
        if found is None:
            en = self.locale == "en"
            if kind == "district":
                found = district_name(code, self.locale)
            elif kind == "type":
                found = type_name(code, self.locale)
            elif kind == "kind":
                zh, english = KIND_NAMES.get(code, (code, code))
                found = english if en else zh
            else:
                found = level_name(extra, code, self.locale)
            self._cache[key] = found
        return found


def _record_cells(row: aggregate.CountedRow, names: _Names) -> list:
    """A row as `tallies.tables`' records table has it; the free text kept from being read
    as a formula (the names are the registry's own)."""
    return [
        names.targets[row.target],
        row.building_id,
        formula_safe(row.building_name),
        names("district", row.district_code),
        names("type", row.building_type),
        row.record_id,
        names("kind", row.kind),
        names("level", row.level, row.kind),
        formula_safe(row.label_number) if row.label_number else "",
        row.counted_on.isoformat(),
        row.area_m2,
        row.removed_on.isoformat() if row.removed_on else "",
    ]


def _json_row(row: aggregate.CountedRow, names: _Names) -> dict:
    """A row as `tallies.context` puts it in the JSON."""
    return {
        "target": row.target,
        "target_name": names.targets[row.target],
        "building_id": row.building_id,
        "building_name": row.building_name,
        "district_code": row.district_code,
        "district_name": names("district", row.district_code),
        "building_type": names("type", row.building_type),
        "record_id": row.record_id,
        "kind": names("kind", row.kind),
        "level": names("level", row.level, row.kind),
        "label_number": row.label_number or "",
        "counted_on": row.counted_on.isoformat(),
        "area_m2": row.area_m2,
        "removed_on": row.removed_on.isoformat() if row.removed_on else "",
        "in_period": row.in_period,
    }


class _Run:
    """One export: its session, its period, and the digest its rows feed."""

    def __init__(self, session: Session, period: tally_service.Period, sources, locale: str):
        self.session = session
        self.period = period
        self.sources = sources
        self.locale = locale
        self.digest = aggregate.Digest()
        self.names = _Names(
            {
                key: (spec.name_en if locale == "en" else spec.name_zh)
                for key, spec in period.specs.items()
            },
            locale,
        )

    def rows(self) -> Iterator[aggregate.CountedRow]:
        add = self.digest.add_row
        for row in self.period.iter_rows(self.session, self.sources):
            add(row)
            yield row

    def finish_digest(self) -> str:
        for building in self.period.iter_new_buildings(self.session):
            self.digest.add_new_building(building)
        return self.digest.hexdigest()

    def context(self, digest: str, public_base_url: str | None) -> dict:
        """Every figure, with no row (those were streamed)."""
        period, session = self.period, self.session
        sums = period.sums(session, self.sources)
        later = period.later(session, self.sources)
        pilots = period.pilots(session, self.sources)
        period.add_timeline(session, self.sources, sums)
        row_count = sum(group.rows for group in sums.groups().values())
        tally = period.assemble(
            session,
            sums,
            rows=[],
            row_count=row_count,
            later=later,
            pilots=pilots,
            digest=digest,
        )
        return tally_service.context(
            tally, generated_at=dates.now_utc(), locale=self.locale, public_base_url=public_base_url
        )


def stream(
    *,
    engine,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    district: str | None,
    building_type: str | None,
    locale: str,
    fmt: str,
    table: str = "summary",
    as_of: date | None = None,
    public_base_url: str | None = None,
) -> Iterator[bytes]:
    """The tally as `fmt` (csv: one table; xlsx: every table; json: the API's answer), in
    chunks. Its own session, open while the caller reads (a response outlives the request's
    session)."""
    with Session(engine) as session:
        period = tally_service.Period.of(
            session=session,
            year=year,
            start=start,
            end=end,
            district=district,
            building_type=building_type,
            as_of=as_of,
        )
        with tally_service.sources(session, period.as_of) as sources:
            run = _Run(session, period, sources, locale)
            if fmt == "csv":
                yield from _csv(run, table, public_base_url)
            elif fmt == "json":
                yield from _json(run, public_base_url)
            elif fmt == "xlsx":
                yield from _xlsx(run, public_base_url)
            else:
                raise ValueError(fmt)


def _csv(run: _Run, table: str, public_base_url: str | None) -> Iterator[bytes]:
    if table == "records":
        headers, _ = tally_service.tables(_empty_context(run))["records"]
        rows = (_record_cells(r, run.names) for r in run.rows())
        yield from csv_stream(headers, rows, made_safe=True)
        return
    headers, rows = tally_service.tables(run.context("", public_base_url))[table]
    yield from csv_stream(headers, rows)


def _empty_context(run: _Run) -> dict:
    return (
        {"locale": run.locale, "area_targets": [], "targets": [], "by_year": []}
        | {key: [] for key in ("by_district", "by_building_type", "prefab", "nzeb", "rows")}
        | {"later_revocations": []}
    )


def _json(run: _Run, public_base_url: str | None) -> Iterator[bytes]:
    """The API's JSON: every row first, as they are read, then the figures, the digest last."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield b'{"rows": ['
    buffer: list[str] = []
    for n, row in enumerate(run.rows()):
        buffer.append(("," if n else "") + encode(_json_row(row, run.names)))
        if len(buffer) >= 2_000:
            yield "".join(buffer).encode()
            buffer.clear()
    yield ("".join(buffer) + "]").encode()
    digest = run.finish_digest()
    context = run.context(digest, public_base_url)
    del context["rows"]
    for key in sorted(context):
        if key != "digest":
            yield f", {encode(key)}: {encode(context[key])}".encode()
    yield f', "digest": {encode(digest)}}}'.encode()


def _xlsx(run: _Run, public_base_url: str | None) -> Iterator[bytes]:
    """Every table a sheet; the records sheet written first (streamed), then the figures and
    the `about` sheet with the digest over those rows."""
    state: dict = {}

    def figures() -> dict:
        if "context" not in state:
            state["context"] = run.context(run.finish_digest(), public_base_url)
        return state["context"]

    heads = tally_service.tables(_empty_context(run))
    names = list(tally_service.TABLE_NAMES)

    def table_rows(name: str):
        return lambda: tally_service.tables(figures())[name][1]

    def about():
        context = figures()
        return [
            ("period", f"{context['start']} – {context['end']}"),
            ("data as of", context["as_of"]),
            ("generated at", context["generated_at"]),
            ("district", context.get("district") or ""),
            ("building type", context.get("building_type") or ""),
            ("sha256", context["digest"]),
        ]

    sheets = [("about", None, about)]
    for name in names:
        if name == "records":
            rows = lambda: (_record_cells(r, run.names) for r in run.rows())  # noqa: E731
        else:
            rows = table_rows(name)
        sheets.append((name, heads[name][0], rows))
    records = 1 + names.index("records")
    order = [records, *(n for n in range(1, len(sheets)) if n != records), 0]
    yield from xlsx_stream(sheets, order)
