"""A spreadsheet of parcels (the land bureau's list of sold parcels with their conditions):
its headers recognised, each row read into a parcel and its conditions, every problem by
field. The file itself is read by `registry.domain.imports.files` (CSV or Excel)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from registry.domain.imports.headers import normalise_header
from registry.domain.text import N_

# field -> the headers it is recognised by (matched after `normalise_header`).
_ALIASES = {
    "number": "宗地编号|地块编号|宗地号|地块号|parcel|parcel number|number",
    "contract_number": "出让合同号|出让合同编号|合同编号|合同号|contract|contract number",
    "district_code": "区（市）|区市|所在区|所在区（市）|行政区|district",
    "land_use": "土地用途|用途|land use",
    "site_area_m2": "用地面积|宗地面积|出让面积|用地面积（平方米）|用地面积(m2)|site area",
    "sale_date": "出让日期|成交日期|签订日期|sale date",
    "developer_name": "竞得人|受让人|竞得单位|建设单位|developer",
    "developer_credit_code": "统一社会信用代码|信用代码|credit code|developer credit code",
    "min_star": "绿色建筑星级|绿色建筑星级要求|星级要求|最低星级|min star|minimum star",
    "min_ultra_low_m2": "超低能耗建筑面积|超低能耗面积|超低能耗建筑面积（平方米）|min ultra low m2",
    "min_prefab_pct": "装配式建筑比例|装配式比例|装配率|装配式建筑比例（%）|min prefab pct",
    "status": "核实状态|是否核实|status|condition status",
    "clause": "条款|合同条款|出让条件|clause",
    "document": "文件|依据文件|document",
    "document_date": "文件日期|document date",
}
# What a reader calls each field: the parcel form's labels (a refused row names its field).
FIELD_NAMES = {
    "number": N_("Parcel number"),
    "contract_number": N_("Land-sale contract number"),
    "district_code": N_("District"),
    "land_use": N_("Land use"),
    "site_area_m2": N_("Site area (m²)"),
    "sale_date": N_("Sale date"),
    "developer_name": N_("Developer"),
    "developer_credit_code": N_("Developer's credit code"),
    "min_star": N_("Minimum star level for all buildings"),
    "min_ultra_low_m2": N_("Minimum ultra-low-energy floor area (m²)"),
    "min_prefab_pct": N_("Minimum prefabricated share (per cent)"),
    "status": N_("Status"),
    "clause": N_("The clause, as written"),
    "document": N_("Document"),
    "document_date": N_("Document date"),
}
_INDEX = {normalise_header(a): f for f, aliases in _ALIASES.items() for a in aliases.split("|")}
HEADER_SEARCH_ROWS = 20
CONDITION_KINDS = ("min_star", "min_ultra_low_m2", "min_prefab_pct")
PARCEL_KEYS = (
    "number", "contract_number", "district_code", "land_use", "site_area_m2", "sale_date",
    "developer_name", "developer_credit_code",
)  # fmt: skip


def field_of(header: Any) -> str | None:
    return _INDEX.get(normalise_header(header))


def parcel_rows(raw_rows: Iterable[Iterable[Any]]) -> tuple[dict[int, str], Iterator]:
    """({column: field}, iterator of (sheet row number, {field: cell})) from a sheet's rows;
    the header row is the first of the top rows that names the parcel number."""
    rows = iter(raw_rows)
    head = [list(row) for row in itertools.islice(rows, HEADER_SEARCH_ROWS)]
    for index, row in enumerate(head):
        columns = {i: field_of(cell) for i, cell in enumerate(row) if field_of(cell)}
        if "number" in columns.values():
            remaining = itertools.chain(head[index + 1 :], rows)
            return columns, _cells(remaining, columns, index + 2)
    return {}, iter(())


def _cells(rows, columns: dict[int, str], first: int):
    for number, row in enumerate(rows, start=first):
        cells = {f: (row[i] if i < len(row) else None) for i, f in columns.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        yield number, cells


def split_row(cells: dict[str, Any]) -> tuple[dict, list[dict]]:
    """A row's parcel fields and its conditions (one per condition column given), each
    condition with the row's status, clause and document."""
    parcel = {k: _plain(cells[k]) for k in PARCEL_KEYS if k in cells}
    source = {k: _plain(cells.get(k)) for k in ("status", "clause", "document", "document_date")}
    conditions = [
        {"kind": kind, "value": _plain(cells[kind]), "field": kind, **source}
        for kind in CONDITION_KINDS
        if kind in cells and _plain(cells[kind]) not in (None, "")
    ]
    return parcel, conditions


def _plain(value: Any) -> Any:
    """A cell as the parsers take it: dates as ISO text, whole floats as integers."""
    if hasattr(value, "date") and callable(value.date):  # a datetime cell
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
