"""The full-row exports over a few thousand rows, on both databases: the rows are read in
batches from the driver's cursor and written by each format's own row writer, and must hold
what the tally computed whole holds, cell for cell as the generic sheet writer has them."""

from __future__ import annotations

import csv
import io
import json
import random
import threading
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select, update

from bench.bench_tally import BUILDING_COLUMNS, RECORD_COLUMNS, YEAR, generate
from registry import vocabulary
from registry.documents.streaming import SharedStrings, xlsx_stream
from registry.domain.imports.normalise import formula_safe
from registry.models import Building, Record
from registry.services.tally import exports
from registry.services.tally import index as tally_index
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service

RECORDS = 4_000
RECORDS_SHEET = "计入记录"
# A data date with revocations after it: those buildings are recounted as of it, a second
# source merged into the index's rows.
AS_OF = date(YEAR + 1, 6, 30)


@pytest.fixture
def city(engine):
    """Generated buildings and records, a few names that need care, and the tally index."""
    buildings, records = generate(RECORDS)
    with engine.begin() as conn:
        conn.execute(
            insert(Building.__table__),
            [dict(zip(BUILDING_COLUMNS, b, strict=True)) for b in buildings],
        )
        conn.execute(
            insert(Record.__table__), [dict(zip(RECORD_COLUMNS, r, strict=True)) for r in records]
        )
        tally_index.rebuild(conn)
        # A name read as a formula, one with a tab and a backslash (escaped in the digest),
        # one with a comma, a quote and markup (quoted in the CSV, escaped in the XML): on
        # buildings counted in the year. Written around the services, so the index, which
        # keeps a copy of each name, is rebuilt after them.
        E = tally_index.EPISODES.c
        counted = conn.execute(
            select(E.building_id)
            .where(E.start_on >= date(YEAR, 1, 1), E.start_on <= date(YEAR, 12, 31))
            .order_by(E.building_id)
            .limit(3)
        ).scalars()
        for building_id, name in zip(
            counted, ("=1+1 测试楼", "测试\t楼\\二号", '测试楼 "三号", <b>&amp;</b>'), strict=True
        ):
            conn.execute(update(Building).where(Building.id == building_id).values(name=name))
        tally_index.rebuild(conn)
    return engine


def _stream(engine, fmt: str, **kwargs) -> bytes:
    return b"".join(
        exports.stream(
            engine=engine,
            year=YEAR,
            district=None,
            building_type=None,
            locale="zh",
            fmt=fmt,
            as_of=AS_OF,
            **kwargs,
        )
    )


def _old_sheet(headers, rows) -> list[tuple]:
    """The records sheet as the generic writer (a value at a time) writes it, read back."""
    data = b"".join(xlsx_stream([(RECORDS_SHEET, headers, lambda: rows)]))
    return list(load_workbook(io.BytesIO(data))[RECORDS_SHEET].iter_rows(values_only=True))


def test_a_streamed_xlsx_holds_the_cells_the_generic_writer_gives(city, session):
    whole = tally_service.compute(session=session, year=YEAR, as_of=AS_OF)
    context = tally_presented.context(whole, generated_at=datetime.now(UTC), locale="zh")
    headers, rows = tally_tables.tables(context)["records"]
    safe_rows = [[formula_safe(v) for v in row] for row in rows]
    assert whole.row_count > 1_000 and tally_index.has_later_than(session, AS_OF)

    book = load_workbook(io.BytesIO(_stream(city, "xlsx")))
    got = list(book[RECORDS_SHEET].iter_rows(values_only=True))
    assert got == _old_sheet(headers, safe_rows)
    assert got[0] == tuple(headers)
    # Numbers are numbers; codes are words in the reader's language.
    districts = {vocabulary.district(code, "zh") for code in {r.district_code for r in whole.rows}}
    codes = {r.district_code for r in whole.rows} | {r.kind for r in whole.rows}
    for row in got[1:]:
        assert isinstance(row[1], int) and isinstance(row[5], int)
        assert isinstance(row[10], float | int)
        assert row[3] in districts and not codes & set(row)
    names = {row[2] for row in got}
    assert "'=1+1 测试楼" in names and '测试楼 "三号", <b>&amp;</b>' in names
    assert book["说明"]["B6"].value == whole.digest


