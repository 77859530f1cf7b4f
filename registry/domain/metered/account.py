"""A measured year as the energy account the quota verdict reads, split into heating and
non-heating by the building's heating type, with every conversion and rule on the record.

Conversions are the simulated checks' (`domain.checks.accounting`): electricity 0.31
kgce/kWh, natural gas 1.2143 kgce/m³, heat 0.03412 kgce/MJ (1 GJ = 1000 MJ). Fuels metered
by mass use the reference factors below, which were recalled from GB/T 2589 Appendix A and
are marked unverified on every result that uses them.

The split (measured data have no end uses):

- district heating: the district heat is heating; electricity, gas and other fuels are
  non-heating (as DB37/T counts heating circulation pumps and fans: non-heating).
- gas or oil boiler: coal, oil and LPG are boiler fuel (heating); natural gas is split by
  the *heating-season excess*: the mean monthly gas of the non-heating months (May–Oct) is
  taken as the building's non-heating gas (kitchen, hot water) in every month, and what the
  heating months (Nov–Mar) burn above it is heating. Limits, stated on the result: it needs
  twelve months; winter hot water is warmer-fed and larger, so heating is somewhat
  overstated; the half months of the season (16 Nov starts, 5 Apr ends, Qingdao) are
  counted whole in Nov and not at all in April. Given only annual totals, the gas cannot
  be split: only the electricity indicator (all non-heating) is judged.
- heat pump / air-conditioning heating: electricity is split the same way, with the
  shoulder months (Apr, May, Oct — neither heating nor much cooling) as the baseline; the
  excess in Nov–Mar is heating. Cooling is not in those months, so it stays non-heating.
  Annual totals alone cannot be split; nothing is judged.
- no heating type registered: bought district heat is heating (it can be nothing else),
  everything else is non-heating, and the result says the heating quota cannot be chosen.

On-site PV is not subtracted: the grid meter already reads only what the building drew
from the grid, so the PV output used on site is out of the figures (DB37/T 2671 §5.1.4
leaves renewables out); subtracting the generation again would count it twice.

Exclusions (data centre, kitchen, garage with their own meters) come off the non-heating
electricity and gas, and their floor area off the area the indicators divide by.

A year with no electricity reading at all (the column absent or every cell blank, not a
reading of 0) is not judged on the non-heating or electricity indicators: every public
building draws electricity, so the blank is missing data, and counting it as zero would put
the building in the best band for what was left out. Its heating indicator is still judged
where the heating is not electric.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.checks import accounting as acc
from registry.domain.metered.energy import GJ_PER_KWH, MeasuredYear
from registry.domain.quotas.verdict import BASES, BASIS_CONVENTIONAL_ELECTRICITY, BASIS_HEATING

# Recalled reference factors (GB/T 2589-2020 Appendix A), kgce/kg: unverified.
MASS_FACTORS_KGCE_PER_KG = {"oil_kg": 1.4571, "lpg_kg": 1.7143, "coal_kg": 0.7143}
MASS_FUEL_NAMES = {"oil_kg": "Diesel", "lpg_kg": "Propane", "coal_kg": "Coal"}

HEATING_MONTHS = (11, 12, 1, 2, 3)
GAS_BASELINE_MONTHS = (5, 6, 7, 8, 9, 10)
ELECTRIC_BASELINE_MONTHS = (4, 5, 10)

_DEFAULT_FACTOR = acc.electricity_factor()

SPLIT_DISTRICT = "district"
SPLIT_GAS_EXCESS = "gas_excess"
SPLIT_ELECTRIC_EXCESS = "electric_excess"
SPLIT_NONE = "no_heating_type"
SPLIT_UNSUPPORTED = "annual_only"


@dataclass
class MeasuredAccount:
    """The split account, which indicators the data support, and how it was reached."""

    account: acc.EnergyAccount
    method: str
    supported: tuple[str, ...]  # bases the data can judge
    unsupported_reason: tuple[str, dict] | None = None
    heating_share_pct: float | None = None


def _excess(series: dict[int, float], baseline_months: tuple[int, ...]) -> tuple[float, float]:
    """(baseline per month, Σ over heating months of the excess above it, never negative)."""
    baseline = sum(series.get(m, 0.0) for m in baseline_months) / len(baseline_months)
    excess = sum(max(0.0, series.get(m, 0.0) - baseline) for m in HEATING_MONTHS)
    return baseline, excess


def measured_account(
    year: MeasuredYear,
    heating_type: str | None,
    *,
    electricity_kgce_per_kwh: float = acc.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH,
) -> MeasuredAccount:
    """Split and convert one measured year; see the module text for the rules."""
    factor = (
        _DEFAULT_FACTOR
        if electricity_kgce_per_kwh == acc.ELECTRICITY_EQUIVALENT_KGCE_PER_KWH
        else acc.electricity_factor(electricity_kgce_per_kwh)
    )
    out = acc.EnergyAccount(factors=[factor, *acc.BASE_FACTORS])
    notes = out.notes
    electricity = max(0.0, year.value("electricity_kwh") - year.value("excluded_electricity_kwh"))
    gas_m3 = max(0.0, year.value("natural_gas_m3") - year.value("excluded_natural_gas_m3"))
    heat_gj = year.value("district_heat_gj")
    gas_kwh_per_m3 = acc.NATURAL_GAS_MJ_PER_M3 / acc.MJ_PER_KWH
    heating_electricity = 0.0
    heating_gas_m3 = 0.0
    supported: tuple[str, ...] = BASES
    reason = None
    share = None
    mass_heating = False
    electric = False  # heated by electricity (air-conditioning / heat pump)

    if heating_type == "district":
        method = SPLIT_DISTRICT
        notes.append(("metered.split.district", {}))
    elif heating_type == "gas_oil":
        mass_heating = True
        if year.monthly and year.complete and year.natural_gas_m3:
            method = SPLIT_GAS_EXCESS
            series = year.month_series("natural_gas_m3")
            baseline, excess = _excess(series, GAS_BASELINE_MONTHS)
            heating_gas_m3 = min(excess, gas_m3)
            share = heating_gas_m3 / gas_m3 * 100 if gas_m3 else None
            notes.append(
                (
                    "metered.split.gas_excess",
                    {
                        "baseline": f"{baseline:,.0f}",
                        "heating": f"{heating_gas_m3:,.0f}",
                        "total": f"{gas_m3:,.0f}",
                    },
                )
            )
            notes.append(("metered.split.excess_limits", {}))
        elif year.natural_gas_m3:
            method = SPLIT_UNSUPPORTED
            supported = (BASIS_CONVENTIONAL_ELECTRICITY,)
            reason = ("metered.split.needs_months_gas", {})
            notes.append(reason)
        else:
            method = SPLIT_GAS_EXCESS  # no gas at all: nothing to split
    elif heating_type == "air_conditioning":
        electric = True
        if year.monthly and year.complete:
            method = SPLIT_ELECTRIC_EXCESS
            series = year.month_series("electricity_kwh")
            excluded = year.month_series("excluded_electricity_kwh")
            series = {m: v - excluded.get(m, 0.0) for m, v in series.items()}
            baseline, excess = _excess(series, ELECTRIC_BASELINE_MONTHS)
            heating_electricity = min(excess, electricity)
            share = heating_electricity / electricity * 100 if electricity else None
            notes.append(
                (
                    "metered.split.electric_excess",
                    {
                        "baseline": f"{baseline:,.0f}",
                        "heating": f"{heating_electricity:,.0f}",
                        "total": f"{electricity:,.0f}",
                    },
                )
            )
            notes.append(("metered.split.excess_limits", {}))
        else:
            method = SPLIT_UNSUPPORTED
            supported = ()
            reason = ("metered.split.needs_months_electric", {})
            notes.append(reason)
    else:
        method = SPLIT_NONE
        notes.append(("metered.split.none", {}))

    def put(part: dict, fuel: str, kwh: float) -> None:
        if kwh:
            part[fuel] = part.get(fuel, 0.0) + kwh

    heating, non_heating = out.heating_kwh_by_fuel, out.non_heating_kwh_by_fuel
    put(heating, acc.ELECTRICITY, heating_electricity)
    put(non_heating, acc.ELECTRICITY, electricity - heating_electricity)
    put(heating, acc.NATURAL_GAS, heating_gas_m3 * gas_kwh_per_m3)
    put(non_heating, acc.NATURAL_GAS, (gas_m3 - heating_gas_m3) * gas_kwh_per_m3)
    heat_kwh = heat_gj / GJ_PER_KWH
    # Bought heat is heating whatever the registered type (a boiler house may buy some too).
    put(heating, "District Heating Water", heat_kwh)
    for name, factor in MASS_FACTORS_KGCE_PER_KG.items():
        kgce = year.value(name) * factor
        # Energy of a kgce amount, so that `kgce_of` gives the kgce back exactly.
        put(
            heating if mass_heating else non_heating,
            MASS_FUEL_NAMES[name],
            kgce * acc.MJ_PER_KGCE / acc.MJ_PER_KWH,
        )
    other_kwh = year.value("other_kgce") * acc.MJ_PER_KGCE / acc.MJ_PER_KWH
    put(non_heating, "Coal", other_kwh)  # 'Coal' only routes it through 29.3076 MJ/kgce

    if year.electricity_kwh is None:
        # Missing data is not a zero (module text); electric heating is judged on nothing.
        missing = ("metered.no_electricity", {})
        supported = (BASIS_HEATING,) if BASIS_HEATING in supported and not electric else ()
        notes.append(missing)
        reason = reason or missing

    out.conventional_electricity_kwh = electricity - heating_electricity
    kgce_of = acc.kgce_of
    out.heating_kgce = sum(
        kgce_of(f, v, electricity_kgce_per_kwh) or 0.0 for f, v in heating.items()
    )
    out.non_heating_kgce = sum(
        kgce_of(f, v, electricity_kgce_per_kwh) or 0.0 for f, v in non_heating.items()
    )

    if year.natural_gas_m3:
        notes.append(("metered.gas_factor", {}))
    if any(year.value(n) for n in MASS_FACTORS_KGCE_PER_KG):
        notes.append(("metered.mass_factors_unverified", {}))
    if year.other_kgce:
        notes.append(("metered.other_kgce", {"kgce": f"{year.other_kgce:,.0f}"}))
    if year.pv_generation_kwh:
        notes.append(("metered.pv_not_subtracted", {"kwh": f"{year.pv_generation_kwh:,.0f}"}))
    if year.excluded_electricity_kwh or year.excluded_natural_gas_m3 or year.excluded_area_m2:
        notes.append(
            (
                "metered.exclusions",
                {
                    "kwh": f"{year.value('excluded_electricity_kwh'):,.0f}",
                    "m3": f"{year.value('excluded_natural_gas_m3'):,.0f}",
                    "area": f"{year.value('excluded_area_m2'):,.0f}",
                },
            )
        )
    else:
        notes.append(("metered.no_exclusions", {}))
    out.notes.append(
        (
            "accounting.electricity_factor",
            {"factor": out.factors[0].value, "basis": out.factors[0].source},
        )
    )
    return MeasuredAccount(
        account=out,
        method=method,
        supported=supported,
        unsupported_reason=reason,
        heating_share_pct=share,
    )
