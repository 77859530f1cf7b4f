"""The refused rows of an import as a spreadsheet to fix and upload again.

Each refused row as the sheet had it (every column, under the same headers), with a last
column 导入问题 (Import problems) naming each reason by column. The importer reads that
column as ignored (`headers.HEADER_ALIASES`), so once the cells are fixed the file imports
as it stands. The rows and reasons are the preview's, under the same column choices.
"""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import Session

from registry.domain.imports import files as import_files
from registry.domain.text import NC_
from registry.i18n import pgettext
from registry.models import User
from registry.services.imports.exports import text_cell
from registry.services.imports.outcomes import Preview
from registry.services.imports.preview import preview_import
from registry.services.imports.report_text import reasons_text

PROBLEMS_HEADER = NC_("import error file", "Import problems")  # read back as ignored


def error_rows(*, preview: Preview, data: bytes, filename: str):
    """(headers, [(row number, cells, reasons)]) of the refused rows listed in `preview`."""
    refused = {row.row_number: row for row in preview.rows if row.outcome == "rejected"}
    # Every column back, those not recognised too: as ignored, they are kept in each row.
    choices = {column.header: column.field for column in preview.mapping}
    table = import_files.read_table(data, filename, choices)
    headers = [header for header in table.headers if header]
    rows = []
    for number, raw in table.rows:
        if number in refused:
            rows.append((number, [raw.get(header) for header in headers], refused[number]))
            if len(rows) == len(refused):
                break
    return headers, rows


def error_file_xlsx(
    *,
    session: Session,
    actor: User,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    today: date | None = None,
    locale: object = "zh_Hans_CN",
) -> bytes:
    """The refused rows of the file with their reasons, as an XLSX workbook."""
    import openpyxl  # noqa: PLC0415  (only the download needs it)

    preview = preview_import(
        session=session,
        actor=actor,
        data=data,
        filename=filename,
        mapping=mapping,
        today=today,
        locale=locale,
    )
    headers, rows = error_rows(preview=preview, data=data, filename=filename)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("import error file", "Refused rows", locale))
    sheet.append([*headers, pgettext("import error file", PROBLEMS_HEADER, locale)])
    for _number, cells, row in rows:
        sheet.append([text_cell(sheet, cell) for cell in (*cells, reasons_text(row, locale))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
