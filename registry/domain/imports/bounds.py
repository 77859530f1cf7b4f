"""How big an uploaded sheet may be, checked before it is parsed (issue 24: zip bombs).

An XLSX is a zip of XML. A 1.5 MB file can hold a 1.5 GB cell, a few MB of shared strings
can unpack to gigabytes, and 13 MB can hold 20 million rows; parsing any of them took a
web worker to gigabytes of memory for minutes. So before a file is parsed, its zip
directory is read: the declared unpacked sizes (each member and all together) and the
packing ratio of each large member must stay under the limits below. Then every XML
member is unpacked once as a stream, without keeping it, to check that it is no bigger
than declared (`zipfile` stops at the declared size and then fails the CRC; either way a
lying header is refused), to count each sheet's rows and to see whether any of its cells
is an error (#N/A: the reader then is openpyxl, see `files`). Only then is the sheet parsed,
by calamine, a sheet at a time, held in memory while it is read: a city's 100,000-row
sheet takes about 60 MB and 2 s (openpyxl's streaming reader held its memory flat and
took 31 s), and the worst these limits let through, a 199 MB sheet of 7.6 million
one-digit cells, 550 MB for 9 s (both measured on this project's 2-core machine). The
row, column and cell limits are applied to every row. A CSV is held to the same row and
cell limits, its lines counted before parsing.

The limits are this registry's own, not a standard's: far above any district office's
sheet (a year's labels are thousands of rows; the benchmark imports 100,000 in seconds)
and far below what hurts a 2-core server. Excel itself allows 32,767 characters a cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_rows: int = 200_000  # data rows of one sheet (the header rows come on top)
    max_columns: int = 1_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_unpacked_bytes: int = 300 * MIB  # all members of an XLSX together, unpacked
    max_member_bytes: int = 200 * MIB  # one member (a sheet, the shared strings)
    max_ratio: int = 100  # unpacked / packed, for a member over `ratio_from_bytes`
    ratio_from_bytes: int = 4 * MIB
    max_members: int = 2_000


LIMITS = Limits()
HEADER_ALLOWANCE = 40  # title and header rows above the data, and blank rows below
_CHUNK = MIB


class SheetTooBig(ValueError):
    """A sheet over a limit; `code` and `params` say which (import.* messages)."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f}"


def check_xlsx(data: bytes, filename: str, limits: Limits = LIMITS) -> bool:
    """Refuse an XLSX whose zip declares or unpacks to more than the limits allow; else
    whether a sheet holds a cell of type error (t="e": #N/A, #DIV/0!), seen in the same
    pass (text that merely reads t="e" answers yes too)."""
    import io  # noqa: PLC0415

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetTooBig("import.file_unreadable", {"filename": filename}) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise SheetTooBig("import.xlsx_too_many_parts", {"found": len(members)})
        total = sum(member.file_size for member in members)
        if total > limits.max_unpacked_bytes:
            raise SheetTooBig(
                "import.xlsx_unpacked_too_big",
                {"size_mb": _mib(total), "max_mb": _mib(limits.max_unpacked_bytes)},
            )
        for member in members:
            _check_declared(member, limits)
        error_cells = False
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                error_cells = _check_unpacked(archive, member, limits) or error_cells
    return error_cells


def _check_declared(member: zipfile.ZipInfo, limits: Limits) -> None:
    if member.file_size > limits.max_member_bytes:
        raise SheetTooBig(
            "import.xlsx_unpacked_too_big",
            {"size_mb": _mib(member.file_size), "max_mb": _mib(limits.max_member_bytes)},
        )
    packed = max(member.compress_size, 1)
    if member.file_size > limits.ratio_from_bytes and member.file_size > limits.max_ratio * packed:
        raise SheetTooBig(
            "import.xlsx_packed_too_tightly",
            {"ratio": f"{member.file_size / packed:,.0f}", "max": limits.max_ratio},
        )


# A cell's type attribute saying "error" (t="e"), as any XML writer may quote and space it.
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")


def _check_unpacked(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> bool:
    """Unpack one member as a stream: no larger than declared; a sheet's rows counted;
    whether it is a sheet with an error cell."""
    is_sheet = member.filename.startswith("xl/worksheets/")
    max_rows = limits.max_rows + HEADER_ALLOWANCE
    unpacked = rows = 0
    error_cells = False
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                unpacked += len(chunk)
                if unpacked > member.file_size:
                    raise SheetTooBig("import.xlsx_size_lies", {"part": member.filename})
                if is_sheet:
                    # "<row" or t="e" split across two chunks is seen in the joined edge;
                    # a "<row" wholly in the edge was counted with the chunk before.
                    joined = tail + chunk
                    rows += joined.count(b"<row") - tail.count(b"<row")
                    # The quoted e first: a plain search, far quicker than the pattern.
                    error_cells = error_cells or (
                        (b'"e"' in joined or b"'e'" in joined)
                        and _ERROR_CELL.search(joined) is not None
                    )
                    tail = chunk[-16:]
                    if rows > max_rows:
                        raise SheetTooBig(
                            "import.too_many_rows", {"found": f"{rows:,}+", "max": limits.max_rows}
                        )
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError):
        # The CRC fails when a member unpacks to more than its header declares.
        raise SheetTooBig("import.xlsx_size_lies", {"part": member.filename}) from None
    if unpacked < member.file_size:
        raise SheetTooBig("import.xlsx_size_lies", {"part": member.filename})
    return error_cells


def check_csv_lines(data: bytes, limits: Limits = LIMITS) -> None:
    """Refuse a CSV with far more lines than rows allowed, before it is parsed."""
    lines = data.count(b"\n")
    if lines > limits.max_rows + HEADER_ALLOWANCE:
        raise SheetTooBig("import.too_many_rows", {"found": f"{lines:,}", "max": limits.max_rows})


def check_row(row, number: int, limits: Limits = LIMITS, *, all_text: bool = False) -> None:
    """Refuse a row wider than allowed or holding an over-long cell. `all_text`: every
    cell is a str (a CSV row), so the longest is found at C speed."""
    if len(row) > limits.max_columns:
        raise SheetTooBig("import.too_many_columns", {"found": len(row), "max": limits.max_columns})
    if all_text and max(map(len, row), default=0) <= limits.max_cell_chars:
        return
    for cell in row:
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise SheetTooBig(
                "import.cell_too_long",
                {"row": number, "found": f"{len(cell):,}", "max": f"{limits.max_cell_chars:,}"},
            )


def count_rows(data: bytes) -> int:
    """About how many rows the sheet has (lines of a CSV, rows of the largest XLSX sheet),
    for the progress bar; 0 when unknown. Call after `check_xlsx` has passed the file."""
    import io  # noqa: PLC0415

    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            counts = [0]
            for member in archive.infolist():
                if member.filename.startswith("xl/worksheets/"):
                    rows, tail = 0, b""
                    with archive.open(member) as stream:
                        while chunk := stream.read(_CHUNK):
                            rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                            tail = chunk[-4:]
                    counts.append(rows)
            return max(counts)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0
