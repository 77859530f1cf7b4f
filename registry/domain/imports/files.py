"""Read an uploaded CSV or XLSX into its header and a stream of rows, without pandas' memory.

Real sheets open with title rows (2023年青岛市绿色建筑标识项目汇总表) and often two header
rows under merged parents; the header is the row among the first `HEADER_SEARCH_ROWS`
naming the most fields, joined with the row below when that names more. CSV is read as
UTF-8 (with or without BOM) or else GB18030, the superset of the GBK that Excel for
Chinese Windows writes. XLSX is read with openpyxl's read-only mode, row by row.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from registry.domain.imports.headers import IGNORE, combine_header_rows, map_all_headers

HEADER_SEARCH_ROWS = 20
# Far more than any registry sheet has; a wider row is refused before its headers are
# matched, which would otherwise take tens of seconds for a million columns.
MAX_COLUMNS = 1000


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


def read_table(data: bytes, filename: str, saved_mapping: dict | None = None) -> Table:
    """The sheet of an uploaded file as a `Table`; `ImportFileError` when unreadable."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        sheets = _xlsx_sheets(data, filename)
    elif name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        sheets = [("", _csv_rows(data))]
    else:
        raise ImportFileError("import.file_type_unknown", {"filename": filename})
    for sheet_name, raw_rows in sheets:
        table = _table(raw_rows, saved_mapping, sheet_name)
        if table is not None:
            return table
    raise ImportFileError("import.no_header", {"rows": HEADER_SEARCH_ROWS})


def raw_sheets(data: bytes, filename: str) -> list[tuple[str, Iterator]]:
    """[(sheet name, rows of cells)] of a CSV or XLSX, for importers with their own headers
    (the meter import); `ImportFileError` when the file is neither."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _xlsx_sheets(data, filename)
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return [("", _csv_rows(data))]
    raise ImportFileError("import.file_type_unknown", {"filename": filename})


def _xlsx_sheets(data: bytes, filename: str):
    import openpyxl  # noqa: PLC0415  (only imports of Excel files need it)

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError("import.file_unreadable", {"filename": filename}) from error
    return [(sheet.title, sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


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


def _table(raw_rows, saved_mapping, sheet_name) -> Table | None:
    rows = iter(raw_rows)
    head = [list(row) for row in itertools.islice(rows, HEADER_SEARCH_ROWS + 1)]
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
