"""Annual simulated energy, split and converted the way the quota standards count it.

The input is EnergyPlus's annual end-use table as ``(end_use, fuel, energy_kwh)`` rows of
site energy. The output separates heating from non-heating energy (the two are assessed
against different tables in the cold zone), takes out what the standards exclude where the
model separates it, and converts to standard coal (kgce) with every factor recorded.

Where each end use is counted
-----------------------------
- heating: the ``Heating`` end use, whatever its fuel. For a heat pump that is its
  electricity, for a boiler its gas or oil, for district heating the heat bought
  (``District Heating Water`` / ``Steam``).
- non-heating: every other end use — Cooling, Interior/Exterior Lighting, Interior/Exterior
  Equipment, Fans, Pumps, Water Systems (hot water), Heat Rejection, Humidification,
  Heat Recovery, Refrigeration. EnergyPlus reports heating circulation pumps and heating
  fans under Pumps and Fans, which is where DB37/T 2671 wants them (non-heating energy
  *includes* the electricity of heating pumps and fans).
- excluded: ``Generators`` (fuel burnt for on-site power; the power it makes is not in the
  end-use table, so counting the fuel would count that electricity twice) and ``Water``
  (not energy; DB37/T 2671 Table B.1 has no factor for it).

What cannot be separated
------------------------
DB37/T 2671 also removes special systems — data centre, kitchens, laundries, large lab
equipment — with their floor area, and garages from the area. A model lumps these into
Interior Equipment unless the modeller gave them their own meters, so they stay in; the
verdict says so.

On-site renewable electricity (PV, wind) is not part of the energy statistics (DB37/T 2671
§5.1.4): when its output is known it is taken off the electricity, shared between heating
and non-heating in proportion to their electricity use.

Conversion to standard coal
---------------------------
Electricity uses 0.31 kgce/kWh (供电煤耗, 等价值), the factor in the DB37/T series' own
Table B.1, because the quotas were set with it; the national 当量 value 0.1229 kgce/kWh
would make every building look 2.5 times better. Natural gas goes kWh -> MJ -> m³ at an
assumed 35.588 MJ/m³ (the heating value 1.2143 kgce/m³ implies: 1.2143 × 29.3076 MJ/kgce)
and then × 1.2143 kgce/m³. Bought heat is 0.03412 kgce/MJ. Other fuels given in energy
units go through the definition of standard coal, 29.3076 MJ/kgce. District cooling and
"Other Fuel" have no factor in Table B.1 and are left unconverted, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MJ_PER_KWH = 3.6
MJ_PER_KGCE = 29.3076  # 1 kgce = 7000 kcal (GB/T 2589)

ELECTRICITY_EQUIVALENT_KGCE_PER_KWH = 0.31  # 等价, DB37/T 2671-2019 Table B.1
ELECTRICITY_CALORIFIC_KGCE_PER_KWH = 0.1229  # 当量, GB/T 2589
NATURAL_GAS_KGCE_PER_M3 = 1.2143  # DB37/T 2671-2019 Table B.1
NATURAL_GAS_MJ_PER_M3 = 35.588  # assumption: the heating value 1.2143 kgce/m³ implies
HEAT_KGCE_PER_MJ = 0.03412  # DB37/T 2671-2019 Table B.1, 当量

HEATING_END_USES = frozenset({"Heating"})
EXCLUDED_END_USES = {
    "Generators": "accounting.generators_excluded",
}
NOT_ENERGY_FUELS = frozenset({"Water"})

ELECTRICITY = "Electricity"
NATURAL_GAS = "Natural Gas"
HEAT_FUELS = frozenset({"District Heating Water", "District Heating Steam", "District Heating"})
# Fuels whose energy converts through the definition of standard coal (their Table B.1
# mass factors come from the same definition and a reference heating value).
HEAT_CONTENT_FUELS = frozenset(
    {
        "Fuel Oil No 1",
        "Fuel Oil No 2",
        "FuelOilNo1",
        "FuelOilNo2",
        "Diesel",
        "Gasoline",
        "Propane",
        "Coal",
    }
)

# Which heating types burn or buy which fuels, to check the model against the registration.
HEATING_TYPE_FUELS = {
    "district": HEAT_FUELS,
    "air_conditioning": frozenset({ELECTRICITY}),
    "gas_oil": frozenset({NATURAL_GAS}) | HEAT_CONTENT_FUELS,
}

MESSAGES: dict[str, str] = {
    "accounting.generators_excluded": (
        "Generators (fuel burnt for on-site power) left out: the power they make is not in the "
        "end-use table, so counting the fuel would count that electricity twice."
    ),
    "accounting.water_excluded": (
        "Water is not energy and is not converted (DB37/T 2671 Table B.1 has no factor)."
    ),
    "accounting.where_counted": (
        "Heating = the Heating end use, any fuel; pumps and fans, including heating circulation, "
        "count as non-heating (as DB37/T 2671 says); every other end use is non-heating."
    ),
    "accounting.special_systems_included": (
        "Data centre, kitchens, laundries, large lab equipment and garage area, which the "
        "standards remove, are not metered separately in the model and remain included."
    ),
    "accounting.onsite_subtracted": (
        "On-site renewable generation of {kwh} kWh taken off (not counted, DB37/T 2671 §5.1.4), "
        "shared between heating and non-heating electricity by their use."
    ),
    "accounting.onsite_exceeds_use": (
        "On-site generation exceeds electricity use; the excess {kwh} kWh is not credited."
    ),
    "accounting.onsite_unknown": (
        "The results give no on-site renewable generation; if the model has PV, its output has "
        "not been taken off."
    ),
    "accounting.unconverted": (
        "{fuel} {kwh} kWh has no factor in DB37/T 2671 Table B.1 and is not in the kgce figures, "
        "which are therefore low."
    ),
    "accounting.gas_heating_value": (
        "Natural gas kWh converted to m³ at an assumed 35.588 MJ/m³ (implied by 1.2143 kgce/m³), "
        "assuming the model's fuel energy is on the same heating-value basis."
    ),
    "accounting.electricity_factor": (
        "Electricity converted at {factor} kgce/kWh ({basis}); the calorific-equivalent value "
        "0.1229 would give a figure about 40 % as large."
    ),
}


@dataclass(frozen=True)
class Factor:
    """One conversion factor as used, with where it comes from."""

    key: str
    value: float
    unit: str
    source: str
    status: str  # verified-primary | verified-secondary | assumption
    # The citation a printed document shows (the source above is the provenance).
    standard: str = ""
    table: str = ""


@dataclass
class EnergyAccount:
    """Simulated annual energy split into heating and non-heating, in kWh and kgce."""

    heating_kwh_by_fuel: dict[str, float] = field(default_factory=dict)
    non_heating_kwh_by_fuel: dict[str, float] = field(default_factory=dict)
    heating_kgce: float = 0.0
    non_heating_kgce: float = 0.0
    # Non-heating electricity after any on-site generation: the DB37/T Table 4 numerator.
    conventional_electricity_kwh: float = 0.0
    onsite_generation_kwh: float | None = None
    counted_where: dict[str, str] = field(default_factory=dict)  # end use -> part
    excluded: list[dict] = field(default_factory=list)
    unconverted_kwh_by_fuel: dict[str, float] = field(default_factory=dict)
    factors: list[Factor] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def heating_kwh(self) -> float:
        return sum(self.heating_kwh_by_fuel.values())

    @property
    def non_heating_kwh(self) -> float:
        return sum(self.non_heating_kwh_by_fuel.values())

    @property
    def non_heating_non_electric_kwh(self) -> float:
        return sum(v for f, v in self.non_heating_kwh_by_fuel.items() if f != ELECTRICITY)

    @property
    def electricity_factor(self) -> float:
        return next(f.value for f in self.factors if f.key == "electricity")

    def to_dict(self) -> dict:
        return {
            "heating_kwh_by_fuel": dict(self.heating_kwh_by_fuel),
            "non_heating_kwh_by_fuel": dict(self.non_heating_kwh_by_fuel),
            "heating_kwh": self.heating_kwh,
            "non_heating_kwh": self.non_heating_kwh,
            "heating_kgce": self.heating_kgce,
            "non_heating_kgce": self.non_heating_kgce,
            "conventional_electricity_kwh": self.conventional_electricity_kwh,
            "onsite_generation_kwh": self.onsite_generation_kwh,
            "counted_where": dict(self.counted_where),
            "excluded": [dict(e) for e in self.excluded],
            "unconverted_kwh_by_fuel": dict(self.unconverted_kwh_by_fuel),
            "factors": [f.__dict__.copy() for f in self.factors],
        }


def electricity_factor(value: float = ELECTRICITY_EQUIVALENT_KGCE_PER_KWH) -> Factor:
    if value == ELECTRICITY_EQUIVALENT_KGCE_PER_KWH:
        return Factor(
            "electricity",
            value,
            "kgce/kWh",
            "等价值 (供电煤耗), DB37/T 2671-2019 Table B.1",
            "verified-primary",
            "DB37/T 2671-2019",
            "表B.1",
        )
    if value == ELECTRICITY_CALORIFIC_KGCE_PER_KWH:
        return Factor(
            "electricity", value, "kgce/kWh", "当量值, GB/T 2589", "verified-secondary", "GB/T 2589"
        )
    return Factor("electricity", value, "kgce/kWh", "given by the caller", "assumption")


BASE_FACTORS = (
    Factor(
        "natural_gas",
        NATURAL_GAS_KGCE_PER_M3,
        "kgce/m3",
        "DB37/T 2671-2019 Table B.1",
        "verified-primary",
        "DB37/T 2671-2019",
        "表B.1",
    ),
    Factor(
        "natural_gas_heating_value",
        NATURAL_GAS_MJ_PER_M3,
        "MJ/m3",
        "implied by 1.2143 kgce/m3 x 29.3076 MJ/kgce",
        "assumption",
        "DB37/T 2671-2019",
        "表B.1",
    ),
    Factor(
        "heat",
        HEAT_KGCE_PER_MJ,
        "kgce/MJ",
        "DB37/T 2671-2019 Table B.1 (当量)",
        "verified-primary",
        "DB37/T 2671-2019",
        "表B.1",
    ),
    Factor(
        "standard_coal",
        MJ_PER_KGCE,
        "MJ/kgce",
        "definition, GB/T 2589 (7000 kcal/kgce)",
        "verified-secondary",
        "GB/T 2589",
    ),
)


def kgce_of(fuel: str, kwh: float, electricity_kgce_per_kwh: float) -> float | None:
    """Standard coal of `kwh` of site energy of `fuel`, or None when there is no factor.

    Parameters
    ----------
    fuel : str
        EnergyPlus fuel name, e.g. "Electricity", "Natural Gas", "District Heating Water".
    kwh : float
        Annual site energy, kWh.
    electricity_kgce_per_kwh : float
        The electricity factor to use (0.31 for the DB37/T quotas).
    """
    if fuel == ELECTRICITY:
        return kwh * electricity_kgce_per_kwh
    if fuel == NATURAL_GAS:
        cubic_metres = kwh * MJ_PER_KWH / NATURAL_GAS_MJ_PER_M3
        return cubic_metres * NATURAL_GAS_KGCE_PER_M3
    if fuel in HEAT_FUELS:
        return kwh * MJ_PER_KWH * HEAT_KGCE_PER_MJ
    if fuel in HEAT_CONTENT_FUELS:
        return kwh * MJ_PER_KWH / MJ_PER_KGCE
    return None


def account(
    end_uses: Iterable[tuple[str, str, float]],
    *,
    electricity_kgce_per_kwh: float = ELECTRICITY_EQUIVALENT_KGCE_PER_KWH,
    onsite_generation_kwh: float | None = None,
) -> EnergyAccount:
    """Split annual end-use energy into heating and non-heating and convert it to kgce.

    Parameters
    ----------
    end_uses : iterable of (end_use, fuel, energy_kwh)
        EnergyPlus annual site energy by end use and fuel, kWh.
    electricity_kgce_per_kwh : float
        Electricity factor; the DB37/T quotas are set with 0.31 (their Table B.1).
    onsite_generation_kwh : float or None
        Annual on-site renewable electricity (PV, wind), kWh; None when not known.
    """
    result = EnergyAccount(factors=[electricity_factor(electricity_kgce_per_kwh), *BASE_FACTORS])
    result.notes.append(("accounting.where_counted", {}))
    for end_use, fuel, kwh in end_uses:
        if not kwh:
            continue
        if fuel in NOT_ENERGY_FUELS:
            result.excluded.append(
                {
                    "end_use": end_use,
                    "fuel": fuel,
                    "kwh": kwh,
                    "reason": "accounting.water_excluded",
                }
            )
            continue
        if end_use in EXCLUDED_END_USES:
            result.counted_where[end_use] = "excluded"
            result.excluded.append(
                {"end_use": end_use, "fuel": fuel, "kwh": kwh, "reason": EXCLUDED_END_USES[end_use]}
            )
            continue
        part = "heating" if end_use in HEATING_END_USES else "non_heating"
        result.counted_where[end_use] = part
        bucket = (
            result.heating_kwh_by_fuel if part == "heating" else (result.non_heating_kwh_by_fuel)
        )
        bucket[fuel] = bucket.get(fuel, 0.0) + kwh
    for reason in sorted({e["reason"] for e in result.excluded}):
        result.notes.append((reason, {}))

    heating_electricity = result.heating_kwh_by_fuel.get(ELECTRICITY, 0.0)
    non_heating_electricity = result.non_heating_kwh_by_fuel.get(ELECTRICITY, 0.0)
    if onsite_generation_kwh is None:
        result.notes.append(("accounting.onsite_unknown", {}))
    elif onsite_generation_kwh > 0:
        result.onsite_generation_kwh = onsite_generation_kwh
        total = heating_electricity + non_heating_electricity
        credited = min(onsite_generation_kwh, total)
        if total > 0:
            heating_electricity -= credited * heating_electricity / total
            non_heating_electricity -= credited * non_heating_electricity / total
        result.notes.append(("accounting.onsite_subtracted", {"kwh": f"{credited:,.0f}"}))
        if onsite_generation_kwh > total:
            result.notes.append(
                ("accounting.onsite_exceeds_use", {"kwh": f"{onsite_generation_kwh - total:,.0f}"})
            )
    result.conventional_electricity_kwh = non_heating_electricity

    for part, bucket, electricity in (
        ("heating", result.heating_kwh_by_fuel, heating_electricity),
        ("non_heating", result.non_heating_kwh_by_fuel, non_heating_electricity),
    ):
        total_kgce = 0.0
        for fuel, kwh in bucket.items():
            amount = electricity if fuel == ELECTRICITY else kwh
            kgce = kgce_of(fuel, amount, electricity_kgce_per_kwh)
            if kgce is None:
                result.unconverted_kwh_by_fuel[fuel] = (
                    result.unconverted_kwh_by_fuel.get(fuel, 0.0) + kwh
                )
                continue
            total_kgce += kgce
        if part == "heating":
            result.heating_kgce = total_kgce
        else:
            result.non_heating_kgce = total_kgce

    uses_gas = NATURAL_GAS in result.heating_kwh_by_fuel or (
        NATURAL_GAS in result.non_heating_kwh_by_fuel
    )
    if uses_gas:
        result.notes.append(("accounting.gas_heating_value", {}))
    for fuel, kwh in sorted(result.unconverted_kwh_by_fuel.items()):
        result.notes.append(("accounting.unconverted", {"fuel": fuel, "kwh": f"{kwh:,.0f}"}))
    result.notes.append(("accounting.special_systems_included", {}))
    factor = result.factors[0]
    result.notes.append(
        ("accounting.electricity_factor", {"factor": factor.value, "basis": factor.source})
    )
    return result


def heating_fuels_outside(heating_type: str, account_: EnergyAccount) -> list[str]:
    """Heating fuels in the model that the registered heating type would not use."""
    allowed = HEATING_TYPE_FUELS.get(heating_type)
    if allowed is None:
        return []
    return sorted(f for f, v in account_.heating_kwh_by_fuel.items() if v and f not in allowed)
