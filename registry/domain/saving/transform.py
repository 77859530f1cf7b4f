"""What the reference-building transformation shares: the change list, the parameters and
small readers of eppy objects (the model is parsed and written by registry.domain.checks.idf)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_NOMASS_R = 0.001  # EnergyPlus's smallest Material:NoMass resistance, m²·K/W


@dataclass
class Change:
    object: str
    name: str
    field: str
    design: str
    reference: str
    source: str


@dataclass
class Reference:
    text: str
    changes: list[dict]
    wwr: dict[str, dict[str, float]]  # façade -> {design, reference}


def num(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def fmt(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"


class Transform:
    def __init__(self, idf, params: dict[str, dict]):
        self.idf = idf
        self.params = params
        self.changes: list[Change] = []

    def value(self, key: str) -> float:
        return float(self.params[key]["value"])

    def source(self, key: str) -> str:
        row = self.params[key]
        return f"{row['standard']} {row['clause']}"

    def change(self, obj: str, name: str, field: str, design, reference, key: str) -> None:
        self.changes.append(Change(obj, name, field, str(design), str(reference), self.source(key)))

    def objects(self, key: str) -> list:
        return list(self.idf.idfobjects[key.upper()])

    def named(self, key: str, name: str):
        for obj in self.idf.idfobjects[key.upper()]:
            if str(obj.Name).upper() == name.upper():
                return obj
        return None


def surface_category(surface) -> str | None:
    kind = str(surface.Surface_Type).lower()
    boundary = str(surface.Outside_Boundary_Condition).lower()
    if boundary == "outdoors":
        return {"wall": "wall", "roof": "roof", "ceiling": "roof", "floor": "exposed_floor"}.get(
            kind
        )
    if boundary.startswith("ground") and kind == "floor":
        return "ground_floor"
    return None


def layer_names(construction) -> list[str]:
    return [str(v) for v in construction.obj[2:] if str(v).strip()]
