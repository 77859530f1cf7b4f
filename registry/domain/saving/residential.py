"""Residential ultra-low and nearly-zero buildings (GB/T 51350-2019 Table 5.0.2, cold zone)
judged from the design model's ideal loads, the check's weather file and the declared n50.

Method (every threshold and definition recalled, not read from the printed standard):

- heating and cooling demand (供暖年耗热量, 供冷年耗冷量) = the year's Zone Ideal Loads Supply
  Air Total Heating / Cooling Energy of all zones, per m² of the model's conditioned floor
  area, kWh/(m²·a); the zones' own thermostats drive the ideal loads (the standard's indoor
  conditions, recalled: winter ≥ 20 °C, summer ≤ 26 °C);
- WDH20: the year's sum over hours of (wet-bulb temperature − 20 °C) where positive, and
  DDH28: the sum of (dry-bulb temperature − 28 °C) where positive, both from the check's EPW
  hour by hour, in thousands of kelvin-hours (kKh); the wet bulb is solved from the EPW's
  dry bulb, dew point and pressure (ASHRAE psychrometrics);
- cooling limit per level = a + b·WDH20 + c·DDH28 with the level's coefficients;
- shape coefficient S = area of the surfaces facing outdoor air (walls and roofs, windows
  included, not ground floors) / the volume of the zones counted in the floor area (shown,
  not judged);
- level: the highest level whose every judged indicator holds — heating and cooling demand,
  the declared n50 (a level needs it: undeclared airtightness meets no level), and for nearly
  zero the renewable share; the building energy composite value (建筑能耗综合值) needs the
  real systems and is not judged, and the result says so.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

HEATING_VARIABLE = "Zone Ideal Loads Supply Air Total Heating Energy"
COOLING_VARIABLE = "Zone Ideal Loads Supply Air Total Cooling Energy"
LEVELS = ("ultra_low", "nearly_zero")  # lowest first
# The indicators a residential result never judges: each needs what ideal loads cannot give.
NOT_JUDGED = ("composite_energy",)
STANDARD_PRESSURE_PA = 101325.0
_MISSING_PRESSURE = 999999.0
_J_PER_KWH = 3.6e6

_IDEAL_LOADS = {"ZONEHVAC:IDEALLOADSAIRSYSTEM"}  # the object whose variables are read


def has_ideal_loads(model_text: str) -> bool:
    """Whether the model has an ideal-loads object (the demands need one). An object's key is
    the first field after the previous `;`: a field naming the type (an equipment list's) is
    not an object."""
    keys = {
        part.split(",", 1)[0].strip().upper() for part in _without_comments(model_text).split(";")
    }
    return bool(keys & _IDEAL_LOADS)


def _objects(model_text: str) -> list[tuple[str, list[str]]]:
    """(upper-case type, fields) of every object outside comments."""
    out = []
    for part in _without_comments(model_text).split(";"):
        fields = [field.strip() for field in part.split(",")]
        if fields[0]:
            out.append((fields[0].upper(), fields[1:]))
    return out


def zones_without_ideal_loads(model_text: str) -> list[str]:
    """The conditioned zones (named by a thermostat or an equipment connection) whose
    equipment list holds no ZoneHVAC:IdealLoadsAirSystem, in model order.

    The demands are the ideal loads' energies per m² of EnergyPlus's conditioned area, so a
    conditioned zone served by other equipment would add floor area without its demand."""
    objects = _objects(model_text)
    zone_lists = {
        fields[0].upper(): fields[1:] for kind, fields in objects if kind == "ZONELIST" and fields
    }
    ideal_lists = {
        fields[0].upper()
        for kind, fields in objects
        if kind == "ZONEHVAC:EQUIPMENTLIST"
        and fields
        and any(field.upper() in _IDEAL_LOADS for field in fields[2:])
    }
    conditioned: dict[str, str] = {}  # upper-case name -> name as written
    served: set[str] = set()
    for kind, fields in objects:
        if kind == "ZONEHVAC:EQUIPMENTCONNECTIONS" and fields:
            conditioned.setdefault(fields[0].upper(), fields[0])
            if len(fields) > 1 and fields[1].upper() in ideal_lists:
                served.add(fields[0].upper())
        elif kind == "ZONECONTROL:THERMOSTAT" and len(fields) > 1:
            for zone in zone_lists.get(fields[1].upper(), [fields[1]]):
                if zone:
                    conditioned.setdefault(zone.upper(), zone)
    return [name for key, name in conditioned.items() if key not in served]


def _without_comments(text: str) -> str:
    return "\n".join(line.split("!", 1)[0] for line in text.splitlines())


def with_demand_outputs(prepared_text: str) -> str:
    """The prepared model asking EnergyPlus for the ideal loads' annual energies in its SQLite
    output (output variables change no result)."""
    lines = [
        f"Output:Variable,*,{name},RunPeriod;" for name in (HEATING_VARIABLE, COOLING_VARIABLE)
    ]
    return prepared_text.rstrip() + "\n\n" + "\n".join(lines) + "\n"


# --- weather -----------------------------------------------------------------------------


def saturation_pressure_pa(temperature_c: float) -> float:
    """Saturation vapour pressure over water (ASHRAE Fundamentals 2017, ch. 1, eq. 6), Pa."""
    t = temperature_c + 273.15
    return math.exp(
        -5.8002206e3 / t
        + 1.3914993
        - 4.8640239e-2 * t
        + 4.1764768e-5 * t**2
        - 1.4452093e-8 * t**3
        + 6.5459673 * math.log(t)
    )


def humidity_ratio(vapour_pressure_pa: float, pressure_pa: float) -> float:
    """kg water per kg dry air."""
    return 0.621945 * vapour_pressure_pa / (pressure_pa - vapour_pressure_pa)


def wet_bulb_c(dry_bulb_c: float, dew_point_c: float, pressure_pa: float) -> float:
    """Thermodynamic wet-bulb temperature, °C, by bisection on ASHRAE's eq. 33 (above 0 °C).

    Parameters
    ----------
    dry_bulb_c, dew_point_c : float
        The hour's dry-bulb and dew-point temperatures, °C.
    pressure_pa : float
        Atmospheric pressure, Pa.
    """
    dew_point_c = min(dew_point_c, dry_bulb_c)
    target = humidity_ratio(saturation_pressure_pa(dew_point_c), pressure_pa)
    low, high = dew_point_c, dry_bulb_c
    for _ in range(60):
        guess = (low + high) / 2
        saturated = humidity_ratio(saturation_pressure_pa(guess), pressure_pa)
        ratio = ((2501 - 2.326 * guess) * saturated - 1.006 * (dry_bulb_c - guess)) / (
            2501 + 1.86 * dry_bulb_c - 4.186 * guess
        )
        if ratio > target:
            high = guess
        else:
            low = guess
    return (low + high) / 2


@dataclass(frozen=True)
class DegreeHours:
    wdh20_kkh: float
    ddh28_kkh: float
    hours: int


def degree_hours(hours: list[tuple[float, float, float]]) -> DegreeHours:
    """WDH20 and DDH28 (kKh) from hourly (dry bulb °C, dew point °C, pressure Pa) records.

    A pressure of 999999 (EPW's "missing") is taken as the standard atmosphere.
    """
    wet = dry = 0.0
    for dry_bulb, dew_point, pressure in hours:
        dry += max(0.0, dry_bulb - 28.0)
        # The wet bulb lies between the dew point and the dry bulb: below 20 °C, skip solving.
        if dry_bulb > 20.0:
            if pressure >= _MISSING_PRESSURE or pressure <= 0:
                pressure = STANDARD_PRESSURE_PA
            wet += max(0.0, wet_bulb_c(dry_bulb, dew_point, pressure) - 20.0)
    return DegreeHours(wdh20_kkh=wet / 1000, ddh28_kkh=dry / 1000, hours=len(hours))


def epw_hours(rows: list[list[str]]) -> list[tuple[float, float, float]]:
    """(dry bulb, dew point, pressure) of each hourly record of a parsed EPW."""
    return [(float(row[6]), float(row[7]), float(row[9])) for row in rows]


# --- the design run ----------------------------------------------------------------------


@dataclass(frozen=True)
class ModelDemands:
    heating_kwh: float
    cooling_kwh: float
    zones_reported: int
    exterior_area_m2: float
    volume_m3: float

    @property
    def shape_coefficient(self) -> float | None:
        return self.exterior_area_m2 / self.volume_m3 if self.volume_m3 > 0 else None


def read_demands(sql_path: str | Path) -> ModelDemands:
    """The ideal loads' annual energies and the envelope's geometry from a run's SQLite."""
    connection = sqlite3.connect(f"{Path(sql_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT d.Name, d.KeyValue, SUM(r.Value) FROM ReportData r "
            "JOIN ReportDataDictionary d USING (ReportDataDictionaryIndex) "
            "WHERE d.Name IN (?, ?) GROUP BY d.Name, d.KeyValue",
            (HEATING_VARIABLE, COOLING_VARIABLE),
        ).fetchall()
        # Zone multipliers count both the outer surfaces and the volume of repeated floors.
        exterior = connection.execute(
            "SELECT COALESCE(SUM(s.GrossArea * z.Multiplier * z.ListMultiplier), 0) "
            "FROM Surfaces s JOIN Zones z ON z.ZoneIndex = s.ZoneIndex "
            "WHERE s.ExtBoundCond = 0 AND s.ClassName IN ('Wall', 'Roof') "
            "AND s.HeatTransferSurf = 1 AND z.IsPartOfTotalArea = 1"
        ).fetchone()[0]
        volume = connection.execute(
            "SELECT COALESCE(SUM(Volume * Multiplier * ListMultiplier), 0) FROM Zones "
            "WHERE IsPartOfTotalArea = 1"
        ).fetchone()[0]
    finally:
        connection.close()
    heating = sum(value for name, _zone, value in rows if name == HEATING_VARIABLE)
    cooling = sum(value for name, _zone, value in rows if name == COOLING_VARIABLE)
    return ModelDemands(
        heating_kwh=heating / _J_PER_KWH,
        cooling_kwh=cooling / _J_PER_KWH,
        zones_reported=len({zone for _name, zone, _value in rows}),
        exterior_area_m2=float(exterior),
        volume_m3=float(volume),
    )


# --- the judgement -----------------------------------------------------------------------


def cooling_limit_kwh_m2(level: str, climate: DegreeHours, params: dict[str, dict]) -> float:
    def value(name: str) -> float:
        return float(params[f"residential.{level}.cooling_{name}"]["value"])

    return value("base") + value("wdh20") * climate.wdh20_kkh + value("ddh28") * climate.ddh28_kkh


@dataclass
class Judgement:
    heating_demand_kwh_m2: float
    cooling_demand_kwh_m2: float
    heating_limit_kwh_m2: dict[str, float]
    cooling_limit_kwh_m2: dict[str, float]
    n50: float | None
    n50_max: float
    renewable_pct: float | None
    renewable_min_pct: float
    level_met: str
    # indicator -> {level: held}, None where not judged
    held: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    not_judged: tuple[str, ...] = NOT_JUDGED


def judge(
    *,
    heating_kwh: float,
    cooling_kwh: float,
    conditioned_area_m2: float,
    climate: DegreeHours,
    n50: float | None,
    renewable_pct: float | None,
    params: dict[str, dict],
) -> Judgement:
    """The demands per m² against each level's limits and the level met (see the module)."""
    area = conditioned_area_m2 if conditioned_area_m2 > 0 else float("nan")
    heating = heating_kwh / area
    cooling = cooling_kwh / area
    heating_limits = {
        level: float(params[f"residential.{level}.heating_kwh_m2"]["value"]) for level in LEVELS
    }
    cooling_limits = {level: cooling_limit_kwh_m2(level, climate, params) for level in LEVELS}
    n50_max = float(params["residential.n50_max"]["value"])
    renewable_min = float(params["residential.nearly_zero.renewable_pct"]["value"])
    held: dict[str, dict[str, bool | None]] = {
        "heating": {lv: heating <= heating_limits[lv] + 1e-9 for lv in LEVELS},
        "cooling": {lv: cooling <= cooling_limits[lv] + 1e-9 for lv in LEVELS},
        "n50": {lv: None if n50 is None else n50 <= n50_max + 1e-9 for lv in LEVELS},
        "renewable": {
            "ultra_low": True,  # the ultra-low level asks no renewable share
            "nearly_zero": None if renewable_pct is None else renewable_pct >= renewable_min,
        },
    }
    level = "none"
    for candidate in LEVELS:
        # A level needs every judged indicator held: an undeclared n50 is not held.
        if all(held[indicator][candidate] is True for indicator in held):
            level = candidate
    return Judgement(
        heating_demand_kwh_m2=heating,
        cooling_demand_kwh_m2=cooling,
        heating_limit_kwh_m2=heating_limits,
        cooling_limit_kwh_m2=cooling_limits,
        n50=n50,
        n50_max=n50_max,
        renewable_pct=renewable_pct,
        renewable_min_pct=renewable_min,
        level_met=level,
        held=held,
    )
