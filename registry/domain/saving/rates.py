"""The energy-saving rates of GB/T 51350-2019 from the two runs' end uses, and the level met.

Energy basis: the end uses in `data.COUNTED_END_USES` (heating, cooling, ventilation,
lighting, pumps, hot water; not plug loads), each fuel converted to electricity equivalent
with the `factor.*` parameters (GB 50189-2015 Appendix B's conversion, recalled, unverified).

- building-itself rate (建筑本体节能率) = (reference − design) / reference, design without
  on-site renewables;
- comprehensive rate (建筑综合节能率) = (reference − (design − renewables)) / reference;
- renewable share (可再生能源利用率) = renewables / design;
- level (public building, cold zone): `zero` when renewables cover the design's whole
  energy and the nearly-zero itself rate holds; `nearly_zero`, `ultra_low` by the thresholds;
  else `none`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from registry.domain.checks.results import to_kwh
from registry.domain.saving.data import COUNTED_END_USES, FUEL_FACTORS
from registry.domain.text import NC_

LEVELS = ("none", "ultra_low", "nearly_zero", "zero")
LEVEL_NAMES = {
    "none": NC_("saving level", "none of the levels"),
    "ultra_low": NC_("saving level", "ultra-low energy"),
    "nearly_zero": NC_("saving level", "nearly zero energy"),
    "zero": NC_("saving level", "zero energy"),
}


@dataclass(frozen=True)
class Rates:
    design_kwh: float
    reference_kwh: float
    renewable_kwh: float
    itself_pct: float
    comprehensive_pct: float
    renewable_pct: float
    level_met: str
    # The airtightness the designer declares (n50, 1/h) and its limit; None: not declared.
    n50_declared: float | None = None
    n50_max: float | None = None


def basis_kwh(by_end_use_kwh: dict[tuple[str, str], float], params: dict[str, dict]) -> float:
    """Energy of the counted end uses on the basis, kWh a year; an unknown fuel is refused."""
    total = 0.0
    for (end_use, fuel), kwh in by_end_use_kwh.items():
        if end_use not in COUNTED_END_USES or not kwh:
            continue
        key = FUEL_FACTORS.get(fuel)
        if key is None:
            raise ValueError(f"no energy-basis factor for fuel {fuel!r}")
        total += kwh * float(params[key]["value"])
    return total


def _pct(saved: float, reference: float) -> float:
    return 100.0 * saved / reference if reference > 0 else 0.0


def level_met(itself: float, comprehensive: float, renewable: float, covered: bool, params):
    def at_least(value: float, key: str) -> bool:
        return value >= float(params[key]["value"]) - 1e-9

    nearly_zero = (
        at_least(comprehensive, "public.nearly_zero.comprehensive_pct")
        and at_least(itself, "public.nearly_zero.itself_pct")
        and at_least(renewable, "public.nearly_zero.renewable_pct")
    )
    if covered and at_least(itself, "public.nearly_zero.itself_pct"):
        return "zero"
    if nearly_zero:
        return "nearly_zero"
    if at_least(comprehensive, "public.ultra_low.comprehensive_pct") and at_least(
        itself, "public.ultra_low.itself_pct"
    ):
        return "ultra_low"
    return "none"


def saving_rates(
    design_end_uses: dict[tuple[str, str], float],
    reference_end_uses: dict[tuple[str, str], float],
    renewable_electricity_kwh: float,
    params: dict[str, dict],
    n50: float | None = None,
) -> Rates:
    """The rates; a declared n50 above the limit meets no level (GB/T 51350 asks both)."""
    design = basis_kwh(design_end_uses, params)
    reference = basis_kwh(reference_end_uses, params)
    renewable = renewable_electricity_kwh * float(params["factor.electricity"]["value"])
    itself = _pct(reference - design, reference)
    comprehensive = _pct(reference - (design - renewable), reference)
    share = 100.0 * renewable / design if design > 0 else 0.0
    covered = renewable > 0 and renewable >= design
    n50_max = float(params["public.n50_max"]["value"])
    level = level_met(itself, comprehensive, share, covered, params)
    if n50 is not None and n50 > n50_max + 1e-9:
        level = "none"
    return Rates(
        design_kwh=design,
        reference_kwh=reference,
        renewable_kwh=renewable,
        itself_pct=itself,
        comprehensive_pct=comprehensive,
        renewable_pct=share,
        level_met=level,
        n50_declared=n50,
        n50_max=n50_max,
    )


def read_renewable_kwh(sql_path: str | Path) -> float:
    """On-site photovoltaic and wind electricity of a run (ABUPS 'Electric Loads Satisfied')."""
    connection = sqlite3.connect(f"{Path(sql_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT RowName, ColumnName, Units, Value FROM TabularDataWithStrings "
            "WHERE ReportName = 'AnnualBuildingUtilityPerformanceSummary' "
            "AND TableName = 'Electric Loads Satisfied'"
        ).fetchall()
    finally:
        connection.close()
    total = 0.0
    for row, _column, units, value in rows:
        if row.strip() in ("Photovoltaic Power", "Wind Power"):
            total += to_kwh(value, units) or 0.0
    return total
