"""Building types and the sub-types the energy quotas depend on."""

from __future__ import annotations

from registry.domain.text import NC_

# type code -> its name (in English; the catalogue holds the Chinese, registry.vocabulary
# looks it up).
BUILDING_TYPES: dict[str, str] = {
    "office_government": NC_("building type", "Government office"),
    "office_commercial": NC_("building type", "Commercial office"),
    "hotel": NC_("building type", "Hotel"),
    "mall": NC_("building type", "Shopping mall"),
    "school": NC_("building type", "School"),
    "hospital": NC_("building type", "Hospital"),
    "venue": NC_("building type", "Venue"),
    "other_public": NC_("building type", "Other public building"),
    "residential": NC_("building type", "Residential"),
    "industrial": NC_("building type", "Industrial"),
}

# Sub-types: only where a quota table distinguishes them.
SUB_TYPES: dict[str, dict[str, str]] = {
    "office_government": {
        "city": NC_("building sub-type", "City-level body"),
        "below_city": NC_("building sub-type", "District-level or below"),
    },
    "hotel": {
        "star_3_or_below": NC_("building sub-type", "3-star or below"),
        "star_4": NC_("building sub-type", "4-star"),
        "star_5": NC_("building sub-type", "5-star"),
    },
    "mall": {
        "department_store": NC_("building sub-type", "Department store"),
        "shopping_centre": NC_("building sub-type", "Shopping centre"),
        "supermarket": NC_("building sub-type", "Supermarket"),
        "restaurant": NC_("building sub-type", "Restaurant"),
        "shop": NC_("building sub-type", "Shop"),
    },
    "school": {
        "higher_bachelor": NC_("building sub-type", "University (bachelor and above)"),
        "higher_vocational": NC_("building sub-type", "College (vocational)"),
        "secondary_day": NC_("building sub-type", "Secondary (day)"),
        "secondary_boarding": NC_("building sub-type", "Secondary (boarding)"),
        "secondary_vocational": NC_("building sub-type", "Secondary vocational"),
        "primary": NC_("building sub-type", "Primary"),
        "preschool": NC_("building sub-type", "Pre-school"),
        "other": NC_("building sub-type", "Other education"),
    },
    "hospital": {
        "grade_3": NC_("building sub-type", "Grade III hospital"),
        "grade_2": NC_("building sub-type", "Grade II hospital"),
        "grade_1": NC_("building sub-type", "Grade I hospital"),
    },
    # DB37/T 3780 sets values per venue kind and per administrative level (市 / 区、县);
    # other cultural venues (文化馆, 美术馆) take the library rows (its note 4).
    "venue": {
        "library_city": NC_("building sub-type", "Library (city level)"),
        "library_county": NC_("building sub-type", "Library (district or county level)"),
        "museum_city": NC_("building sub-type", "Museum (city level)"),
        "museum_county": NC_("building sub-type", "Museum (district or county level)"),
        "theatre_city": NC_("building sub-type", "Theatre (city level)"),
        "theatre_county": NC_("building sub-type", "Theatre (district or county level)"),
        "stadium_city": NC_("building sub-type", "Stadium (city level)"),
        "stadium_county": NC_("building sub-type", "Stadium (district or county level)"),
        "science_museum_city": NC_("building sub-type", "Science museum (city level)"),
        "science_museum_county": NC_(
            "building sub-type", "Science museum (district or county level)"
        ),
        "other_culture_city": NC_("building sub-type", "Other cultural venue (city level)"),
        "other_culture_county": NC_(
            "building sub-type", "Other cultural venue (district or county level)"
        ),
    },
}

# GB/T 51161 class: A can use natural ventilation part of the year, B is fully air-conditioned.
HVAC_CLASSES = {"A": NC_("HVAC class", "Class A"), "B": NC_("HVAC class", "Class B")}

HEATING_TYPES = {
    "district": NC_("heating type", "District heating"),
    "air_conditioning": NC_("heating type", "Heat pump / air-conditioning"),
    "gas_oil": NC_("heating type", "Gas or oil boiler"),
}


# Public buildings: those the energy quotas and checks are for.
PUBLIC_TYPES = frozenset(
    (
        "office_government",
        "office_commercial",
        "hotel",
        "mall",
        "school",
        "hospital",
        "venue",
        "other_public",
    )
)


def is_public(code: str) -> bool:
    return code in PUBLIC_TYPES
