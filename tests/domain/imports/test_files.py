"""An uploaded XLSX reads as openpyxl read it (issue 23: calamine reads it now, 20× faster).

The importers downstream were written against openpyxl's cells: None for an empty cell, an
int for a whole number, a datetime for a date. The same workbooks, written by openpyxl,
are read both ways here and must give the same rows.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest

from registry.domain.imports import files
from registry.domain.imports.rows import row_reader

CELLS = [
    [
        "序号",
        "项目名称",
        "建筑面积（万㎡）",
        "发证日期",
        "竣工时间",
        "是否装配式",
        "信用代码",
        "备注",
    ],
    [1, "海尔大厦", 2.35, datetime(2021, 9, 1), datetime(2021, 9, 1, 8, 30), True, None, ""],
    [2, "胶南某酒店", "1.1", date(2020, 12, 8), time(9, 15), False, 913702000000000000, "见附件"],
    [3, None, 0, 44500, -7, "否", "91370200MA3C00001N", None],
    [4, "  全角　空格  ", 1e15, 123456789012345, 12.0, None, 2021001, "=不是公式"],
    [None] * 8,
    ["合计", None, 3.45, None, None, None, None, None],
]


def _workbook(
    sheets: dict[str, list[list]], *, start: str = "A1", hidden: str = "", chart: bool = False
) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if name == hidden:
            sheet.sheet_state = "hidden"
        column = openpyxl.utils.column_index_from_string(start[0])
        for r, row in enumerate(rows, start=int(start[1:])):
            for c, value in enumerate(row, start=column):
                if value is not None:
                    sheet.cell(r, c).value = value
                    if isinstance(value, str) and value.startswith("="):
                        sheet.cell(r, c).data_type = "s"  # text, as a user typed it
    if chart:
        book.create_chartsheet("图表")  # not a worksheet: no rows to read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _by_openpyxl(data: bytes) -> list[tuple[str, list[list]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [
        (sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
        for sheet in book.worksheets
    ]


def _trimmed(rows: list[list]) -> list[list]:
    """Rows without the empty cells at their ends: the two readers pad rows differently
    (openpyxl from column A to the widest row, calamine over the cells in use)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def test_an_xlsx_reads_cell_for_cell_as_openpyxl_read_it():
    data = _workbook({"汇总": CELLS, "隐藏": CELLS[:3]}, hidden="隐藏")
    ours = [(name, _trimmed(list(rows))) for name, rows in files.raw_sheets(data, "a.xlsx")]
    theirs = [(name, _trimmed(rows)) for name, rows in _by_openpyxl(data)]
    assert [name for name, _ in ours] == ["汇总", "隐藏"]
    assert ours == theirs
    # 5000 == 5000.0 in Python: the types are compared on their own.
    assert [[type(v) for v in row] for _, rows in ours for row in rows] == [
        [type(v) for v in row] for _, rows in theirs for row in rows
    ]
    cells = ours[0][1]
    assert [type(v) for v in cells[1][:4]] == [int, str, float, datetime]
    assert cells[2][6] == 913702000000000000.0 and isinstance(cells[2][6], float)
    assert cells[4][3] == 123456789012345 and isinstance(cells[4][3], int)


def test_a_sheet_that_starts_below_and_right_keeps_its_row_numbers():
    data = _workbook({"表": [["标题"], [], *CELLS]}, start="C3")
    ((name, rows),) = files.raw_sheets(data, "b.xlsx")
    rows = list(rows)
    theirs = _by_openpyxl(data)[0][1]
    # Row n of the sheet is row n of both: the first two rows are empty, the title on row 3.
    assert len(rows) == len(_trimmed(theirs))
    assert [[v for v in row if v is not None] for row in rows] == [
        [v for v in row if v is not None] for row in _trimmed(theirs)
    ]
    assert rows[2][0] == "标题" and not any(rows[0]) and not any(rows[1])


def test_a_chart_sheet_is_passed_over():
    # openpyxl's reader itself failed on this workbook (AttributeError in read_chartsheet).
    data = _workbook({"汇总": CELLS}, chart=True)
    sheets = files.raw_sheets(data, "chart.xlsx")
    assert [name for name, _ in sheets] == ["汇总"]
    assert _trimmed(list(sheets[0][1])) == _trimmed(_by_openpyxl(_workbook({"汇总": CELLS}))[0][1])


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip at all", b"PK\x03\x04" + b"\x00" * 64])
def test_a_broken_xlsx_is_refused_with_a_reason(data):
    with pytest.raises(files.ImportFileError) as raised:
        sheets = files.raw_sheets(data, "broken.xlsx")
        for _name, rows in sheets:
            list(rows)
    assert raised.value.code == "import.file_unreadable"


def test_an_error_cell_reads_as_its_error_not_as_an_empty_cell():
    # calamine reads #N/A as "" (python-calamine issue 105); a blank counted area would be
    # counted as the whole floor area. Such a workbook is read as openpyxl reads it.
    rows = [
        ["项目名称", "所在区（市）", "建筑类型", "建筑面积（㎡）", "星级", "评价阶段"],
        ["楼1", "市南区", "办公", 5000, "二星级", "评价"],
    ]
    rows[0] += ["标识编号", "发证日期", "计入面积"]
    rows[1] += ["QD-1", datetime(2023, 5, 1), "#N/A"]  # openpyxl writes it as an error cell
    data = _workbook({"汇总": rows})
    assert b't="e"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    ((_, read),) = files.raw_sheets(data, "e.xlsx")
    assert _trimmed(list(read)) == _trimmed(_by_openpyxl(data)[0][1])
    table = files.read_table(data, "e.xlsx")
    ((number, raw),) = list(table.rows)
    result = row_reader(table.mapping, today=date(2024, 6, 1))(raw, number)
    assert result.outcome == "invalid"
    assert [(p.field, p.code) for p in result.problems] == [("counted_area_m2", "area.unreadable")]
