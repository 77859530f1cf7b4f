"""A year's tally with every counted row, streamed: CSV, XLSX and the API's JSON.

The rows come from the index's server-side cursor and leave as they are read, so the first
byte goes out at once and memory stays flat however many rows a year counts. The digest is
fed row by row (`period.Digest`); it is written after the rows (the JSON's last key, the
XLSX's `about` sheet written last), and the summary figures, which need no row, follow them.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from datetime import date

from sqlmodel import Session

from registry.documents.streaming import SharedStrings, csv_batches, csv_stream, xlsx_stream
from registry.domain import dates
from registry.domain.tally import rows as counted
from registry.domain.text import NC_
from registry.i18n import Locale, pgettext
from registry.services.tally import export_rows
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service
from registry.services.tally.targets import target_name

# Batches read ahead of the one being written: the database (PostgreSQL's server, SQLite's
# steps, both outside the GIL) finds the next rows while this process writes the current ones.
AHEAD = 2


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


_DONE = object()


def _read_ahead(batches: Iterator[list], depth: int = AHEAD) -> Iterator[list]:
    """`batches` as they are, read by a thread of their own at most `depth` batches ahead
    (memory stays flat). The thread alone uses the session while the batches last: the
    caller asks nothing of it until this generator ends, which waits for the thread (and
    closes `batches` there, their cursor with them) however it ends."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the reader, raised there
            put(_Failed(error))
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=read, name="tally-export-rows", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not _DONE:
            if type(item) is _Failed:
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


class _Run:
    """One export: its session, its period, and the digest its rows feed."""

    def __init__(self, session: Session, period: tally_service.Period, sources, locale: Locale):
        self.session = session
        self.period = period
        self.sources = sources
        self.locale = locale
        self.digest = counted.Digest()
        self.names = export_rows.Names(
            {key: target_name(spec, locale) for key, spec in period.specs.items()},
            locale,
        )

    def batches(self, *, digested: bool = True) -> Iterator[list[tuple]]:
        """Every counted row, in row order, as batches of `counted.FLAT_FIELDS` tuples;
        `digested=False` for a document that does not print the digest (the records CSV)."""
        # The reading thread feeds the digest too (in row order): its hashing, like the
        # database's work, runs beside the writing of the rows.
        if not digested:
            yield from _read_ahead(self.period.iter_flat_batches(self.session, self.sources))
            return
        yield from _read_ahead(self._digested())

    def _digested(self) -> Iterator[list[tuple]]:
        add = self.digest.add_flat_rows
        for batch in self.period.iter_flat_batches(self.session, self.sources):
            add(batch)
            yield batch

    def finish_digest(self) -> str:
        for batch in self.period.iter_new_building_batches(self.session):
            self.digest.add_new_building_rows(batch)
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
        return tally_presented.context(
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
        run = _Run(session, period, None, locale)
        if fmt == "csv":
            chunks = _csv(run, table, public_base_url)
        elif fmt == "json":
            chunks = _json(run, public_base_url)
        elif fmt == "xlsx":
            chunks = _xlsx(run, public_base_url)
        else:
            raise ValueError(fmt)
        # Each format's first chunk needs no row: it leaves before the episode tables are
        # ready (a recount at an earlier data date takes a while).
        yield next(chunks)
        with tally_service.sources(session, period.as_of) as sources:
            run.sources = sources
            yield from chunks


def _csv(run: _Run, table: str, public_base_url: str | None) -> Iterator[bytes]:
    if table == "records":
        headers, _ = tally_tables.tables(_empty_context(run))["records"]
        words = export_rows.CsvWords(run.names)
        # One table, no digest (the JSON and the workbook carry it): none is computed.
        batches = run.batches(digested=False)
        yield from csv_batches(
            headers, (export_rows.csv_rows(b, run.names, words) for b in batches)
        )
        return
    headers, _ = tally_tables.tables(_empty_context(run))[table]

    def rows():
        yield from tally_tables.tables(run.context("", public_base_url))[table][1]

    yield from csv_stream(headers, rows())


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
    comma = ""
    words = export_rows.JsonWords(run.names)
    for batch in run.batches():
        rows = export_rows.json_rows(batch, words)
        if rows:  # the comma on the first row, not on the batch's text (a copy of it)
            rows[0] = comma + rows[0]
            comma = ","
        yield ",".join(rows).encode()
    yield b"]"
    digest = run.finish_digest()
    context = run.context(digest, public_base_url)
    del context["rows"]
    for key in sorted(context):
        if key != "digest":
            yield f", {encode(key)}: {encode(context[key])}".encode()
    yield f', "digest": {encode(digest)}}}'.encode()


# Each sheet's name and the about sheet's lines, in the reader's language.
SHEET_NAMES = {
    "about": NC_("tally sheet", "About"),
    "summary": NC_("tally sheet", "Summary"),
    "by_year": NC_("tally sheet", "By year"),
    "by_district": NC_("tally sheet", "By district"),
    "by_building_type": NC_("tally sheet", "By building type"),
    "prefab": NC_("tally sheet", "Prefabrication"),
    "nzeb": NC_("tally sheet", "Near-zero pilots"),
    "records": NC_("tally sheet", "Records"),
    "later_revocations": NC_("tally sheet", "Later revocations"),
}
ABOUT = {
    "period": NC_("tally sheet", "Period"),
    "as_of": NC_("tally sheet", "Data as of"),
    "generated_at": NC_("tally sheet", "Generated at"),
    "district": NC_("tally sheet", "District"),
    "building_type": NC_("tally sheet", "Building type"),
    "digest": NC_("tally sheet", "SHA-256 of the counted rows"),
}


def _xlsx(run: _Run, public_base_url: str | None) -> Iterator[bytes]:
    """Every table a sheet; the records sheet written first (streamed), then the figures and
    the `about` sheet with the digest over those rows."""
    state: dict = {}

    def figures() -> dict:
        if "context" not in state:
            state["context"] = run.context(run.finish_digest(), public_base_url)
        return state["context"]

    heads = tally_tables.tables(_empty_context(run))
    names = list(tally_tables.TABLE_NAMES)

    def table_rows(name: str):
        return lambda: tally_tables.tables(figures())[name][1]

    def about():
        context = figures()
        return [
            (sheet_word(ABOUT["period"]), f"{context['start']} – {context['end']}"),
            (sheet_word(ABOUT["as_of"]), context["as_of"]),
            (sheet_word(ABOUT["generated_at"]), context["generated_at"]),
            (sheet_word(ABOUT["district"]), context.get("district_name") or ""),
            (sheet_word(ABOUT["building_type"]), context.get("building_type_name") or ""),
            (sheet_word(ABOUT["digest"]), context["digest"]),
        ]

    def sheet_word(english: str) -> str:
        return pgettext("tally sheet", english, run.locale)

    sheets = [(sheet_word(SHEET_NAMES["about"]), None, about)]
    shared = SharedStrings()
    cells = export_rows.Cells(run.names, shared)
    for name in names:
        if name == "records":
            rows = lambda: (export_rows.xlsx_rows(b, cells) for b in run.batches())  # noqa: E731
        else:
            rows = table_rows(name)
        sheets.append((sheet_word(SHEET_NAMES[name]), heads[name][0], rows))
    records = 1 + names.index("records")
    order = [records, *(n for n in range(1, len(sheets)) if n != records), 0]
    yield from xlsx_stream(sheets, order, shared)
