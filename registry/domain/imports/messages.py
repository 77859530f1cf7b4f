"""Why a spreadsheet row was refused: English templates, whose Chinese is in the catalogue
(registry.i18n.render)."""

MESSAGES: dict[str, str] = {
    "import.several_record_kinds": (
        "A row holds one record, but this one fills {kinds}; split it into two rows."
    ),
    "import.record_without_level": (
        "A label number, stage or date is given without a star level, energy level or retrofit "
        "type."
    ),
    "import.area_too_large_10k_column": (
        "This column is in 10,000 m² (万平方米): “{value}” means {area} m², over {max} m²; was it "
        "entered in m²?"
    ),
    "import.date_too_early": (
        "The date {date} is before 2000, almost surely a misread cell (Excel serial 1 is "
        "1900-01-01)."
    ),
    "import.credit_code_as_number": (
        "The credit code was stored as a number and lost its last digits; format the column as "
        "text and enter it again."
    ),
    "import.new_or_existing_unknown": "“{value}” should be new (新建) or existing (既有).",
    "import.year_unreadable": "“{value}” is not a year.",
    "import.label_number_repeated": "Label number “{label_number}” repeats row {first_row}.",
    "building.type_ambiguous": "“{value}” could be {choices}; give the main use.",
}
