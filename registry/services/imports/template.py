"""The import template as an XLSX workbook: a sheet to fill, and a sheet describing it.

The first sheet has one header row (each cell Chinese over English, both read back by the
importer), then one example row; the second says, in the reader's language, what each
column holds, whether it is required and which values it accepts. Built from
`registry.domain.imports.template`, itself built from the header aliases.
"""

from __future__ import annotations

import io

from registry.domain.imports import template
from registry.domain.imports.headers import HEADER_ALIASES
from registry.domain.text import NC_
from registry.i18n import pgettext, render

_CONTEXT = "import template"
_SHEET = NC_("import template", "Buildings")
_GUIDE = NC_("import template", "Columns")
_GUIDE_HEADERS = (
    NC_("import template", "Column"),
    NC_("import template", "Required"),
    NC_("import template", "What it holds and accepts"),
    NC_("import template", "Example"),
    NC_("import template", "Other headers read as this column"),
)
_YES, _NO = NC_("import template", "Yes"), NC_("import template", "No")


def _text(text: str, locale: object) -> str:
    return pgettext(_CONTEXT, text, locale)


def template_xlsx(*, locale: object = "zh_Hans_CN") -> bytes:
    """The template workbook; label numbers and credit codes are text cells, as they must be."""
    import openpyxl  # noqa: PLC0415  (only the download needs it)
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415

    columns = template.columns()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _text(_SHEET, locale)
    sheet.append([template.NUMBER_HEADER, *(column.header for column in columns)])
    example_mark = _text(template.EXAMPLE_MARK, locale)
    sheet.append([example_mark, *(template.EXAMPLE.get(column.field) for column in columns)])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font, cell.alignment = Font(bold=True), wrap
    for index, column in enumerate(columns, start=2):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 18
        if column.field in ("label_number", "owner_credit_code", "land_parcel_id"):
            for cell in sheet[letter]:
                cell.number_format = "@"  # typed codes stay text in Excel
    sheet.freeze_panes = "B2"

    guide = book.create_sheet(_text(_GUIDE, locale))
    guide.append([_text(text, locale) for text in _GUIDE_HEADERS])
    guide.append(
        [template.NUMBER_HEADER, _text(_NO, locale), render("import.column.number", {}, locale)]
    )
    for column in columns:
        guide.append(
            [
                column.header,
                _text(_YES if column.required else _NO, locale),
                render(column.description, column.params, locale),
                template.EXAMPLE.get(column.field),
                " · ".join(HEADER_ALIASES[column.field]),
            ]
        )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for letter, width in zip("ABCDE", (24, 10, 70, 24, 40), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
