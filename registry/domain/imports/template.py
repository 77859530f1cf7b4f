"""The import template: its columns, one example row, and what each column accepts.

Everything comes from `headers.TEMPLATE_COLUMNS` (whose headers are checked to read back as
their fields) and from the vocabularies the parsers read (districts, building types, levels,
stages), so a filled template imports column for column. The description of each column
is a message code with parameters; the service writing the XLSX puts it in the reader's
language. The example row is marked by its first cell (示例 / Example) and skipped on import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.domain.buildings import records
from registry.domain.buildings.credit_code import check_char
from registry.domain.buildings.districts import DISTRICTS
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.imports.headers import REQUIRED_FIELDS, TEMPLATE_COLUMNS, template_header
from registry.domain.imports.template_messages import MESSAGES  # noqa: F401  (for registry.i18n)
from registry.domain.text import NC_, names

# The first column (序号, ignored on import); its cell in the example row marks the example.
NUMBER_HEADER = template_header("序号", "No.")
EXAMPLE_MARK = NC_("import template", "Example")
EXAMPLE_MARKS = frozenset({"示例", "example"})  # as written by either language's template

_CREDIT_PREFIX = "91370202163562681"
EXAMPLE: dict[str, Any] = {
    "name": "青岛市示例办公楼",
    "address": "青岛市市南区香港中路 1 号",
    "district_code": "市南区",
    "building_type": "办公",
    "floor_area_m2": 12000,
    "storeys": 12,
    "is_new_build": "新建",
    "completion_year": 2022,
    "prefabricated": "是",
    "assembly_rate_pct": "50%",
    "owner_name": "青岛示例置业有限公司",
    "owner_credit_code": _CREDIT_PREFIX + check_char(_CREDIT_PREFIX),
    "design_unit": "青岛示例建筑设计研究院",
    "latitude": 36.0671,
    "longitude": 120.3826,
    "star_level": "二星级",
    "stage": "运行评价",
    "label_number": "QD-LS-2023-0001",
    "issued_on": "2023-06-30",
}


@dataclass(frozen=True)
class TemplateColumn:
    field: str
    chinese: str
    english: str
    required: bool
    description: str  # a message code (template_messages)
    params: dict = field(default_factory=dict)

    @property
    def header(self) -> str:
        return template_header(self.chinese, self.english)


def _levels(kind: str) -> dict:
    return names("record level", records.LEVELS[kind].values(), join="or")


_VALUES = {
    "district_code": names("district", [d.name for d in DISTRICTS], join="or"),
    "building_type": names("building type", BUILDING_TYPES.values(), join="or"),
    "star_level": _levels(records.GREEN_LABEL),
    "energy_level": _levels(records.ENERGY),
    "retrofit_kind": _levels(records.RETROFIT),
    "stage": names("record stage", records.STAGES.values(), join="or"),
}


def columns() -> list[TemplateColumn]:
    """The template's columns after 序号, in order, each with its description."""
    return [
        TemplateColumn(
            name,
            chinese,
            english,
            name in REQUIRED_FIELDS,
            f"import.column.{name}",
            {"values": _VALUES[name]} if name in _VALUES else {},
        )
        for name, chinese, english in TEMPLATE_COLUMNS
    ]
