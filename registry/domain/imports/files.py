"""Read an uploaded CSV or XLSX into its header and a stream of rows, without pandas' memory.

Real sheets open with title rows (2023年青岛市绿色建筑标识项目汇总表) and often two header
rows under merged parents; the header is the row among the first `HEADER_SEARCH_ROWS`
naming the most fields, joined with the row below when that names more. CSV is read as
UTF-8 (with or without BOM) or else GB18030, the superset of the GBK that Excel for
Chinese Windows writes. XLSX is read by calamine, a sheet at a time, once
`bounds.check_xlsx` has found its zip within the size limits, its cells given as openpyxl
gives them; rows, columns and cells are held to `bounds.LIMITS` as they are read (an
`ImportFileError` from the row iterator).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from registry.domain.imports import bounds
from registry.domain.imports.headers import IGNORE, combine_header_rows, map_all_headers

HEADER_SEARCH_ROWS = 20
# Far more than any registry sheet has; a wider row is refused before its headers are
# matched, which would otherwise take tens of seconds for a million columns.
MAX_COLUMNS = bounds.LIMITS.max_columns


class ImportFileError(ValueError):
    """A file that cannot be read as a table; `code` and `params` name the reason.

    The codes' messages (import.file_type_unknown, import.file_unreadable,
    import.no_header) are in `registry.services.imports.preview.MESSAGES`.
    """

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})


@dataclass
class Table:
    """A sheet: its headers (after merging header rows), where they were, and its rows.

    `rows` yields (sheet row number from 1, {header: cell}) once, lazily; only the
    columns with a recognised or saved field are kept in each row's dict.
    """

    headers: list[str]
    header_rows: tuple[int, ...]
    mapping: dict[str, str]
    extra: dict[str, str]
    unknown: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]] = field(repr=False)
    sheet: str = ""
    # (sheet name, its first rows) of each sheet the header search read, up to this one:
    # all the search looked at, so the same file with other column choices can be
    # searched again without reading it (`shape_of`).
    heads: tuple = field(default=(), repr=False)

    @property
    def shape(self) -> tuple:
        """What the column choices decided: the sheet, its header rows, its headers and
        each one's field. Two reads of one file with the same shape give the same rows."""
        return (
            self.sheet,
            self.header_rows,
            tuple(self.headers),
            tuple(sorted(self.mapping.items())),
            tuple(sorted(self.extra.items())),
        )


def read_table(data: bytes, filename: str, saved_mapping: dict | None = None) -> Table:
    """The sheet of an uploaded file as a `Table`; `ImportFileError` when unreadable or
    over a limit (also raised by `Table.rows` when a later row is)."""
    heads = []
    for sheet_name, rows in raw_sheets(data, filename):
        rows = iter(rows)
        head = [list(row) for row in itertools.islice(rows, HEADER_SEARCH_ROWS + 1)]
        heads.append((sheet_name, tuple(tuple(row) for row in head)))
        try:
            table = _table(head, rows, saved_mapping, sheet_name)
        except bounds.SheetTooBig as error:
            raise ImportFileError(error.code, error.params) from None
        if table is not None:
            table.heads = tuple(heads)
            return table
    raise ImportFileError("import.no_header", {"rows": HEADER_SEARCH_ROWS})


def shape_of(heads: tuple, saved_mapping: dict | None) -> tuple | None:
    """The `Table.shape` the header search gives with these column choices in the sheets'
    first rows (`Table.heads`, of the same file), or None when it would need a sheet they
    do not hold or one is over a limit."""
    for sheet_name, head in heads:
        try:
            table = _table([list(row) for row in head], iter(()), saved_mapping, sheet_name)
        except bounds.SheetTooBig:
            return None
        if table is not None:
            return table.shape
    return None


