"""Verified savings of a public-building efficiency upgrade (公共建筑能效提升): the measured
energy of the year before and the year after the works, the after-year normalised to the
before-year's weather by degree-days.

Method (stated on every result):

- Both years go through the quota accounting (`account.measured_account`): heating and
  non-heating energy in kgce, electricity at 0.31 kgce/kWh.
- Heating energy scales with heating degree-days: H_after,norm = H_after × HDD_before /
  HDD_after.
- Cooling energy, where twelve months of electricity show it, is the summer excess
  (June–September above the mean of April, May and October) at 0.31 kgce/kWh; it scales with
  cooling degree-days the same way. Without months, nothing is treated as cooling and the
  non-heating energy is not normalised.
- Everything else is taken as weather-independent.
- Saving rate = 1 − E_after,norm / E_before, on total energy (not per m²: an upgrade may
  change the area; if it did, the result says so and the rate should be read with care).

Limits: degree-day scaling assumes heating and cooling energy proportional to degree-days
(no base load in them, no change of occupancy or hours between the years); it is the simple
method of IPMVP Option C without a regression, good for a screening figure, not an M&V
report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.domain.checks import accounting as acc
from registry.domain.metered.account import measured_account
from registry.domain.metered.energy import MeasuredYear

COOLING_MONTHS = (6, 7, 8, 9)
SHOULDER_MONTHS = (4, 5, 10)


@dataclass
class Savings:
    before_year: int
    after_year: int
    before_kgce: float | None = None
    after_kgce: float | None = None
    after_normalised_kgce: float | None = None
    saving_rate_pct: float | None = None
    parts: dict = field(default_factory=dict)
    reason: tuple[str, dict] | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)


def _cooling_kgce(year: MeasuredYear) -> float | None:
    if not (year.monthly and year.complete):
        return None
    series = year.month_series("electricity_kwh")
    base = sum(series.get(m, 0.0) for m in SHOULDER_MONTHS) / len(SHOULDER_MONTHS)
    excess = sum(max(0.0, series.get(m, 0.0) - base) for m in COOLING_MONTHS)
    return excess * acc.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH


def normalised_savings(
    before: MeasuredYear,
    after: MeasuredYear,
    heating_type: str | None,
    *,
    hdd_before: float,
    hdd_after: float,
    cdd_before: float | None = None,
    cdd_after: float | None = None,
) -> Savings:
    """The weather-normalised saving of `after` against `before` (see the module text)."""
    out = Savings(before_year=before.year, after_year=after.year)
    for year in (before, after):
        if not year.complete:
            out.reason = ("savings.incomplete_year", {"year": year.year})
            return out
    if hdd_before <= 0 or hdd_after <= 0:
        out.reason = ("savings.degree_days_missing", {})
        return out
    b = measured_account(before, heating_type).account
    a = measured_account(after, heating_type).account
    out.before_kgce = b.heating_kgce + b.non_heating_kgce
    out.after_kgce = a.heating_kgce + a.non_heating_kgce
    heating_norm = a.heating_kgce * hdd_before / hdd_after
    cooling = _cooling_kgce(after)
    cooling_norm = 0.0
    if cooling is not None and cdd_before and cdd_after and cdd_after > 0:
        cooling = min(cooling, a.non_heating_kgce)
        cooling_norm = cooling * cdd_before / cdd_after
        out.notes.append(("savings.cooling_normalised", {"kgce": f"{cooling:,.0f}"}))
    else:
        cooling = 0.0
        out.notes.append(("savings.cooling_not_normalised", {}))
    base = a.non_heating_kgce - cooling
    out.after_normalised_kgce = heating_norm + cooling_norm + base
    out.parts = {
        "heating_kgce": a.heating_kgce,
        "heating_normalised_kgce": heating_norm,
        "cooling_kgce": cooling,
        "cooling_normalised_kgce": cooling_norm,
        "base_kgce": base,
        "hdd_before": hdd_before,
        "hdd_after": hdd_after,
        "cdd_before": cdd_before,
        "cdd_after": cdd_after,
    }
    if out.before_kgce > 0:
        out.saving_rate_pct = (1 - out.after_normalised_kgce / out.before_kgce) * 100
    out.notes.insert(0, ("savings.method", {}))
    return out


def meets_requirement(saving_rate_pct: float | None, required_pct: float) -> bool | None:
    """Whether a verified saving reaches the programme's requirement (None: no saving rate)."""
    return None if saving_rate_pct is None else saving_rate_pct >= required_pct
