"""What the parcel rules and services say, by code (English; Chinese in the catalogue)."""

MESSAGES: dict[str, str] = {
    "parcel.number_required": "Give the parcel number (宗地编号).",
    "parcel.number_malformed": "“{value}” is not a parcel number: use letters, digits and dashes.",
    "parcel.number_taken": "A parcel numbered “{number}” is already registered.",
    "parcel.not_found": "No parcel numbered “{number}”.",
    "parcel.star_unknown": "“{value}” is not a star level: give 1, 2 or 3.",
    "parcel.condition_kind_unknown": "“{value}” is not a kind of parcel condition.",
    "parcel.condition_value_required": (
        "A verified condition needs its value; mark it unverified (待核实) if the value is "
        "not known."
    ),
    "parcel.condition_status_unknown": "“{value}” is not a condition status.",
    "parcel.pct_out_of_range": "A share is between 0 and 100 %, not {value}.",
    "parcel.building_other_district": (
        "Building {building_id} is in another district than the parcel; nothing was linked."
    ),
    "parcel.building_elsewhere": (
        "Building {building_id} already belongs to parcel “{number}”; unlink it there first."
    ),
    "parcel.district_has_buildings": (
        "Buildings stand on this parcel in its district; unlink them before moving the parcel "
        "to another district."
    ),
    "parcel.condition_not_found": "No condition with id {id} on this parcel.",
    "parcel.floor_not_found": "No policy floor with id {id}.",
    "parcel.too_many_rows": "The file has more than {max} rows; split it.",
    "parcel.number_repeated": "This parcel number is already in row {row} of the file.",
}