def test_the_records_sheet_writes_its_words_and_dates_once(city, session):
    """The words (district, type, kind, level, target) and dates a million rows repeat are
    shared strings, each written once; the free text (names, labels) stays in its cells."""
    with zipfile.ZipFile(io.BytesIO(_stream(city, "xlsx"))) as book:
        sheet = book.read("xl/worksheets/sheet8.xml").decode()
        table = book.read("xl/sharedStrings.xml").decode()
    district = vocabulary.district("370202", "zh")
    # Not a cell of its own in the sheet (building names start with their district's).
    assert f"<t>{district}</t>" not in sheet and table.count(f"<t>{district}</t>") == 1
    assert f"<t>{YEAR}-" not in sheet and f"<t>{YEAR}-" in table
    assert sheet.count('t="s"') > 1_000 and "测试项目" in sheet


def test_streamed_csv_and_json_hold_every_row_and_the_digest(city, session):
    whole = tally_service.compute(session=session, year=YEAR, as_of=AS_OF)
    context = tally_presented.context(whole, generated_at=datetime.now(UTC), locale="zh")
    headers, rows = tally_tables.tables(context)["records"]

    text = _stream(city, "csv", table="records").decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(text)))
    want = [[str(formula_safe(v)) if v is not None else "" for v in row] for row in rows]
    assert got == [headers, *want]

    body = json.loads(_stream(city, "json"))
    assert body["digest"] == whole.digest and body["row_count"] == whole.row_count
    assert body["rows"] == json.loads(json.dumps(context["rows"]))


@pytest.mark.parametrize("seed", range(20))
def test_sorted_batch_streams_merge_into_one_sorted_stream(seed):
    """The recount's rows merge into the index's a batch at a time: every row once, in key
    order, whatever the batch sizes and however the streams interleave."""
    rng = random.Random(seed)
    streams, every = [], []
    for _ in range(rng.randint(1, 3)):
        rows = sorted(rng.sample(range(1_000), rng.randint(0, 200)))
        every += rows
        size = rng.randint(1, 40)
        streams.append([[(n,) for n in rows[i : i + size]] for i in range(0, len(rows), size)])
    merged = list(tally_service._merge_batches([iter(s) for s in streams], key=lambda r: r[0]))
    assert all(merged)  # no empty batch handed on
    assert [r[0] for batch in merged for r in batch] == sorted(every)


def test_rows_read_ahead_arrive_in_order_and_a_failure_reaches_the_reader():
    source = ([n, n + 1] for n in range(0, 40, 2))
    assert list(exports._read_ahead(source)) == [[n, n + 1] for n in range(0, 40, 2)]

    def failing():
        yield [1]
        raise RuntimeError("the cursor broke")

    reader = exports._read_ahead(failing())
    assert next(reader) == [1]
    with pytest.raises(RuntimeError, match="the cursor broke"):
        next(reader)


def test_a_reader_that_stops_early_ends_the_thread_and_closes_the_rows():
    closed = []

    def endless():
        try:
            n = 0
            while True:
                yield [n]
                n += 1
        finally:
            closed.append(threading.current_thread().name)

    reader = exports._read_ahead(endless())
    assert next(reader) == [0] and next(reader) == [1]
    reader.close()  # a client that went away
    assert closed == ["tally-export-rows"]
    assert not [t for t in threading.enumerate() if t.name == "tally-export-rows"]


def test_the_sheet_writes_label_less_rows_on_its_fast_path_as_the_checked_path_does():
    """A retrofit has no label number: a batch holding one is written by the one-template
    path, and must be the same XML the checked path writes (an empty cell, not an empty
    inline string)."""
    from registry.services.tally import export_rows

    cells = export_rows.Cells(export_rows.Names({"star": "星级绿色建筑"}, "zh"), SharedStrings())
    batch = [
        ("star", 7, "测试楼一号", "shinan", "public", 11, "green", "2", "QD-0001",
         "2025-03-01", 1234.5, "", 1),
        ("star", 8, "测试楼二号", "shinan", "public", 12, "retrofit", "", "",
         "2025-03-02", 900.0, "2025-11-30", 0),
    ]  # fmt: skip
    fast = export_rows.xlsx_rows(batch, cells)
    assert fast == export_rows._xlsx_rows_checked(batch, cells)
    # Empty cells: the first row's removal date, the second's level and its label.
    assert fast.count("<c/>") == 3 and "<t></t>" not in fast
