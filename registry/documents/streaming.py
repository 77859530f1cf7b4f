"""Spreadsheets written as they are read: CSV and XLSX as a stream of bytes, in constant memory.

openpyxl (even write-only) and XlsxWriter assemble the whole workbook before its first byte;
a city's tally is hundreds of thousands of rows. An XLSX file is a zip of XML parts, and
`zipfile` writes a zip to a stream that cannot seek (each member followed by its sizes), so
each sheet here is compressed row by row as the rows arrive. Cells are inline strings and
numbers; the header row is bold; the first row is frozen. A caller that writes the same
few words on every row (a million rows' district and record kind) may have them written
once, in the workbook's shared strings (`SharedStrings`), each cell then naming its index.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import escape

from registry.domain.imports.normalise import formula_safe

CHUNK_BYTES = 256 * 1024


class _Pipe(io.RawIOBase):
    """A write-only file whose bytes are collected for the generator to hand out."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        return out


def csv_batches(headers: Sequence[str], batches: Iterable[list[Sequence] | str]) -> Iterator[bytes]:
    """`csv_stream` of rows a batch at a time, every text cell already kept from being read
    as a formula: a chunk a batch. A batch is its rows, or its CSV lines written already."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    yield b"\xef\xbb\xbf" + out.getvalue().encode()
    for batch in batches:
        if isinstance(batch, str):
            yield batch.encode()
            continue
        out.seek(0)
        out.truncate()
        writer.writerows(batch)
        yield out.getvalue().encode()


def csv_stream(
    headers: Sequence[str], rows: Iterable[Sequence], *, made_safe: bool = False
) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel reads the Chinese right), in chunks. Every text
    cell is kept from being read as a formula, unless the caller did that (`made_safe`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    yield b"\xef\xbb\xbf" + out.getvalue().encode()
    out.seek(0)
    out.truncate()
    n = 0
    write = writer.writerow
    for row in rows:
        write(row if made_safe else ["" if v is None else formula_safe(v) for v in row])
        n += 1
        if n % 2_000 == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def _column_name(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


class SharedStrings:
    """The workbook's shared strings (`xl/sharedStrings.xml`): texts written once, a cell
    naming each by its index (`cell`). For the few words a long sheet repeats on every row:
    the records sheet's district, building type, record kind, level and dates took a third
    of its XML written inline (issue 23: 320 MB of a million-row tally's sheet). What a
    reader sees is the same text cell either way."""

    def __init__(self):
        self._index: dict[str, int] = {}

    def cell(self, text: str) -> str:
        """`text` as a cell naming its shared string; an empty text as an empty cell, as
        `cell` writes it."""
        if text == "":
            return "<c/>"
        number = self._index.setdefault(text, len(self._index))
        return f'<c t="s"><v>{number}</v></c>'

    def xml(self) -> str:
        escaped = (escape(text) for text in self._index)
        items = "".join(f"<si><t{_preserved(text)}>{text}</t></si>" for text in escaped)
        count = len(self._index)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{count}" uniqueCount="{count}">{items}</sst>'
        )


def _preserved(text: str) -> str:
    """The attribute a text with a space at either end needs to keep it."""
    return ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""


class RenderedRows(str):
    """Rows a sheet's caller wrote as `<row>` XML itself (with `cell`), many at a time: a
    million rows through the generic per-value path took seconds."""


def cell(value) -> str:
    """A value as a sheet's `<c>` element: text inline, a float with two decimals."""
    return _cell(value)


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, float):  # thousands separated, two decimals (style 2)
        return f'<c s="2"><v>{value!r}</v></c>'
    if isinstance(value, int):  # ids and years: as they are
        return f"<c><v>{value!r}</v></c>"
    text = escape(str(value))
    return f'<c t="inlineStr"><is><t{_preserved(text)}>{text}</t></is></c>'


