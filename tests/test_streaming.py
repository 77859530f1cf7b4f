"""The streamed workbook's shared strings (`streaming.SharedStrings`): a text written once and
named by its cells reads back as the same text, whatever it holds."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from registry.documents.streaming import RenderedRows, SharedStrings, cell, xlsx_stream

TEXTS = ["市南区", "a & b <c>", " leading", "trailing ", "二星级", "2025-03-01"]


def _book(shared: SharedStrings, rows: list[str]) -> bytes:
    sheet = ("表", ["名称", "区", "日期"], lambda: [RenderedRows("".join(rows))])
    return b"".join(xlsx_stream([sheet], shared=shared))


def test_shared_cells_read_back_as_the_texts_inline_cells_give():
    shared = SharedStrings()
    rows = [
        f"<row>{cell('楼' + str(n))}{shared.cell(text)}{shared.cell(TEXTS[0])}</row>"
        for n, text in enumerate(TEXTS)
    ]
    data = _book(shared, rows)
    got = list(load_workbook(io.BytesIO(data))["表"].iter_rows(values_only=True))
    assert got[1:] == [("楼" + str(n), text, TEXTS[0]) for n, text in enumerate(TEXTS)]
    # Each text is written once, however many cells name it.
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        table = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        types = book.read("[Content_Types].xml").decode()
        rels = book.read("xl/_rels/workbook.xml.rels").decode()
    assert table.count("市南区") == 1 and "市南区" not in sheet
    assert 'uniqueCount="6"' in table and "a &amp; b &lt;c&gt;" in table
    assert "sharedStrings.xml" in types and "sharedStrings.xml" in rels


def test_an_empty_text_is_an_empty_cell_not_a_shared_string():
    shared = SharedStrings()
    assert shared.cell("") == cell("") == "<c/>"
    assert 'uniqueCount="0"' in shared.xml()


def test_a_workbook_without_shared_strings_lists_none():
    data = b"".join(xlsx_stream([("表", ["名称"], lambda: [["楼"]])]))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "xl/sharedStrings.xml" not in book.namelist()
        assert "sharedStrings" not in book.read("[Content_Types].xml").decode()
    assert list(load_workbook(io.BytesIO(data))["表"].iter_rows(values_only=True))[1] == ("楼",)
