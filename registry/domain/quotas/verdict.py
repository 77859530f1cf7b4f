"""Energy quotas as data, which row applies to a building, and where a value falls.

Two families of quota apply to Qingdao's public buildings (FACTS.md §1, §2):

- the Shandong public-institution series DB37/T 2671 / 2672 / 2673 / 3780: three levels
  (约束值 ≥ 基准值 ≥ 引导值) in kgce/(m²·a) for non-heating and, separately, heating energy
  by heating type, and kWh/(m²·a) for the electricity of conventional systems;
- GB/T 51161-2016: non-heating energy in kWh/(m²·a) with two levels (约束值, 引导值) by
  A/B class. Its values were recalled, not read, so every row is `unverified`.

When both apply to a basis, the better-sourced row decides; the other is named in a note.
Nothing here guesses: a building that no row fits gets the reason instead of a verdict.

Both families are statistics of *measured* annual operation; the registry compares them
with a design-stage EnergyPlus simulation, so every verdict carries that caveat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from registry.domain.buildings.types import BUILDING_TYPES, HEATING_TYPES, SUB_TYPES
from registry.domain.quotas.correction import OfficeCorrection, office_correction
from registry.domain.text import NC_, names

BASIS_NON_HEATING = "non_heating"
BASIS_HEATING = "heating"
BASIS_CONVENTIONAL_ELECTRICITY = "conventional_electricity"
BASES = (BASIS_NON_HEATING, BASIS_HEATING, BASIS_CONVENTIONAL_ELECTRICITY)

STATUSES = ("verified-primary", "verified-secondary", "derived", "unverified")
VERIFIED = ("verified-primary", "verified-secondary")

# From the better target to the upper limit.
LEVELS = ("guide", "baseline", "constraint")
LEVEL_NAMES = {
    "guide": NC_("quota level", "guide value"),
    "baseline": NC_("quota level", "baseline value"),
    "constraint": NC_("quota level", "constraint value"),
}

# Qingdao is fixed at 寒冷A (FACTS §5.1, §7.5): rows for that sub-zone, rows of Shandong
# tables with no A/B split, and the 严寒和寒冷 column of GB/T 51161 all apply.
QINGDAO_ZONES = ("cold_A", "shandong", "cold")

DB37_PREFIX = "DB37/T"
GB51161 = "GB/T 51161-2016"


@dataclass(frozen=True)
class QuotaRowData:
    """One row of one quota table: which buildings it covers and its levels."""

    key: str
    standard: str
    table: str
    climate_zone: str
    building_type: str
    sub_types: tuple[str, ...]  # empty: every sub-type of the building type
    hvac_class: str | None  # None: either class
    heating_type: str | None  # set only on heating rows
    basis: str
    unit: str  # kgce/(m2·a) | kWh/(m2·a)
    guide: float | None
    baseline: float | None
    constraint: float | None
    source: str
    source_status: str
    notes: str = ""
    version: int = 1
    row_id: int | None = None

    # Cached: a city's quota list reads them tens of thousands of times (the row is frozen).
    @cached_property
    def levels(self) -> dict[str, float | None]:
        return {"guide": self.guide, "baseline": self.baseline, "constraint": self.constraint}

    @cached_property
    def has_levels(self) -> bool:
        return any(v is not None for v in self.levels.values())

    def covers(self, building: BuildingFacts) -> bool:
        return (
            self.building_type == building.building_type
            and (not self.sub_types or building.sub_type in self.sub_types)
            and (self.hvac_class is None or self.hvac_class == building.hvac_class)
            and (self.heating_type is None or self.heating_type == building.heating_type)
        )


@dataclass(frozen=True)
class BuildingFacts:
    """What the quota choice needs to know about a registered building."""

    building_type: str
    sub_type: str | None = None
    hvac_class: str | None = None
    heating_type: str | None = None
    floor_area_m2: float | None = None
    annual_use_hours: float | None = None
    area_per_person_m2: float | None = None


@dataclass
class Choice:
    """The row that applies for one basis, or why none does."""

    basis: str
    row: QuotaRowData | None = None
    reason: tuple[str, dict] | None = None
    # Rows that also fit but lost on source quality; named in the verdict's notes.
    also_applicable: list[QuotaRowData] = field(default_factory=list)


def _rank(row: QuotaRowData) -> tuple[int, int, str]:
    status = STATUSES.index(row.source_status) if row.source_status in STATUSES else 99
    family = 0 if row.standard.startswith(DB37_PREFIX) else 1
    return (status, family, row.key)


def _named(context: str, table: dict[str, str], code: str):
    """A code as a message parameter: its name, shown in the reader's language; a code the
    vocabulary does not know, as it is."""
    return names(context, [table[code]]) if code in table else code


def _why_not(building: BuildingFacts, rows: list[QuotaRowData]) -> tuple[str, dict]:
    """The first registration fact that keeps every one of `rows` from fitting."""
    standard = rows[0].standard
    if any(r.sub_types for r in rows):
        if not building.sub_type:
            return "quota.sub_type_missing", {"standard": standard}
        rows = [r for r in rows if not r.sub_types or building.sub_type in r.sub_types]
        if not rows:
            return "quota.sub_type_not_covered", {
                "standard": standard,
                "sub_type": _named(
                    "building sub-type",
                    SUB_TYPES.get(building.building_type, {}),
                    building.sub_type,
                ),
            }
    if any(r.hvac_class for r in rows):
        if not building.hvac_class:
            return "quota.hvac_class_missing", {"standard": standard}
        rows = [r for r in rows if r.hvac_class in (None, building.hvac_class)]
        if not rows:
            return "quota.hvac_class_not_covered", {
                "standard": standard,
                "hvac_class": building.hvac_class,
            }
    if any(r.heating_type for r in rows):
        if not building.heating_type:
            return "quota.heating_type_missing", {"standard": standard}
        return "quota.heating_type_not_covered", {
            "standard": standard,
            "heating_type": _named("heating type", HEATING_TYPES, building.heating_type),
        }
    return "quota.no_row", {"standard": standard}


def choose(building: BuildingFacts, rows: list[QuotaRowData], basis: str) -> Choice:
    """The best-sourced row of `basis` that covers `building`, or the reason there is none."""
    choice = Choice(basis=basis)
    candidates = [
        r
        for r in rows
        if r.basis == basis
        and r.building_type == building.building_type
        and r.climate_zone in QINGDAO_ZONES
    ]
    if not candidates:
        if not any(r.building_type == building.building_type for r in rows):
            name = _named("building type", BUILDING_TYPES, building.building_type)
            choice.reason = ("quota.type_not_covered", {"building_type": name})
        else:
            choice.reason = ("quota.basis_not_covered", {"basis": basis})
        return choice
    fitting = sorted((r for r in candidates if r.covers(building)), key=_rank)
    if fitting:
        choice.row, choice.also_applicable = fitting[0], fitting[1:]
        return choice
    by_standard: dict[str, list[QuotaRowData]] = {}
    for row in sorted(candidates, key=_rank):
        by_standard.setdefault(row.standard, []).append(row)
    choice.reason = _why_not(building, next(iter(by_standard.values())))
    return choice


@dataclass(frozen=True)
class Band:
    """Where a value falls: at or below a level (`le_…`) or above the highest (`gt_…`)."""

    code: str
    level: str

    @property
    def above(self) -> bool:
        return self.code.startswith("gt_")


def classify(value: float, levels: dict[str, float | None]) -> Band | None:
    """The band of `value` among the levels the row has; None when it has none.

    A DB37/T row gives four bands (≤引导值, ≤基准值, ≤约束值, >约束值); a GB/T 51161 row,
    which has no 基准值, gives three.
    """
    present = [(name, levels[name]) for name in LEVELS if levels.get(name) is not None]
    if not present:
        return None
    for name, limit in present:
        if value <= limit:
            return Band(f"le_{name}", name)
    top = present[-1][0]
    return Band(f"gt_{top}", top)


def margins(value: float, levels: dict[str, float | None]) -> dict[str, dict]:
    """Headroom to each present level: positive means below it, in the row's unit and %."""
    out = {}
    for name in LEVELS:
        limit = levels.get(name)
        if limit is None:
            continue
        out[name] = {
            "level": limit,
            "margin": limit - value,
            "margin_pct": (limit - value) / limit * 100 if limit else None,
        }
    return out


