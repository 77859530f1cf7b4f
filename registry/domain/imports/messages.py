"""Why a spreadsheet row was refused, in Chinese and English."""

MESSAGES: dict[str, tuple[str, str]] = {
    "import.several_record_kinds": (
        "一行只能登记一条记录，本行同时填写了{kinds_zh}；请拆成两行。",
        "A row holds one record, but this one fills {kinds_en}; split it into two rows.",
    ),
    "import.record_without_level": (
        "填写了标识编号、阶段或日期，却没有星级、能耗等级或改造类型。",
        "A label number, stage or date is given without a star level, energy level or "
        "retrofit type.",
    ),
    "import.area_too_large_10k_column": (
        "该列单位是万平方米，“{value}”即 {area} 平方米，超过 {max} 平方米；是否误按平方米填写？",
        "This column is in 10,000 m² (万平方米): “{value}” means {area} m², over {max} m²; "
        "was it entered in m²?",
    ),
    "import.date_too_early": (
        "日期 {date} 早于 2000 年，多半是单元格读错（Excel 序号 1 即 1900-01-01）。",
        "The date {date} is before 2000, almost surely a misread cell "
        "(Excel serial 1 is 1900-01-01).",
    ),
    "import.credit_code_as_number": (
        "统一社会信用代码被存成了数字，末几位已丢失；请把该列设为文本后重新填写。",
        "The credit code was stored as a number and lost its last digits; format the column "
        "as text and enter it again.",
    ),
    "import.new_or_existing_unknown": (
        "“{value}”应为“新建”或“既有”。",
        "“{value}” should be new (新建) or existing (既有).",
    ),
    "import.year_unreadable": ("“{value}”不是年份。", "“{value}” is not a year."),
    "import.label_number_repeated": (
        "标识编号“{label_number}”与第 {first_row} 行重复。",
        "Label number “{label_number}” repeats row {first_row}.",
    ),
    "building.type_ambiguous": (
        "“{value}”同时像{choices_zh}；请填写主要用途。",
        "“{value}” could be {choices_en}; give the main use.",
    ),
}
