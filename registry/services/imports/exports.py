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

from registry.domain.buildings import districts
from registry.domain.buildings import records as rules
from registry.domain.buildings import types as building_types
from registry.domain.imports.normalise import formula_safe
from registry.models import Building, Record
from registry.services.buildings.registration import BuildingFilters, _filtered

BATCH = 1000
_LEVEL_COLUMNS = {
    rules.GREEN_LABEL: "star_level",
    rules.ENERGY: "energy_level",
    rules.RETROFIT: "retrofit_kind",
}
# (column, zh header, en header); every header is one the importer recognises.
COLUMNS = (
    ("name", "项目名称", "Project name"),
    ("address", "项目地址", "Address"),
    ("district_code", "所在区（市）", "District"),
    ("building_type", "建筑类型", "Building type"),
    ("sub_type", "细分类型", "Sub-type"),
    ("hvac_class", "空调类别", "HVAC class"),
    ("heating_type", "供暖方式", "Heating type"),
    ("floor_area_m2", "建筑面积（平方米）", "Floor area (m2)"),
    ("storeys", "层数", "Storeys"),
    ("is_new_build", "新建/既有", "New or existing"),
    ("completion_year", "竣工年份", "Completion year"),
    ("prefabricated", "装配式", "Prefabricated"),
    ("assembly_rate_pct", "装配率", "Assembly rate"),
    ("owner_name", "建设单位", "Owner"),
    ("owner_credit_code", "统一社会信用代码", "Credit code"),
    ("design_unit", "设计单位", "Design unit"),
    ("land_parcel_id", "地块编号", "Parcel id"),
    ("latitude", "纬度", "Latitude"),
    ("longitude", "经度", "Longitude"),
    ("annual_use_hours", "年使用时间（小时）", "Annual use (hours)"),
    ("area_per_person_m2", "人均面积（平方米）", "Area per person (m2)"),
    ("star_level", "星级", "Star rating"),
    ("energy_level", "能耗等级", "Energy level"),
    ("retrofit_kind", "改造类型", "Retrofit type"),
    ("stage", "评价阶段", "Stage"),
    ("label_number", "标识编号", "Label number"),
    ("issued_on", "发证日期", "Issue date"),
    ("started_on", "改造开始日期", "Started on"),
    ("completed_on", "改造完成日期", "Completed on"),
    ("counted_area_m2", "计入面积（平方米）", "Counted area (m2)"),
    ("status", "状态", "Status"),
    ("approved_on", "批准日期", "Approved on"),
    ("published_on", "公布日期", "Published on"),
    ("revoked_on", "撤销日期", "Revoked on"),
    ("reason", "驳回或撤销原因", "Reason"),
    ("notes", "备注", "Notes"),
)


def headers(lang: str = "zh") -> list[str]:
    return [zh if lang == "zh" else en for _, zh, en in COLUMNS]


def _pair(pair: tuple, lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _number(value) -> str | float | int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _building_cells(building: Building, lang: str) -> dict:
    sub_types = building_types.SUB_TYPES.get(building.building_type, {})
    return {
        "name": building.name,
        "address": building.address,
        "district_code": districts.district_name(building.district_code, lang),
        "building_type": (
            building_types.BUILDING_TYPES[building.building_type][0]
            if lang == "zh"
            else building.building_type
        ),
        "sub_type": _pair(sub_types[building.sub_type], lang)
        if building.sub_type in sub_types
        else building.sub_type,
        "hvac_class": building.hvac_class,
        "heating_type": _pair(building_types.HEATING_TYPES[building.heating_type], lang)
        if building.heating_type in building_types.HEATING_TYPES
        else building.heating_type,
        "floor_area_m2": _number(building.floor_area_m2),
        "storeys": building.storeys,
        "is_new_build": ("新建" if building.is_new_build else "既有")
        if lang == "zh"
        else ("new" if building.is_new_build else "existing"),
        "completion_year": building.completion_year,
        "prefabricated": ("是" if building.prefabricated else "否")
        if lang == "zh"
        else ("yes" if building.prefabricated else "no"),
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


def _record_cells(record: Record, lang: str) -> dict:
    return {
        _LEVEL_COLUMNS[record.kind]: rules.level_name(record.kind, record.level, lang),
        "stage": _pair(rules.STAGES[record.stage], lang) if record.stage else None,
        "label_number": record.label_number,
        "issued_on": record.issued_on,
        "started_on": record.started_on,
        "completed_on": record.completed_on,
        "counted_area_m2": _number(record.counted_area_m2),
        "status": _pair(rules.STATUSES[record.status], lang),
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
    lang: str = "zh",
) -> Iterator[list]:
    """The export's data rows (cells as values), buildings oldest first, `BATCH` at a time."""
    query = _filtered(filters or BuildingFilters())
    if building_id is not None:
        query = query.where(Building.id == building_id)
    last_id = 0
    names = [name for name, _, _ in COLUMNS]
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
    lang: str = "zh",
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
    """A write-only cell whose text stays text: openpyxl stores "=…" as a formula Excel runs."""
    if not isinstance(value, str) or not value.startswith("="):
        return value
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_xlsx(
    *,
    session: Session,
    filters: BuildingFilters | None = None,
    building_id: int | None = None,
    lang: str = "zh",
) -> bytes:
    """The export as an XLSX workbook; credit codes and label numbers stay text."""
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("建筑" if lang == "zh" else "Buildings")
    sheet.append(headers(lang))
    for row in export_rows(session=session, filters=filters, building_id=building_id, lang=lang):
        sheet.append([text_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
