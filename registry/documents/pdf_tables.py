"""Long tables in PDF reports, laid out by fpdf2 and merged page-exact with WeasyPrint's pages.

WeasyPrint lays a table out at milliseconds a row, which a year's ten thousand counted
records turn into minutes. Here each row is a fixed-width grid line: cell text is wrapped by
the font's own advance widths, rows are placed top to bottom, the header row repeats on every
page, and fpdf2 writes the page content and embeds a subset of the same Noto Sans CJK face.
The document's footer (data digest, "第 N 页 共 M 页") is drawn here for every page, the
WeasyPrint pages included (as an overlay), so both parts number and look alike.

Measured by `python -m bench tally_pdf`, against WeasyPrint on the same table.
"""

from __future__ import annotations

import functools
import io
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from registry.documents.text_widths import PT_MM, Widths

FAMILY = "Noto Sans CJK SC"
PAD_X, PAD_Y = 1.5, 1.0
BORDER_RGB = (153, 153, 153)
HEAD_RGB = (232, 245, 233)
TEXT_RGB = (34, 34, 34)
NOTE_RGB = (85, 85, 85)
RULE_RGB = (46, 125, 50)
SHADE_RGB = (253, 236, 234)  # a row to notice (the quota list's over-constraint buildings)


@functools.cache
def font_file() -> tuple[str, int]:
    """The installed Noto Sans CJK SC (file, index in its collection), as fontconfig finds
    it for WeasyPrint."""
    found = subprocess.run(
        ["fc-match", "-f", "%{file}\t%{index}", FAMILY],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, index = found.split("\t")
    return path, int(index or 0)


@dataclass(frozen=True)
class Page:
    """A page's size and margins in mm, as the WeasyPrint part's `@page` sets them (the
    footer sits in the bottom margin)."""

    width_mm: float
    height_mm: float
    top_mm: float
    side_mm: float
    bottom_mm: float

    @property
    def content_w(self) -> float:
        return self.width_mm - 2 * self.side_mm


# The page as reports/tally.css sets it: A4, margins 18 / 15 / 22 / 15 mm.
PORTRAIT = Page(210.0, 297.0, 18.0, 15.0, 22.0)
# The quota list (reports/quota_list.html): A4 landscape, margins 14 / 12 / 18 / 12 mm.
LANDSCAPE = Page(297.0, 210.0, 14.0, 12.0, 18.0)


@dataclass(frozen=True)
class Column:
    width_pct: float
    align: str = "L"  # L or R


@dataclass(frozen=True)
class Table:
    """A heading, a note under it, and rows under a repeated header row (or `empty`)."""

    heading: str
    note: str
    columns: Sequence[Column]
    header: Sequence[str]
    rows: Iterable[Sequence[str]]
    row_count: int
    empty: str = ""
    # Numbers (from 0) of the rows drawn on a shaded ground.
    shaded: frozenset[int] = frozenset()
    # Cells broken after a space where a line has one (English words kept whole).
    wrap_words: bool = False


class Appendix:
    """The tables after a WeasyPrint document, and the footer of every page."""

    ROW_PT = 7.5  # table.small
    NOTE_PT = 8.0
    HEADING_PT = 13.0

    def __init__(self, *, locale: str, digest: str, page: Page = PORTRAIT):
        from fpdf import FPDF

        self.locale = locale
        self.digest = digest
        self.page = page
        pdf = FPDF(unit="mm", format=(page.width_mm, page.height_mm))
        pdf.set_auto_page_break(False)
        pdf.set_margins(page.side_mm, page.top_mm, page.side_mm)
        path, index = font_file()
        pdf.add_font(FAMILY, "", path, collection_font_number=index)
        self.pdf = pdf
        self._pages: list[Callable[[], None]] = []  # what each of our pages draws
        self._widths: dict[tuple[str, float], Widths] = {}
        # Encoded text per font size: the codes are this document's subset's, never shared.
        self._encoded_by_font: dict[tuple[str, float], dict[str, str]] = {}

    def widths(self, style: str, size_pt: float) -> Widths:
        key = (style, size_pt)
        if key not in self._widths:
            self.pdf.set_font(FAMILY, style, size_pt)
            self._widths[key] = Widths(self.pdf.current_font.cw, size_pt)
        return self._widths[key]

    # Layout: the tables become a list of pages, each a list of drawing steps; the page
    # count is then known before anything is drawn, for "共 M 页".

    def layout(self, tables: Sequence[Table], progress: Callable[[int, int], None] | None = None):
        total = sum(t.row_count for t in tables)
        done = 0
        page: list = []
        y = self.page.top_mm
        bottom = self.page.height_mm - self.page.bottom_mm
        for n, table in enumerate(tables):
            if n == 0:
                page, y = [], self.page.top_mm
            heading_h = self.HEADING_PT * PT_MM * 1.4 + 4.0
            note_lines = self.widths("", self.NOTE_PT).wrap(table.note, self.page.content_w)
            note_h = len(note_lines) * self.NOTE_PT * PT_MM * 1.45 + 2.0
            head = self._row_lines(table, table.header)
            head_h = self._height(head)
            if y + heading_h + note_h + head_h * 2 > bottom and page:
                self._pages.append(page)
                page, y = [], self.page.top_mm
            y += 8.0 if page else 0.0
            page.append(("heading", y, table.heading))
            y += heading_h
            page.append(("note", y, note_lines))
            y += note_h
            if table.row_count == 0:
                if table.empty:
                    page.append(("note", y, [table.empty]))
                    y += self.ROW_PT * PT_MM * 1.6
                continue
            page.append(("head", y, table, head, head_h))
            y += head_h
            shaded = table.shaded
            for number, cells in enumerate(table.rows):
                lines = self._row_lines(table, cells)
                h = self._height(lines)
                if y + h > bottom:
                    self._pages.append(page)
                    page, y = [], self.page.top_mm
                    page.append(("head", y, table, head, head_h))
                    y += head_h
                if shaded and number in shaded:
                    page.append(("row", y, table, lines, h, True))
                else:
                    page.append(("row", y, table, lines, h))
                y += h
                done += 1
                if progress is not None and done % 500 == 0:
                    progress(done, total)
        if page:
            self._pages.append(page)
        if progress is not None:
            progress(done, total)

    def _row_lines(self, table: Table, cells: Sequence[str]) -> list[list[str]]:
        widths = self.widths("", self.ROW_PT)
        words = table.wrap_words
        return [
            widths.wrap(text, self.page.content_w * col.width_pct / 100 - 2 * PAD_X, words)
            if text
            else []
            for col, text in zip(table.columns, cells, strict=True)
        ]

    def _height(self, lines: list[list[str]]) -> float:
        most = max((len(cell) for cell in lines), default=1) or 1
        return most * self.ROW_PT * PT_MM * 1.3 + 2 * PAD_Y

    @property
    def page_count(self) -> int:
        return len(self._pages)

    # Drawing: fpdf2 owns the document, the font and its subset; each row is one batch of
    # PDF operators (text objects and rules), which is what makes a row cost microseconds.

    def draw(self, *, first_page: int, pages_in_all: int, footer_pages: int) -> bytes:
        """Our PDF: `footer_pages` pages holding only the footer (overlays for the pages
        before ours), then the appendix pages, numbered from `first_page`."""
        pdf = self.pdf
        for n in range(footer_pages):
            pdf.add_page()
            self._footer(n + 1, pages_in_all)
        for n, steps in enumerate(self._pages):
            pdf.add_page()
            self._use_font(self.ROW_PT)
            for step in steps:
                getattr(self, "_draw_" + step[0])(*step[1:])
            self._column_rules(steps)
            self._footer(first_page + n, pages_in_all)
        return bytes(pdf.output())

    def _column_rules(self, steps) -> None:
        """The vertical rules of each table block on a page, one line per column edge."""
        blocks: list[list] = []  # [table, top, bottom]
        for step in steps:
            if step[0] == "head":
                blocks.append([step[2], step[1], step[1] + step[4]])
            elif step[0] == "row":
                blocks[-1][2] = step[1] + step[4]
        ops = [f"{_rgb(BORDER_RGB)} RG 0.50 w"]
        for table, top, bottom in blocks:
            x = self.page.side_mm
            ops.append(self._line(x, top, x, bottom))
            for col in table.columns:
                x += self.page.content_w * col.width_pct / 100
                ops.append(self._line(x, top, x, bottom))
        if blocks:
            self.pdf._out(" ".join(ops))

    def _use_font(self, size_pt: float, style: str = "") -> None:
        """Select the font for the text objects that follow (and list it on the page)."""
        pdf = self.pdf
        pdf.set_font(FAMILY, style, size_pt)
        pdf.text(0, 0, "")  # fpdf2 names the font in the page's resources here
        self._encode = pdf.current_font.encode_text
        self._encoded: dict[str, str] = self._encoded_by_font.setdefault((style, size_pt), {})

    def _text_ops(self, x: float, y: float, text: str) -> str:
        encoded = self._encoded.get(text)
        if encoded is None:
            encoded = self._encode(text)
            if len(self._encoded) < 50_000:
                self._encoded[text] = encoded
        return f"BT {x * K:.2f} {(self.page.height_mm - y) * K:.2f} Td {encoded} ET"

    def _draw_heading(self, y: float, text: str) -> None:
        pdf = self.pdf
        size = self.HEADING_PT * PT_MM
        self._use_font(self.HEADING_PT)
        rule = y + size * 1.4 + 1.0
        left, right = self.page.side_mm, self.page.width_mm - self.page.side_mm
        pdf._out(
            f"{_rgb(TEXT_RGB)} rg 2 Tr {0.3:.2f} w {self._text_ops(left, y + size, text)} 0 Tr "
            f"{_rgb(RULE_RGB)} RG {1.5:.2f} w {self._line(left, rule, right, rule)}"
        )
        self._use_font(self.ROW_PT)

    def _draw_note(self, y: float, lines: list[str]) -> None:
        self._use_font(self.NOTE_PT)
        step = self.NOTE_PT * PT_MM * 1.45
        ops = [f"{_rgb(NOTE_RGB)} rg"]
        for n, line in enumerate(lines):
            ops.append(self._text_ops(self.page.side_mm, y + self.NOTE_PT * PT_MM + n * step, line))
        self.pdf._out(" ".join(ops))
        self._use_font(self.ROW_PT)

    def _box(self, y: float, h: float) -> str:
        page = self.page
        return (
            f"{page.side_mm * K:.2f} {(page.height_mm - y - h) * K:.2f} "
            f"{page.content_w * K:.2f} {h * K:.2f} re f"
        )

    def _draw_head(self, y: float, table: Table, lines, h: float) -> None:
        # Bold as WeasyPrint's th: the regular face filled and stroked (no second font).
        self.pdf._out(f"{_rgb(HEAD_RGB)} rg {self._box(y, h)} 2 Tr 0.25 w")
        self._cells(y, table, lines, h)
        self.pdf._out("0 Tr")

    def _draw_row(self, y: float, table: Table, lines, h: float, shaded: bool = False) -> None:
        if shaded:
            self.pdf._out(f"{_rgb(SHADE_RGB)} rg {self._box(y, h)}")
        self._cells(y, table, lines, h)

    def _cells(self, y: float, table: Table, lines, h: float) -> None:
        size = self.ROW_PT * PT_MM
        step = size * 1.3
        widths = self.widths("", self.ROW_PT)
        text_ops = self._text_ops
        ops = [f"{_rgb(TEXT_RGB)} rg"]
        baseline = y + PAD_Y + size * 1.02
        x = self.page.side_mm
        for col, cell in zip(table.columns, lines, strict=True):
            w = self.page.content_w * col.width_pct / 100
            for n, line in enumerate(cell):
                left = x + w - PAD_X - widths(line) if col.align == "R" else x + PAD_X
                ops.append(text_ops(left, baseline + n * step, line))
            x += w
        ops.append(f"{_rgb(BORDER_RGB)} RG 0.50 w")
        ops.append(self._line(self.page.side_mm, y, x, y))
        ops.append(self._line(self.page.side_mm, y + h, x, y + h))
        self.pdf._out(" ".join(ops))

    def _footer(self, page: int, pages: int) -> None:
        from registry.i18n import render

        y = self.page.height_mm - self.page.bottom_mm / 2
        numbers = render("report.page_of", {"page": page, "pages": pages}, self.locale)
        self._use_font(6.5)
        digest = render("report.digest", {"digest": self.digest}, self.locale)
        ops = f"{_rgb(NOTE_RGB)} rg {self._text_ops(self.page.side_mm, y, digest)}"
        self.pdf._out(ops)
        self._use_font(8.0)
        right = self.page.width_mm - self.page.side_mm - self.widths("", 8.0)(numbers)
        self.pdf._out(f"{_rgb(TEXT_RGB)} rg {self._text_ops(right, y, numbers)}")

    def _line(self, x1: float, y1: float, x2: float, y2: float) -> str:
        h = self.page.height_mm
        return f"{x1 * K:.2f} {(h - y1) * K:.2f} m {x2 * K:.2f} {(h - y2) * K:.2f} l S"


K = 72 / 25.4  # PDF points per mm


def _rgb(rgb: tuple[int, int, int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in rgb)


def merged(
    before: bytes,
    tables: Sequence[Table],
    *,
    locale: str,
    digest: str,
    progress: Callable[[int, int], None] | None = None,
    page: Page = PORTRAIT,
) -> bytes:
    """`before` (a WeasyPrint PDF without footers), then `tables`, as one PDF whose every page
    carries the digest and its number of the whole."""
    import pikepdf

    appendix = Appendix(locale=locale, digest=digest, page=page)
    appendix.layout(tables, progress)
    with pikepdf.open(io.BytesIO(before)) as document:
        first = len(document.pages)
        ours = appendix.draw(
            first_page=first + 1,
            pages_in_all=first + appendix.page_count,
            footer_pages=first,
        )
        with pikepdf.open(io.BytesIO(ours)) as tail:
            for n in range(first):
                document.pages[n].add_overlay(tail.pages[n])
            document.pages.extend(tail.pages[first:])
            out = io.BytesIO()
            document.save(out)
    return out.getvalue()
