"""The words, tolerances and result types of the reference-model consistency check
(registry.domain.saving.consistency), and the per-zone helpers both its halves read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from registry.domain.saving.transform import surface_category
from registry.domain.text import NC_, names

# The tolerances are saving parameters (`consistency.<name>` rows of
# registry.domain.saving.data, editable and versioned): relative for areas, volumes, loads,
# infiltration and fresh air and the standard's values; degrees for orientation. Absolute
# floors keep rounding in a model's text from counting.
TOLERANCE_NAMES = (
    "area_rel",
    "area_abs_m2",
    "volume_rel",
    "load_rel",
    "air_rel",
    "orientation_deg",
    "standard_rel",
)


def tolerances(params: dict[str, dict]) -> dict[str, float]:
    """The comparison's tolerances from the parameters in force."""
    return {name: float(params[f"consistency.{name}"]["value"]) for name in TOLERANCE_NAMES}


OBJECT_CONTEXT = _OBJECT = "reference model object"
FIELD_CONTEXT = _FIELD = "reference model field"
ZONE, SCHEDULE, FACADE = (
    NC_("reference model object", "Zone"),
    NC_("reference model object", "Schedule"),
    NC_("reference model object", "Façade"),
)
CONSTRUCTION, LOADS = (
    NC_("reference model object", "Construction"),
    NC_("reference model object", "Internal loads"),
)
CATEGORIES = {
    "wall": NC_("reference model object", "Exterior walls"),
    "roof": NC_("reference model object", "Roofs"),
    "exposed_floor": NC_("reference model object", "Exposed floors"),
    "ground_floor": NC_("reference model object", "Ground floors"),
}
FACADES = {
    "north": NC_("reference model object", "north"),
    "east": NC_("reference model object", "east"),
    "south": NC_("reference model object", "south"),
    "west": NC_("reference model object", "west"),
}
LOAD_FIELDS = {
    "people": NC_("reference model field", "people"),
    "electric_equipment": NC_("reference model field", "electric equipment"),
    "gas_equipment": NC_("reference model field", "gas equipment"),
    "hot_water_equipment": NC_("reference model field", "hot water equipment"),
    "other_equipment": NC_("reference model field", "other equipment"),
}
F_FLOOR, F_VOLUME = (
    NC_("reference model field", "floor area"),
    NC_("reference model field", "volume"),
)
F_AREA, F_VALUES = NC_("reference model field", "area"), NC_("reference model field", "values")
F_SCHEDULES, F_LPD = (
    NC_("reference model field", "schedules"),
    NC_("reference model field", "lighting power density"),
)
F_U, F_R = NC_("reference model field", "U-value"), NC_("reference model field", "layer resistance")
IDEAL_LOADS = NC_("reference model object", "Ideal loads system")
INFILTRATION, FRESH_AIR = (
    NC_("reference model object", "Infiltration"),
    NC_("reference model object", "Fresh air"),
)
F_INFILTRATION, F_OUTDOOR_AIR = (
    NC_("reference model field", "infiltration rate"),
    NC_("reference model field", "outdoor air flow"),
)
F_HEATING_FUEL = NC_("reference model field", "heating fuel")
F_HEATING_EFFICIENCY = NC_("reference model field", "heating efficiency")
F_COOLING_FUEL = NC_("reference model field", "cooling fuel")
F_COOLING_EFFICIENCY = NC_("reference model field", "cooling efficiency")
F_HEAT_RECOVERY = NC_("reference model field", "heat recovery")
F_WINDOW_AREA = NC_("reference model field", "window area")
F_GLAZING_U, F_SHGC = (
    NC_("reference model field", "window U-value"),
    NC_("reference model field", "window SHGC"),
)


@dataclass
class Difference:
    code: str
    object: str
    name: str
    field: str = ""
    design: str = ""
    reference: str = ""
    tolerance: str = ""
    name_is_term: bool = False  # a word of ours (a façade), translated; else the model's name

    def message(self) -> tuple[str, dict]:
        """The message code and parameters that name this difference to a reader."""
        return self.code, {
            "object": names(_OBJECT, [self.object]),
            "name": names(_OBJECT, [self.name]) if self.name_is_term else self.name,
            "field": names(_FIELD, [self.field]) if self.field else "",
            "design": self.design,
            "reference": self.reference,
            "tolerance": self.tolerance,
        }


@dataclass
class Consistency:
    differences: list[Difference] = field(default_factory=list)
    findings: dict = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return not self.differences

    def as_params(self) -> dict:
        """The refusal's parameters, stored with the failed check (plain JSON)."""
        return {
            "count": len(self.differences),
            "differences": [asdict(d) | {"params": d.message()[1]} for d in self.differences],
        }


def pct(rel: float) -> str:
    return f"±{rel * 100:g}%"


def close(design: float, reference: float, rel: float, floor: float = 0.0) -> bool:
    return abs(design - reference) <= max(rel * abs(design), floor)


def m2(value: float) -> str:
    return f"{value:,.2f} m²"


def surface_kind(surface: dict) -> str | None:
    """Exterior wall, roof, exposed or ground floor: the generated transformation's kinds."""
    return surface_category(
        SimpleNamespace(
            Surface_Type=surface["type"], Outside_Boundary_Condition=surface["boundary"]
        )
    )


def amounts(facts: dict) -> dict[tuple[str, str], dict]:
    """Per zone and load kind: the amount (persons or W, one zone copy) and the schedules."""
    zones = facts["zones"]
    persons: dict[str, float] = {}
    out: dict[tuple[str, str], dict] = {}
    ordered = sorted(facts["loads"], key=lambda load: load["kind"] != "people")
    for load in ordered:
        zone = zones.get(load["zone"])
        area = zone["floor_area_m2"] if zone else None
        value = load["value"]
        if value is None or load["method"] not in ("absolute", "per_area", "per_person"):
            amount = None
        elif load["method"] == "absolute":
            amount = value
        elif load["method"] == "per_area" and not load["inverse"]:
            amount = value * area if area is not None else None
        elif load["inverse"]:
            amount = area / value if area is not None and value else None
        else:
            count = persons.get(load["zone"])
            amount = value * count if count is not None else None
        entry = out.setdefault(
            (load["zone"], load["kind"]), {"amount": 0.0, "schedules": set(), "exact": []}
        )
        if amount is None:  # a zone list or an unreadable value: compared as written
            entry["exact"].append((load["method"], value))
        else:
            entry["amount"] += amount
        entry["schedules"].add(load["schedule"].upper())
        if load["kind"] == "people" and amount is not None:
            persons[load["zone"]] = persons.get(load["zone"], 0.0) + amount
    return out


def load_text(kind: str, amount: float, exact: list) -> str:
    unit = "persons" if kind == "people" else "W"
    shown = f"{amount:,.1f} {unit}"
    return shown + "".join(f"; {method} {value}" for method, value in sorted(exact, key=str))
