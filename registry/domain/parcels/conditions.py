"""A parcel's green-building conditions (土地出让必要条件) and the policy floors, as plain values.

A land-sale contract states, per parcel, a minimum star level for all its buildings or for
buildings of one use, a minimum ultra-low-energy floor area and a minimum prefabricated share
(青政字〔2021〕11号 item 15). A condition may be recorded as 待核实 (stated, not yet
verified): it is never read as "no requirement" and never lets a building count as met.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.buildings.records import GREEN_LABEL, parse_level
from registry.domain.text import NC_

MIN_STAR = "min_star"
MIN_ULTRA_LOW_M2 = "min_ultra_low_m2"
MIN_PREFAB_PCT = "min_prefab_pct"
CONDITION_KINDS = {
    MIN_STAR: NC_("parcel condition", "Minimum star level"),
    MIN_ULTRA_LOW_M2: NC_("parcel condition", "Minimum ultra-low-energy floor area (m²)"),
    MIN_PREFAB_PCT: NC_("parcel condition", "Minimum prefabricated share (per cent)"),
}

VERIFIED = "verified"
UNVERIFIED = "unverified"  # 待核实
CONDITION_STATUSES = {
    VERIFIED: NC_("condition status", "Verified"),
    UNVERIFIED: NC_("condition status", "To be verified"),
}

# The star levels a condition may ask for (green-label level codes "1".."3"); "basic" is 0.
STARS = (1, 2, 3)
# The word officers and contracts use for a condition stated but not yet verified.
_UNVERIFIED_WORDS = {"unverified", "待核实", "未核实"}


def star_of_level(level: str | None) -> int | None:
    """Stars of a green-label level code: basic 0, "1".."3"; None for anything else."""
    if level == "basic":
        return 0
    return int(level) if level in {"1", "2", "3"} else None


def parse_star(value) -> int:
    """1, 2 or 3 from "2", 2, "★★" or "二星级" (the green-label level words); ValueError
    otherwise, and for the basic level, which no condition asks for."""
    if isinstance(value, float) and value.is_integer():  # a stored condition's value
        value = int(value)
    star = star_of_level(parse_level(GREEN_LABEL, str(value)))
    if not star:
        raise ValueError(value)
    return star


@dataclass(frozen=True)
class Condition:
    """One condition of a parcel: its kind, its value (None when stated but not known), the
    building use it is limited to (min_star only; None = every building), its status."""

    kind: str
    value: float | None
    status: str = VERIFIED
    building_type: str | None = None
    id: int | None = None
    clause: str = ""

    @property
    def unverified(self) -> bool:
        return self.status != VERIFIED


def parse_condition(raw: dict) -> tuple[dict, dict[str, tuple[str, dict]]]:
    """A condition's fields from raw values, and every problem by field."""
    problems: dict[str, tuple[str, dict]] = {}
    kind = str(raw.get("kind") or "").strip()
    status = str(raw.get("status") or VERIFIED).strip()
    if status in _UNVERIFIED_WORDS:
        status = UNVERIFIED
    if kind not in CONDITION_KINDS:
        return {}, {"kind": ("parcel.condition_kind_unknown", {"value": kind})}
    if status not in CONDITION_STATUSES:
        problems["status"] = ("parcel.condition_status_unknown", {"value": status})
    value_raw = raw.get("value")
    value: float | None = None
    if value_raw not in (None, ""):
        try:
            if kind == MIN_STAR:
                value = float(parse_star(value_raw))
            else:
                value = float(str(value_raw).replace(",", ""))
                if value != value or value < 0:
                    raise ValueError(value_raw)
                if kind == MIN_PREFAB_PCT and value > 100:
                    problems["value"] = ("parcel.pct_out_of_range", {"value": value_raw})
        except ValueError:
            code = "parcel.star_unknown" if kind == MIN_STAR else "field.not_a_number"
            problems["value"] = (code, {"value": str(value_raw)})
    elif status == VERIFIED:
        problems["value"] = ("parcel.condition_value_required", {})
    building_type = str(raw.get("building_type") or "").strip() or None
    fields = {
        "kind": kind,
        "value": value,
        "status": status,
        "building_type": building_type if kind == MIN_STAR else None,
        "clause": str(raw.get("clause") or "").strip(),
        "document": str(raw.get("document") or "").strip(),
    }
    return fields, problems


@dataclass(frozen=True)
class Floor:
    """A policy floor: a minimum star level for buildings with some attributes (every given
    criterion must hold). Government funding is not a building attribute the registry keeps,
    so a floor for government-funded buildings is written as public building types."""

    min_star: int
    status: str = VERIFIED
    building_types: frozenset[str] = frozenset()
    public_only: bool = False
    min_floor_area_m2: float | None = None
    min_storeys: int | None = None
    id: int | None = None
    name: str = ""

    def applies_to(self, building: BuildingFacts) -> bool:
        from registry.domain.buildings.types import is_public

        if self.building_types and building.building_type not in self.building_types:
            return False
        if self.public_only and not is_public(building.building_type):
            return False
        if self.min_floor_area_m2 is not None and building.floor_area_m2 < self.min_floor_area_m2:
            return False
        if self.min_storeys is not None and (building.storeys or 0) < self.min_storeys:
            return False
        return True


@dataclass(frozen=True)
class BuildingFacts:
    building_type: str
    floor_area_m2: float
    storeys: int | None = None


@dataclass(frozen=True)
class Requirement:
    """A building's required star level: the highest of what applies, and whether it rests on
    anything unverified (then the building is never met on it)."""

    stars: int | None  # None: nothing asks for a level, or only unverified sources of no value
    unverified: bool
    sources: tuple[str, ...]  # "condition:<id>" / "floor:<id>", for the breach list
    # The highest level resting on verified sources alone: only falling short of it is a
    # breach (a stated but unverified level keeps the building pending, never met).
    verified_stars: int | None = None


def required_level(
    building: BuildingFacts, conditions: list[Condition], floors: list[Floor]
) -> Requirement:
    """The highest of the parcel's star conditions and the policy floors that apply."""
    stars: int | None = None
    verified: int | None = None
    unverified = False
    sources: list[str] = []
    for condition in conditions:
        if condition.kind != MIN_STAR:
            continue
        if condition.building_type and condition.building_type != building.building_type:
            continue
        unverified = unverified or condition.unverified
        sources.append(f"condition:{condition.id}")
        if condition.value is not None:
            stars = max(stars or 0, int(condition.value))
            if not condition.unverified:
                verified = max(verified or 0, int(condition.value))
    for floor in floors:
        if floor.applies_to(building):
            unverified = unverified or floor.status != VERIFIED
            sources.append(f"floor:{floor.id}")
            stars = max(stars or 0, floor.min_star)
            if floor.status == VERIFIED:
                verified = max(verified or 0, floor.min_star)
    return Requirement(
        stars=stars, unverified=unverified, sources=tuple(sources), verified_stars=verified
    )
