"""Export buildings and their records as CSV or XLSX, in the columns the importer reads back.

One row per record, the building's columns repeated; a building without records is one
row with the record columns blank. Chinese headers and names by default, English on
request; codes where an English name would not read back (building types). CSV is a
generator of text lines (with a BOM, so Excel opens it as UTF-8); XLSX is written by
openpyxl's write-only mode. Importing an export recreates every field it holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from sqlmodel import Session, select

from registry import vocabulary
from registry.domain.buildings import records as rules
from registry.domain.imports.normalise import formula_safe
from registry.domain.text import NC_
from registry.i18n import Locale, pgettext
from registry.models import Building, Record
from registry.services.buildings.registration import BuildingFilters, _filtered

BATCH = 1000
_LEVEL_COLUMNS = {
    rules.GREEN_LABEL: "star_level",
    rules.ENERGY: "energy_level",
    rules.RETROFIT: "retrofit_kind",
}
# (column, header); every header, in either language, is one the importer recognises.
COLUMNS = (
    ("name", NC_("export column", "Project name")),
    ("address", NC_("export column", "Address")),
    ("district_code", NC_("export column", "District")),
    ("building_type", NC_("export column", "Building type")),
    ("sub_type", NC_("export column", "Sub-type")),
    ("hvac_class", NC_("export column", "HVAC class")),
    ("heating_type", NC_("export column", "Heating type")),
    ("floor_area_m2", NC_("export column", "Floor area (m²)")),
    ("storeys", NC_("export column", "Storeys")),
    ("is_new_build", NC_("export column", "New or existing")),
    ("completion_year", NC_("export column", "Completion year")),
    ("prefabricated", NC_("export column", "Prefabricated")),
    ("assembly_rate_pct", NC_("export column", "Assembly rate")),
    ("owner_name", NC_("export column", "Owner")),
    ("owner_credit_code", NC_("export column", "Credit code")),
    ("design_unit", NC_("export column", "Design unit")),
    ("land_parcel_id", NC_("export column", "Parcel id")),
    ("latitude", NC_("export column", "Latitude")),
    ("longitude", NC_("export column", "Longitude")),
    ("annual_use_hours", NC_("export column", "Annual use (hours)")),
    ("area_per_person_m2", NC_("export column", "Area per person (m²)")),
    ("star_level", NC_("export column", "Star rating")),
    ("energy_level", NC_("export column", "Energy level")),
    ("retrofit_kind", NC_("export column", "Retrofit type")),
    ("stage", NC_("export column", "Stage")),
    ("label_number", NC_("export column", "Label number")),
    ("issued_on", NC_("export column", "Issue date")),
    ("started_on", NC_("export column", "Started on")),
    ("completed_on", NC_("export column", "Completed on")),
    ("counted_area_m2", NC_("export column", "Counted area (m²)")),
    ("status", NC_("export column", "Status")),
    ("approved_on", NC_("export column", "Approved on")),
    ("published_on", NC_("export column", "Published on")),
    ("revoked_on", NC_("export column", "Revoked on")),
    ("reason", NC_("export column", "Reason")),
    ("notes", NC_("export column", "Notes")),
)


def headers(lang: object = "zh_Hans_CN") -> list[str]:
    return [pgettext("export column", header, lang) for _, header in COLUMNS]


def _value(text: str, lang: Locale) -> str:
    return pgettext("export value", text, lang)


# Areas and the like are stated to two decimals: never a float's binary tail (23449.999999999996).
EXPORT_DECIMALS = 2


def _number(value) -> str | float | int | None:
    if isinstance(value, float):
        value = round(value, EXPORT_DECIMALS)
        return int(value) if value.is_integer() else value
    return value


def _building_cells(building: Building, lang: Locale) -> dict:
    return {
        "name": building.name,
        "address": building.address,
        "district_code": vocabulary.district(building.district_code, lang),
        "building_type": vocabulary.building_type(building.building_type, lang),
        "sub_type": vocabulary.sub_type(building.building_type, building.sub_type, lang) or None,
        "hvac_class": building.hvac_class,
        "heating_type": vocabulary.heating_type(building.heating_type, lang) or None,
        "floor_area_m2": _number(building.floor_area_m2),
        "storeys": building.storeys,
        "is_new_build": _value(
            NC_("export value", "new")
            if building.is_new_build
            else NC_("export value", "existing"),
            lang,
        ),
        "completion_year": building.completion_year,
        "prefabricated": _value(
            NC_("export value", "yes") if building.prefabricated else NC_("export value", "no"),
            lang,
        ),
        # With a % sign: a bare 0.5 would read back as a fraction, 50 %.
        "assembly_rate_pct": f"{_number(building.assembly_rate_pct)}%"
        if building.assembly_rate_pct is not None
        else None,
        "owner_name": building.owner_name,
        "owner_credit_code": building.owner_credit_code,
        "design_unit": building.design_unit,
        "land_parcel_id": building.land_parcel_id,
        "latitude": building.latitude,
        "longitude": building.longitude,
        "annual_use_hours": _number(building.annual_use_hours),
        "area_per_person_m2": _number(building.area_per_person_m2),
    }


def _record_cells(record: Record, lang: Locale) -> dict:
    return {
        _LEVEL_COLUMNS[record.kind]: vocabulary.record_level(record.kind, record.level, lang),
        "stage": vocabulary.record_stage(record.stage, lang) or None,
        "label_number": record.label_number,
        "issued_on": record.issued_on,
        "started_on": record.started_on,
        "completed_on": record.completed_on,
        "counted_area_m2": _number(record.counted_area_m2),
        "status": vocabulary.record_status(record.status, lang),
        "approved_on": record.approved_on,
        "published_on": record.published_on,
        "revoked_on": record.revoked_on,
        "reason": record.revoke_reason or record.rejected_reason,
        "notes": record.notes or None,
    }


def export_rows(
    *,
    session: Session,
    filters: BuildingFilters | None = None,
    building_id: int | None = None,
    lang: object = "zh_Hans_CN",
) -> Iterator[list]:
    """The export's data rows (cells as values), buildings oldest first, `BATCH` at a time."""
    query = _filtered(filters or BuildingFilters())
    if building_id is not None:
        query = query.where(Building.id == building_id)
    last_id = 0
    names = [name for name, _ in COLUMNS]
    while True:
        page = list(
            session.exec(query.where(Building.id > last_id).order_by(Building.id).limit(BATCH))
        )
        if not page:
            return
        last_id = page[-1].id
        records: dict[int, list[Record]] = {}
        for record in session.exec(
            select(Record).where(Record.building_id.in_([b.id for b in page])).order_by(Record.id)
        ):
            records.setdefault(record.building_id, []).append(record)
        for building in page:
            cells = _building_cells(building, lang)
            for record in records.get(building.id) or [None]:
                row = {**cells, **(_record_cells(record, lang) if record else {})}
                yield [row.get(name) for name in names]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_csv(
    *,
    session: Session,
    filters: BuildingFilters | None = None,
    building_id: int | None = None,
    lang: object = "zh_Hans_CN",
) -> Iterator[str]:
    """The export as CSV text, a chunk of lines at a time, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headers(lang))
    for number, row in enumerate(
        export_rows(session=session, filters=filters, building_id=building_id, lang=lang), start=1
    ):
        writer.writerow([formula_safe(_text(cell)) for cell in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def text_cell(sheet, value):
    """A write-only cell whose text stays text (openpyxl stores "=…" as a formula Excel
    runs), and whose decimal number shows thousands separated to two decimals."""
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    if isinstance(value, float):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if not isinstance(value, str) or not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_xlsx(
    *,
    session: Session,
    filters: BuildingFilters | None = None,
    building_id: int | None = None,
    lang: object = "zh_Hans_CN",
) -> bytes:
    """The export as an XLSX workbook; credit codes and label numbers stay text."""
    import openpyxl  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("export sheet", "Buildings", lang))
    heads = headers(lang)
    for n, head in enumerate(heads, start=1):  # wide enough for each header (CJK: double)
        width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(head)) + 2
        sheet.column_dimensions[get_column_letter(n)].width = min(60, max(10, width))
    sheet.append(heads)
    for row in export_rows(session=session, filters=filters, building_id=building_id, lang=lang):
        sheet.append([text_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
