"""Tally PDFs as jobs with a cache: never a stale document, remade after a change, on both
databases; and the streamed exports against the tally computed whole."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from registry.domain import dates
from registry.models import TallyDocument
from registry.services.tally import documents, exports
from registry.services.tally import index as tally_index
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service
from tests.conftest import make_config
from tests.services.tally.test_tallies import build_history

YEAR = 2022


@pytest.fixture
def admin(session, make_user):
    return make_user(session, role="admin")


@pytest.fixture
def history(session, admin, make_building):
    build_history(session, admin, make_building, random.Random(7))
    return session


def _request(locale="zh"):
    return documents.Request(date(YEAR, 1, 1), date(YEAR, 12, 31), None, None, locale)


def test_a_document_is_served_only_while_current_and_remade_after_a_change(
    history, tmp_path, database_url, monkeypatch
):
    session = history
    config = make_config(tmp_path, database_url)
    sent: list[int] = []
    # A long tally is the worker's: nothing is made in the request.
    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ROWS", 0)
    row = documents.get_document(
        session=session, config=config, request=_request(), enqueue=sent.append
    )
    assert row.status == "queued" and sent == [row.id]
    assert documents.pending(session=session, request=_request()) is not None
    # Asked again while queued: not sent twice.
    documents.get_document(session=session, config=config, request=_request(), enqueue=sent.append)
    assert sent == [row.id]
    assert documents.make(session=session, config=config, document_id=row.id, worker="t")
    assert not documents.make(session=session, config=config, document_id=row.id, worker="t")
    session.refresh(row)
    assert row.status == "ready" and row.rows_done == row.rows_total > 0
    assert documents.file_path(config, row).read_bytes().startswith(b"%PDF")
    assert documents.pending(session=session, request=_request()) is None
    digest = row.digest

    # A change moves the stamp: the document is no longer current, never served.
    building_id = (
        session.connection().exec_driver_sql("SELECT min(building_id) FROM tally_horizons").scalar()
    )
    tally_index.refresh(session, [building_id])
    session.commit()
    session.refresh(row)
    assert not documents.is_current(row, tally_index.stamp(session), dates.today())

    # The worker's sweep remakes what was asked for; the data did not move, the digest holds.
    def worker(document_id):
        documents.make(session=session, config=config, document_id=document_id, worker="t")

    documents.sweep(session=session, config=config, enqueue=worker)
    session.refresh(row)
    assert row.status == "ready" and row.digest == digest
    assert documents.is_current(row, tally_index.stamp(session), dates.today())

    # Asked for after another change, before the sweep: queued, not the stale file.
    tally_index.refresh(session, [building_id])
    session.commit()
    again = documents.get_document(
        session=session, config=config, request=_request(), enqueue=sent.append
    )
    assert again.status == "queued" and sent == [row.id, row.id]


def test_a_small_tally_is_made_in_the_request(history, tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    row = documents.get_document(
        session=history, config=config, request=_request("en"), enqueue=None
    )
    assert row.status == "ready" and documents.file_path(config, row).is_file()
    assert history.get(TallyDocument, row.id).locale == "en"


def test_streamed_exports_hold_what_the_whole_tally_holds(history, engine):
    session = history
    whole = tally_service.compute(session=session, year=YEAR)
    context = tally_presented.context(whole, generated_at=datetime.now(UTC))
    kwargs = {"engine": engine, "year": YEAR, "district": None, "building_type": None}

    data = b"".join(exports.stream(**kwargs, locale="zh", fmt="csv", table="records"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    headers, want = tally_tables.tables(context)["records"]
    assert rows[0] == headers and len(rows) == 1 + whole.row_count
    assert [r[5] for r in rows[1:]] == [str(r[5]) for r in want]  # record ids, in row order

    body = json.loads(b"".join(exports.stream(**kwargs, locale="zh", fmt="json")))
    assert body["digest"] == whole.digest and body["row_count"] == whole.row_count
    assert body["rows"] == json.loads(json.dumps(context["rows"]))
    assert body["targets"] == json.loads(json.dumps(context["targets"]))

    book = load_workbook(io.BytesIO(b"".join(exports.stream(**kwargs, locale="zh", fmt="xlsx"))))
    # Sheets named in the reader's language; the about sheet too.
    assert book.sheetnames[0] == "说明" and "计入记录" in book.sheetnames
    assert len(book.sheetnames) == 1 + len(tally_tables.TABLE_NAMES)
    assert book["说明"]["A6"].value == "计入记录的 SHA-256"
    assert book["说明"]["B6"].value == whole.digest
    assert book["计入记录"].max_row == 1 + whole.row_count
    # Numbers are numbers, rounded to the stated decimals; yes/no in words, never a boolean.
    cells = [
        c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
    ]
    assert not any(isinstance(c, bool) for c in cells)
    assert all(c == round(c, tally_tables.TABLE_DECIMALS) for c in cells if isinstance(c, float))


def test_one_document_per_language_however_it_is_named(session):
    """The dashboard names Chinese "zh_Hans_CN", the CLI and API "zh": one cached document,
    and it is the one the sweep keeps warm for the dashboard's default view."""
    from babel import Locale

    assert _request("zh").key == _request("zh_Hans_CN").key == _request(Locale("zh")).key
    assert _request("en").key != _request("zh").key
    assert documents.default_request(session).locale == "zh_Hans_CN"
