"""Hostile sheets are refused at once, in little memory (issue 24 item 4).

The bombs are crafted here, at test time, without ever holding their unpacked content:
a deflate stream of one block repeated (after a full flush the compressor starts afresh,
so each repeat packs to the same bytes) is written into a hand-made zip beside the parts
of a real openpyxl workbook. Each refusal is timed and its peak memory measured in a
child process (its VmHWM), as a web or worker process would meet it.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from registry.domain.imports import bounds
from registry.domain.imports.files import ImportFileError, read_table

GIB = 1024**3
MAX_SECONDS = 2.0
MAX_RSS_MB = 150  # the child's whole peak, Python and openpyxl included
MAX_GROWTH_MB = 40  # its peak's growth while refusing, beyond the uploaded bytes

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _packed(head: bytes, unit: bytes, times: int, tail: bytes, honest_crc: bool = True):
    """(deflated bytes, crc32, unpacked size) of head + unit * times + tail."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # the trick this relies on
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    finish = end.compress(tail) + end.flush()
    crc = zlib.crc32(head)
    if honest_crc:
        for _ in range(times):
            crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc) if honest_crc else 0
    size = len(head) + len(unit) * times + len(tail)
    return start + block * times + finish, crc, size


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, deflated data, crc, unpacked size, declared size) members."""
    out, directory = io.BytesIO(), []
    for name, data, crc, _size, declared in members:
        offset = out.tell()
        encoded = name.encode()
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), declared, len(encoded), 0
        )
        out.write(header + encoded + data)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in directory:
        out.write(entry)
    size = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), size, start, 0)
    )
    return out.getvalue()


def _workbook_with(part: str, packed, declared: int | None = None) -> bytes:
    """A real workbook's parts with `part` replaced by the crafted one."""
    book = openpyxl.Workbook()
    book.active.append(["项目名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    members = []
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            if info.filename == part:
                continue
            raw = source.read(info)
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = compressor.compress(raw) + compressor.flush()
            members.append((info.filename, data, zlib.crc32(raw), len(raw), len(raw)))
    data, crc, size = packed
    members.append((part, data, crc, size, size if declared is None else declared))
    if part == "xl/sharedStrings.xml":
        members = [_with_shared_strings(m) if m[0] == "[Content_Types].xml" else m for m in members]
    return _zip(members)


def _with_shared_strings(member):
    name, _data, _crc, _size, _declared = member
    raw = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        b"</Types>"
    )
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush()
    return (name, data, zlib.crc32(raw), len(raw), len(raw))


CHILD = """
import json, sys, time
from registry.domain.imports.files import ImportFileError, read_table
import openpyxl

def peak_mb():  # VmHWM: this process image's own peak (ru_maxrss carries the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

before = peak_mb()
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    table = read_table(data, sys.argv[2])
    for _ in table.rows:
        pass
    code = None
except ImportFileError as error:
    code = error.code
seconds = time.perf_counter() - started
peak = peak_mb()
print(json.dumps({"code": code, "seconds": seconds, "rss_mb": peak,
                  "growth_mb": peak - before - len(data) / 2**20}))
"""


def _refused(tmp_path: Path, data: bytes, filename: str) -> dict:
    path = tmp_path / filename
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), filename],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["seconds"] < MAX_SECONDS, found
    assert found["rss_mb"] < MAX_RSS_MB, found
    assert found["growth_mb"] < MAX_GROWTH_MB, found
    return found


def _one_cell(size: int) -> tuple[bytes, bytes, int]:
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    return head, b"A" * (1024 * 1024), size // (1024 * 1024)


def test_a_one_and_a_half_gigabyte_cell_is_refused_by_its_declared_size(tmp_path):
    head, unit, times = _one_cell(int(1.5 * GIB))
    packed = _packed(head, unit, times, b"</t></is></c></row>" + SHEET_TAIL, honest_crc=False)
    data = _workbook_with("xl/worksheets/sheet1.xml", packed)
    assert len(data) < 3 * 1024 * 1024  # a small upload
    found = _refused(tmp_path, data, "bomb.xlsx")
    assert found["code"] == "import.xlsx_unpacked_too_big"


def test_a_header_that_understates_the_size_is_caught_while_unpacking(tmp_path):
    head, unit, times = _one_cell(int(1.5 * GIB))
    packed = _packed(head, unit, times, b"</t></is></c></row>" + SHEET_TAIL, honest_crc=False)
    data = _workbook_with("xl/worksheets/sheet1.xml", packed, declared=10_000)
    assert _refused(tmp_path, data, "liar.xlsx")["code"] == "import.xlsx_size_lies"


def test_a_shared_strings_bomb_is_refused(tmp_path):
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">'
    )
    unit = (b"<si><t>" + b"B" * 1000 + b"</t></si>") * 1000
    packed = _packed(head, unit, 3800, b"</sst>", honest_crc=False)  # about 3.8 GB
    data = _workbook_with("xl/sharedStrings.xml", packed)
    assert _refused(tmp_path, data, "strings.xlsx")["code"] == "import.xlsx_unpacked_too_big"


def test_twenty_million_rows_are_refused(tmp_path):
    rows = b"<row><c><v>1</v></c></row>" * 1000
    packed = _packed(SHEET_HEAD, rows, 20_000, SHEET_TAIL, honest_crc=False)
    data = _workbook_with("xl/worksheets/sheet1.xml", packed)
    assert len(data) < 15 * 1024 * 1024
    assert _refused(tmp_path, data, "rows.xlsx")["code"] == "import.xlsx_unpacked_too_big"
    # Empty rows stay under the size caps: their packing ratio gives them away.
    packed = _packed(SHEET_HEAD, b"<row/>" * 1000, 20_000, SHEET_TAIL)
    data = _workbook_with("xl/worksheets/sheet1.xml", packed)
    assert _refused(tmp_path, data, "empty.xlsx")["code"] == "import.xlsx_packed_too_tightly"


def test_an_honestly_packed_sheet_over_the_row_limit_is_refused_before_parsing(tmp_path):
    rows = bounds.LIMITS.max_rows + 1000
    xml = SHEET_HEAD + b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, (n * 7919) % 100_003)
        for n in range(1, rows + 1)
    )
    packed = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = xml + SHEET_TAIL
    data = packed.compress(raw) + packed.flush()
    book = _workbook_with("xl/worksheets/sheet1.xml", (data, zlib.crc32(raw), len(raw)))
    found = _refused(tmp_path, book, "long.xlsx")
    assert found["code"] == "import.too_many_rows"


def test_a_csv_of_twenty_million_lines_is_refused_at_once(tmp_path):
    data = "项目名称\n".encode() + b"1\n" * 20_000_000
    assert _refused(tmp_path, data, "rows.csv")["code"] == "import.too_many_rows"


@pytest.mark.parametrize("length", [40_000, 200_000])
def test_an_over_long_csv_cell_is_refused(length):
    data = "项目名称,建筑面积\n".encode() + b'"' + b"x" * length + b'",1\n'
    with pytest.raises(ImportFileError) as caught:
        for _ in read_table(data, "long.csv").rows:
            pass
    assert caught.value.code == "import.cell_too_long"


def test_an_ordinary_workbook_still_reads():
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "建筑面积"])
    book.active.append(["甲楼", 1000])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "ok.xlsx")
    assert [row for _, row in table.rows] == [{"项目名称": "甲楼", "建筑面积": 1000}]
