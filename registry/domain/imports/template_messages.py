"""What each column of the import template holds and accepts (its description sheet)."""

MESSAGES: dict[str, str] = {
    "import.column.number": (
        "Ignored on import. A row whose first cell is 示例 (Example) is the example and is "
        "skipped; delete it or leave it."
    ),
    "import.column.name": "The project's name, as on its approval or label documents.",
    "import.column.address": "The site's address.",
    "import.column.district_code": "The district or county-level city: {values}.",
    "import.column.building_type": (
        "The main use: {values}; words such as 写字楼, 酒店 or 学校 are read too."
    ),
    "import.column.floor_area_m2": (
        "Gross floor area in m², a number. A column headed 建筑面积（万平方米） is read in "
        "10,000 m²."
    ),
    "import.column.storeys": "Number of storeys, a whole number.",
    "import.column.is_new_build": "新建 (new) or 既有 (existing); blank means new.",
    "import.column.completion_year": "The year the building was completed, such as 2022.",
    "import.column.prefabricated": "是 (yes) or 否 (no); blank means no.",
    "import.column.assembly_rate_pct": "The prefabrication rate, such as 0.5 or 50%.",
    "import.column.owner_name": "The owner or developer.",
    "import.column.owner_credit_code": (
        "The owner's 18-character unified social credit code; format the column as text, or "
        "Excel drops its last digits."
    ),
    "import.column.design_unit": "The design institute.",
    "import.column.land_parcel_id": "The land parcel's number, as the land registry writes it.",
    "import.column.latitude": "Latitude in decimal degrees (WGS 84), such as 36.07.",
    "import.column.longitude": "Longitude in decimal degrees (WGS 84), such as 120.38.",
    "import.column.star_level": (
        "For a green building label: {values}. A row holds at most one record: fill the star "
        "rating, the energy level or the retrofit type, not two of them."
    ),
    "import.column.stage": "The label's stage: {values}.",
    "import.column.label_number": (
        "The label or certificate number; one building's only, never repeated in the registry."
    ),
    "import.column.issued_on": "The label's issue date, such as 2023-06-30 or 2023年6月30日.",
    "import.column.counted_area_m2": (
        "The area the label or retrofit covers, in m²; blank means the whole floor area."
    ),
    "import.column.energy_level": "For an ultra-low or nearly zero energy building: {values}.",
    "import.column.retrofit_kind": "For a retrofit programme: {values}.",
    "import.column.started_on": "The retrofit's start date.",
    "import.column.completed_on": "The retrofit's completion date.",
}
