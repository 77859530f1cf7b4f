"""A building's measured energy for one year: the meter totals, monthly values summed, and
whether the year is complete enough to be judged.

What a year holds (all annual, site quantities as metered or billed):

- electricity from the grid, kWh; natural gas, m³; district heat, GJ (kWh converts at
  0.0036 GJ/kWh); diesel/fuel oil, LPG and coal, kg; any other fuel already in kgce;
- on-site PV generation, kWh (recorded, see `account.py` for why it is not subtracted);
- the heated area, annual operating hours and occupants where a quota's corrections need
  them (they override the building's registered values for that year);
- what the data exclude (data centre, kitchen, garage): the excluded floor area and the
  excluded electricity / gas, which the standards take out of both sides of the indicator;
- the source: the energy monitoring platform (能耗监测平台), bills (账单) or an energy audit.

A year is given either as one annual row or as months. Months are summed; a year with any
of the twelve months missing is kept (the officer can see it) but flagged incomplete and
never judged: a quota is an annual figure and eleven months would flatter the building.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

ENERGY_FIELDS = (
    "electricity_kwh",
    "natural_gas_m3",
    "district_heat_gj",
    "oil_kg",
    "lpg_kg",
    "coal_kg",
    "other_kgce",
    "pv_generation_kwh",
    "excluded_electricity_kwh",
    "excluded_natural_gas_m3",
)
# Carried by the year, not summed over months: a month gives them or the year's row does.
CONTEXT_FIELDS = ("heated_area_m2", "operating_hours", "occupants", "excluded_area_m2")
UNITS = {
    "electricity_kwh": "kWh",
    "natural_gas_m3": "m3",
    "district_heat_gj": "GJ",
    "oil_kg": "kg",
    "lpg_kg": "kg",
    "coal_kg": "kg",
    "other_kgce": "kgce",
    "pv_generation_kwh": "kWh",
    "excluded_electricity_kwh": "kWh",
    "excluded_natural_gas_m3": "m3",
    "heated_area_m2": "m2",
    "operating_hours": "h",
    "occupants": "persons",
    "excluded_area_m2": "m2",
}
GJ_PER_KWH = 0.0036
MONTHS = tuple(range(1, 13))

SOURCES = ("platform", "bill", "audit")  # 能耗监测平台 | 账单 | 能源审计


@dataclass(frozen=True)
class MeasuredYear:
    """One building's metered year. `months` maps 1–12 to that month's energy values; empty
    when the year was given as annual totals."""

    year: int
    electricity_kwh: float | None = None
    natural_gas_m3: float | None = None
    district_heat_gj: float | None = None
    oil_kg: float | None = None
    lpg_kg: float | None = None
    coal_kg: float | None = None
    other_kgce: float | None = None
    pv_generation_kwh: float | None = None
    excluded_electricity_kwh: float | None = None
    excluded_natural_gas_m3: float | None = None
    heated_area_m2: float | None = None
    operating_hours: float | None = None
    occupants: float | None = None
    excluded_area_m2: float | None = None
    source: str = "platform"
    months: Mapping[int, Mapping[str, float]] = field(default_factory=dict)

    @property
    def monthly(self) -> bool:
        return bool(self.months)

    @property
    def missing_months(self) -> list[int]:
        """The months a monthly year lacks; [] for an annual year."""
        if not self.months:
            return []
        return [m for m in MONTHS if m not in self.months]

    @property
    def complete(self) -> bool:
        return not self.missing_months

    def value(self, name: str) -> float:
        return getattr(self, name) or 0.0

    def month_series(self, name: str) -> dict[int, float]:
        return {m: float(v.get(name) or 0.0) for m, v in self.months.items()}

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "months"}
        out["months"] = {str(m): dict(v) for m, v in sorted(self.months.items())}
        out["missing_months"] = self.missing_months
        out["complete"] = self.complete
        return out


def sum_months(
    year: int, months: Mapping[int, Mapping[str, float | None]], **context
) -> MeasuredYear:
    """A year from its months: each energy field is the sum of the months that give it (None
    when no month does); `context` carries the year's heated area, hours, occupants…"""
    totals: dict[str, float | None] = {}
    for name in ENERGY_FIELDS:
        given = [v[name] for v in months.values() if v.get(name) is not None]
        totals[name] = sum(given) if given else None
    clean = {
        int(m): {k: float(x) for k, x in v.items() if x is not None and k in ENERGY_FIELDS}
        for m, v in months.items()
    }
    return MeasuredYear(year=year, months=clean, **totals, **context)


def merge_months(parts: Iterable[tuple[int, Mapping[str, float | None]]]) -> dict[int, dict]:
    """Month rows into {month: values}; a month given twice adds up (two meters' rows)."""
    out: dict[int, dict] = {}
    for month, values in parts:
        into = out.setdefault(month, {})
        for name, value in values.items():
            if value is None:
                continue
            into[name] = into.get(name, 0.0) + value
    return out


def with_context(year: MeasuredYear, **context) -> MeasuredYear:
    return replace(year, **{k: v for k, v in context.items() if v is not None})