def _kind(data: bytes, filename: str) -> str:
    """The kind, "xlsx" or "csv", by the name or an XLSX's zip signature; else `ImportFileError`."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return "xlsx"
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return "csv"
    raise ImportFileError("import.file_type_unknown", {"filename": filename})


def _check_size(data: bytes, filename: str, kind: str) -> bool:
    """The limits read before parsing: an XLSX's zip directory, a CSV's line count; whether
    an XLSX sheet holds an error cell (`bounds.check_xlsx`)."""
    try:
        if kind == "xlsx":
            return bounds.check_xlsx(data, filename)
        bounds.check_csv_lines(data)
        return False
    except bounds.SheetTooBig as error:
        raise ImportFileError(error.code, error.params) from None


def screen(data: bytes, filename: str) -> None:
    """What can be refused without parsing (the type, the zip's declared sizes, a CSV's line
    count and first line's width), so a file queued for the worker is not one that would be
    refused at once; `ImportFileError` with the reason."""
    kind = _kind(data, filename)
    _check_size(data, filename, kind)
    if kind == "csv":
        end = data.find(b"\n")
        first = data[: end if end >= 0 else len(data)]
        widest = max(first.count(b","), first.count(b"\t")) + 1
        if widest > bounds.LIMITS.max_columns:
            raise ImportFileError(
                "import.too_many_columns", {"found": widest, "max": bounds.LIMITS.max_columns}
            )


def raw_sheets(data: bytes, filename: str) -> list[tuple[str, Iterator]]:
    """(sheet name, rows of cells) of an uploaded CSV or Excel file, held to the limits as
    every importer's file is (buildings, parcels, meter data); `ImportFileError` when the
    type is unknown, the file unreadable or over a limit (also from the row iterators)."""
    kind = _kind(data, filename)
    error_cells = _check_size(data, filename, kind)
    if kind == "xlsx":
        sheets = _xlsx_sheets(data, filename, error_cells=error_cells)
    else:
        sheets = [("", _csv_rows(data))]
    # CSV rows hold only text (their sheet has no name).
    return [(sheet, _bounded(rows, filename, not sheet)) for sheet, rows in sheets]


def _bounded(raw_rows, filename: str, all_text: bool = False) -> Iterator:
    """The rows, each checked against the limits; any limit or parse error as an
    `ImportFileError` (a CSV's field over csv's own limit, a broken XML part)."""
    last = bounds.LIMITS.max_rows + bounds.HEADER_ALLOWANCE
    rows = iter(raw_rows)
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            raise ImportFileError(
                "import.cell_too_long",
                {"row": number + 1, "found": "131,072+", "max": bounds.LIMITS.max_cell_chars},
            ) from None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
            raise ImportFileError("import.file_unreadable", {"filename": filename}) from None
        number += 1
        if number > last:
            raise ImportFileError(
                "import.too_many_rows", {"found": f"{number:,}+", "max": bounds.LIMITS.max_rows}
            )
        try:
            bounds.check_row(row, number, all_text=all_text)
        except bounds.SheetTooBig as error:
            raise ImportFileError(error.code, error.params) from None
        yield row


def _xlsx_sheets(data: bytes, filename: str, *, error_cells: bool):
    """Each worksheet's (name, rows), read by calamine (Rust) as each is iterated: a
    100,000-row sheet in 2 s, where openpyxl's reader took 31 s. A sheet is held in memory
    while it is read, which the zip's limits (`bounds.check_xlsx`, checked first) bound.

    calamine reads an error cell (#N/A, #DIV/0!) as an empty one (python-calamine issue
    105), and a blank counted area is counted as the whole floor area: a workbook holding
    any error cell (`error_cells`, seen by `bounds.check_xlsx`) is read by openpyxl, which
    gives the error's text to be refused."""
    if error_cells:
        return _openpyxl_sheets(data, filename)
    import python_calamine  # noqa: PLC0415  (only imports of Excel files need it)

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [
            sheet.name
            for sheet in book.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    except (python_calamine.CalamineError, OSError, ValueError) as error:
        raise ImportFileError("import.file_unreadable", {"filename": filename}) from error
    return [(name, _xlsx_rows(book, name, filename)) for name in names]


def _openpyxl_sheets(data: bytes, filename: str):
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, AttributeError) as error:
        raise ImportFileError("import.file_unreadable", {"filename": filename}) from error
    return [(sheet.title, sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def _xlsx_rows(book, name: str, filename: str) -> Iterator[list[Any]]:
    import python_calamine  # noqa: PLC0415

    try:
        rows = book.get_sheet_by_name(name).iter_rows()
    except python_calamine.CalamineError as error:
        raise ImportFileError("import.file_unreadable", {"filename": filename}) from error
    for row in rows:
        yield [_xlsx_cell(cell) for cell in row]


_EXACT = 2.0**53  # every whole number up to this is a double exactly


def _xlsx_cell(value: Any) -> Any:
    """A cell as openpyxl gives it, which the readers downstream were written against: an
    empty cell None, a whole number an int (Excel writes 5000, not 5000.0) while a double
    holds it exactly (an 18-digit credit code typed as a number lost its tail and stays
    the float it became), a date a datetime at midnight."""
    kind = value.__class__
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and -_EXACT <= value <= _EXACT else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte string; kept for clarity
        text = data.decode("utf-8", errors="replace")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _score(mapping: dict[str, str], extra: dict[str, str]) -> int:
    return len({f for f in mapping.values() if f != IGNORE}) + len(set(extra.values()))


def _unique(headers: list[str]) -> list[str]:
    """Repeated headers get pandas' '.1' suffix, which `normalise_header` ignores."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        if header and header in seen:
            seen[header] += 1
            result.append(f"{header}.{seen[header]}")
        else:
            seen.setdefault(header, 0)
            result.append(header)
    return result


def _as_header(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _table(head: list[list], rows: Iterator, saved_mapping, sheet_name) -> Table | None:
    """The table whose header is in `head` (a sheet's first rows), its data rows the rest of
    `head` and then `rows`; None when `head` holds no header."""
    widest = max((len(row) for row in head), default=0)
    if widest > MAX_COLUMNS:
        raise ImportFileError("import.too_many_columns", {"found": widest, "max": MAX_COLUMNS})
    best, best_score = None, 1
    for index, row in enumerate(head[:HEADER_SEARCH_ROWS]):
        score = _score(*map_all_headers([_as_header(c) for c in row], saved_mapping)[:2])
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None
    width = max(len(row) for row in head)
    padded = [row + [None] * (width - len(row)) for row in head]
    headers = [_as_header(cell) for cell in padded[best]]
    header_rows: tuple[int, ...] = (best + 1,)
    if best + 1 < len(padded):
        combined = combine_header_rows(headers, [_as_header(c) for c in padded[best + 1]])
        if _score(*map_all_headers(combined, saved_mapping)[:2]) > best_score:
            headers, header_rows = combined, (best + 1, best + 2)
    headers = _unique(headers)
    mapping, extra, unknown = map_all_headers(headers, saved_mapping)
    first_data = header_rows[-1]  # index of the first data row in `head`
    remaining = itertools.chain(head[first_data:], rows)
    keep = [(i, h) for i, h in enumerate(headers) if h in mapping or h in extra]
    return Table(
        headers=headers,
        header_rows=header_rows,
        mapping=mapping,
        extra=extra,
        unknown=unknown,
        rows=_dict_rows(remaining, keep, first_data + 1),
        sheet=sheet_name,
    )


def _dict_rows(rows, keep, first_number: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in enumerate(rows, start=first_number):
        length = len(row)
        yield number, {header: row[i] if i < length else None for i, header in keep}
