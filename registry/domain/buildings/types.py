"""Building types and the sub-types the energy quotas depend on."""

from __future__ import annotations

# type code -> (zh, en, is_public)
BUILDING_TYPES: dict[str, tuple[str, str, bool]] = {
    "office_government": ("党政机关办公建筑", "Government office", True),
    "office_commercial": ("商业办公建筑", "Commercial office", True),
    "hotel": ("旅馆建筑", "Hotel", True),
    "mall": ("商场建筑", "Shopping mall", True),
    "school": ("教育建筑", "School", True),
    "hospital": ("医疗建筑", "Hospital", True),
    "venue": ("场馆建筑", "Venue", True),
    "other_public": ("其他公共建筑", "Other public building", True),
    "residential": ("居住建筑", "Residential", False),
    "industrial": ("工业建筑", "Industrial", False),
}

# Sub-types: only where a quota table distinguishes them.
SUB_TYPES: dict[str, dict[str, tuple[str, str]]] = {
    "office_government": {
        "city": ("市级机关", "City-level body"),
        "below_city": ("区(市)级及以下机关", "District-level or below"),
    },
    "hotel": {
        "star_3_or_below": ("三星级及以下", "3-star or below"),
        "star_4": ("四星级", "4-star"),
        "star_5": ("五星级", "5-star"),
    },
    "mall": {
        "department_store": ("百货店", "Department store"),
        "shopping_centre": ("购物中心", "Shopping centre"),
        "supermarket": ("超市", "Supermarket"),
        "restaurant": ("餐饮店", "Restaurant"),
        "shop": ("一般商铺", "Shop"),
    },
    "school": {
        "higher_bachelor": ("高等教育（本科及以上）", "University (bachelor and above)"),
        "higher_vocational": ("高等教育（专科）", "College (vocational)"),
        "secondary_day": ("中等教育（非寄宿制）", "Secondary (day)"),
        "secondary_boarding": ("中等教育（寄宿制）", "Secondary (boarding)"),
        "secondary_vocational": ("中等职业学校", "Secondary vocational"),
        "primary": ("初等教育", "Primary"),
        "preschool": ("学前教育", "Pre-school"),
        "other": ("其他教育", "Other education"),
    },
    "hospital": {
        "grade_3": ("三级医院", "Grade III hospital"),
        "grade_2": ("二级医院", "Grade II hospital"),
        "grade_1": ("一级医院", "Grade I hospital"),
    },
    # DB37/T 3780 sets values per venue kind and per administrative level (市 / 区、县);
    # other cultural venues (文化馆, 美术馆) take the library rows (its note 4).
    "venue": {
        "library_city": ("图书馆（市级）", "Library (city level)"),
        "library_county": ("图书馆（区、县级）", "Library (district or county level)"),
        "museum_city": ("博物馆（市级）", "Museum (city level)"),
        "museum_county": ("博物馆（区、县级）", "Museum (district or county level)"),
        "theatre_city": ("剧院（市级）", "Theatre (city level)"),
        "theatre_county": ("剧院（区、县级）", "Theatre (district or county level)"),
        "stadium_city": ("体育馆（市级）", "Stadium (city level)"),
        "stadium_county": ("体育馆（区、县级）", "Stadium (district or county level)"),
        "science_museum_city": ("科技馆（市级）", "Science museum (city level)"),
        "science_museum_county": (
            "科技馆（区、县级）",
            "Science museum (district or county level)",
        ),
        "other_culture_city": ("其他文化场馆（市级）", "Other cultural venue (city level)"),
        "other_culture_county": (
            "其他文化场馆（区、县级）",
            "Other cultural venue (district or county level)",
        ),
    },
}

# GB/T 51161 class: A can use natural ventilation part of the year, B is fully air-conditioned.
HVAC_CLASSES = {"A": ("A类", "Class A"), "B": ("B类", "Class B")}

HEATING_TYPES = {
    "district": ("市政集中供暖", "District heating"),
    "air_conditioning": ("空调供暖", "Heat pump / air-conditioning"),
    "gas_oil": ("燃气(油)供暖", "Gas or oil boiler"),
}


def type_name(code: str, locale: str = "zh") -> str:
    zh, en, _public = BUILDING_TYPES.get(code, (code, code, False))
    return zh if locale.startswith("zh") else en


def heating_type_name(code: str | None, locale: str = "zh") -> str:
    """A heating type's name ('—' when none is registered)."""
    zh, en = HEATING_TYPES.get(code or "", ("—", "—"))
    return zh if locale.startswith("zh") else en


def sub_type_name(type_code: str, sub_code: str | None, locale: str = "zh") -> str:
    if not sub_code:
        return ""
    zh, en = SUB_TYPES.get(type_code, {}).get(sub_code, (sub_code, sub_code))
    return zh if locale.startswith("zh") else en


def is_public(code: str) -> bool:
    return BUILDING_TYPES.get(code, ("", "", False))[2]