def _display_width(text: str) -> int:
    """Columns a header takes: a CJK character is about two Latin ones wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _columns(headers: Sequence[str] | None) -> str:
    """Column widths from the headers (the rows are not known yet: they stream); a sheet
    without headers (the about sheet) gets a narrow label and a wide value column."""
    widths = (
        [min(60, max(10, _display_width(str(h)) + 2)) for h in headers]
        if headers is not None
        else [28, 72]
    )
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>"


def _sheet_rows(headers: Sequence[str] | None, rows: Iterable[Sequence]) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"{_columns(headers)}<sheetData>"
    )
    if headers is not None:
        head = "".join(
            f'<c t="inlineStr" s="1"><is><t>{escape(str(h))}</t></is></c>' for h in headers
        )
        yield f"<row>{head}</row>"
    cell = _cell
    for row in rows:
        if type(row) is RenderedRows:
            yield row
        else:
            yield "<row>" + "".join([cell(v) for v in row]) + "</row>"
    yield "</sheetData></worksheet>"


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}{shared}</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
    "<left/><right/><top/><bottom/><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(names: Sequence[str], shared: bool) -> tuple[str, str]:
    sheets = "".join(
        f'<sheet name="{escape(name[:31])}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, 1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(names) + 1)
    )
    rels += (
        f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    )
    if shared:
        rels += (
            f'<Relationship Id="rId{len(names) + 2}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
    rels_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>"
    )
    return workbook, rels_xml


Sheet = tuple[str, Sequence[str] | None, Callable[[], Iterable[Sequence]]]


def xlsx_stream(
    sheets: Sequence[Sheet],
    order: Sequence[int] | None = None,
    shared: SharedStrings | None = None,
) -> Iterator[bytes]:
    """An XLSX of `sheets` (name, headers or None, a function giving the rows), streamed.

    The rows of each sheet are asked for only when it is written; `order` is the order the
    sheets are written in (a sheet whose rows depend on another's, such as a digest over
    them, comes after it), while the workbook lists them as given. `shared`: the strings
    the rows' cells name (`SharedStrings.cell`), written after every sheet.
    """
    pipe = _Pipe()
    names = [name for name, _h, _r in sheets]
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        types = "".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))
        workbook, rels = _workbook(names, shared is not None)
        content_types = _CONTENT_TYPES.format(
            sheets=types, shared=_SHARED_TYPE if shared is not None else ""
        )
        for name, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/styles.xml", _STYLES),
        ):
            book.writestr(name, text)
        yield pipe.take()
        for index in order if order is not None else range(len(sheets)):
            _name, headers, rows = sheets[index]
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{index + 1}.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # fast: the network is the limit (3.11's private name)
            with (
                book.open(info, "w", force_zip64=True) as member,
                ThreadPoolExecutor(1, thread_name_prefix="xlsx-deflate") as deflater,
            ):
                # A chunk is compressed by the deflater's thread (zlib and crc32 let go of
                # the GIL) while the next is written; one chunk at a time, and the pipe
                # emptied only while none is, so the bytes stay in order and memory flat.
                pending = None
                buffer: list[str] = []
                size = 0
                for piece in _sheet_rows(headers, rows()):
                    buffer.append(piece)
                    size += len(piece)
                    if size >= CHUNK_BYTES:
                        # A batch of rendered rows fills a chunk on its own: encoded as
                        # it is, not copied by a join first (a million rows' 200 MB).
                        data = (buffer[0] if len(buffer) == 1 else "".join(buffer)).encode()
                        buffer, size = [], 0
                        if pending is not None:
                            pending.result()
                            if pipe.size:
                                yield pipe.take()
                        pending = deflater.submit(member.write, data)
                if pending is not None:
                    pending.result()
                member.write("".join(buffer).encode())
            yield pipe.take()
        if shared is not None:  # known only once every sheet is written
            book.writestr("xl/sharedStrings.xml", shared.xml())
    yield pipe.take()