def validate_levels(levels: dict[str, float | None]) -> list[tuple[str, str, dict]]:
    """Field errors for a row's levels: positive, and guide ≤ baseline ≤ constraint."""
    errors = []
    for name in LEVELS:
        value = levels.get(name)
        if value is not None and value <= 0:
            errors.append((name, "quota.level_not_positive", {}))
    present = [(n, levels[n]) for n in LEVELS if levels.get(n) is not None]
    for (low_name, low), (high_name, high) in zip(present, present[1:], strict=False):
        if low > high:
            errors.append(
                (
                    high_name,
                    "quota.levels_out_of_order",
                    {"low": LEVEL_NAMES[low_name], "high": LEVEL_NAMES[high_name]},
                )
            )
    return errors


def typeset_unit(unit: str | None) -> str:
    """A stored unit as printed: 'kgce/(m2·a)' -> 'kgce/(m²·a)'."""
    return (unit or "").replace("m2", "m²").replace("m3", "m³")


def action_code(row: QuotaRowData, band: Band) -> str:
    """The message code of what the band means for the building."""
    if row.standard.startswith(DB37_PREFIX):
        return f"quota.action.db37.{band.code}"
    if row.standard == GB51161:
        return f"quota.action.gb51161.{band.code}"
    return f"quota.action.generic.{'above' if band.above else 'within'}"


def correction_applies(row: QuotaRowData) -> bool:
    """Only GB/T 51161 office rows define the use-time and density correction."""
    return row.standard == GB51161 and row.building_type in (
        "office_government",
        "office_commercial",
    )


# -- the verdict of one basis, wherever the energy came from ---------------------------------


class EnergyAccountLike:  # documentation only: the attributes `indicator_value` reads
    non_heating_kgce: float
    heating_kgce: float
    conventional_electricity_kwh: float
    non_heating_non_electric_kwh: float


def indicator_value(
    basis: str,
    row: QuotaRowData,
    account: EnergyAccountLike,
    *,
    area_m2: float,
    heated_area_m2: float | None = None,
) -> float | None:
    """The indicator of `basis` in `row`'s unit, before any correction; None if they do not fit.

    `account` is an annual energy account (`domain.checks.accounting.EnergyAccount`) whether
    it was simulated or measured; the heating indicator divides by the heated area when one
    is known, else by the floor area.
    """
    if not area_m2 or area_m2 <= 0:
        return None
    if row.unit.startswith("kgce") and basis == BASIS_NON_HEATING:
        return account.non_heating_kgce / area_m2
    if row.unit.startswith("kgce") and basis == BASIS_HEATING:
        return account.heating_kgce / (heated_area_m2 or area_m2)
    if row.unit.startswith("kWh") and basis == BASIS_CONVENTIONAL_ELECTRICITY:
        return account.conventional_electricity_kwh / area_m2
    if row.unit.startswith("kWh") and basis == BASIS_NON_HEATING:
        return (account.conventional_electricity_kwh + account.non_heating_non_electric_kwh) / (
            area_m2
        )
    return None


@dataclass(frozen=True)
class Judgement:
    """One basis judged: the row, the indicator before and after correction, the band."""

    basis: str
    row: QuotaRowData | None = None
    reason: tuple[str, dict] | None = None
    raw_value: float | None = None
    correction: OfficeCorrection | None = None
    value: float | None = None
    band: Band | None = None

    @property
    def margins(self) -> dict[str, dict]:
        if self.value is None or self.row is None:
            return {}
        return margins(self.value, self.row.levels)


def judge(
    basis: str,
    building: BuildingFacts,
    rows: list[QuotaRowData],
    account: EnergyAccountLike,
    *,
    area_m2: float,
    heated_area_m2: float | None = None,
    row: QuotaRowData | None = None,
) -> Judgement:
    """The one verdict: choose the row (or take the pinned `row`), compute the indicator,
    apply the GB/T 51161 office correction where the row defines it, classify.

    Used for simulated checks and for measured years alike; only the account and the areas
    differ. `building.annual_use_hours` and `area_per_person_m2` feed the correction.
    """
    if row is None:
        choice = choose(building, rows, basis)
        if choice.row is None:
            return Judgement(basis=basis, reason=choice.reason)
        row = choice.row
    raw = indicator_value(basis, row, account, area_m2=area_m2, heated_area_m2=heated_area_m2)
    if raw is None:
        return Judgement(basis=basis, row=row, reason=("quota.no_row", {"standard": row.standard}))
    correction = (
        office_correction(building.annual_use_hours, building.area_per_person_m2)
        if correction_applies(row)
        else OfficeCorrection(applied=False)
    )
    value = raw * correction.factor
    return Judgement(
        basis=basis,
        row=row,
        # A row printed as '—' has no levels: the figure stands, there is nothing to judge by.
        reason=None
        if row.has_levels
        else ("quota.table_dash", {"standard": row.standard, "table": row.table}),
        raw_value=raw,
        correction=correction,
        value=value,
        band=classify(value, row.levels),
    )
