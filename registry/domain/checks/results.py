"""Read a check's annual results from EnergyPlus's `eplusout.sql`, in kWh.

Everything comes from the `TabularDataWithStrings` view of the summary reports
(`AnnualBuildingUtilityPerformanceSummary`: Site and Source Energy, Building Area, End Uses,
Comfort and Setpoint Not Met Summary) and from the registry's own monthly table, which
`idf.prepare_for_check` adds. Querying the SQLite file takes milliseconds; parsing the HTML
report with eppy takes up to a minute.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

ABUPS = "AnnualBuildingUtilityPerformanceSummary"
MONTHLY_REPORT_NAME = "Registry Monthly Energy"
# One facility meter per fuel EnergyPlus 25.2 meters; their sum is the site energy.
MONTHLY_METERS = tuple(
    f"{fuel}:Facility"
    for fuel in (
        "Electricity",
        "NaturalGas",
        "Gasoline",
        "Diesel",
        "Coal",
        "FuelOilNo1",
        "FuelOilNo2",
        "Propane",
        "OtherFuel1",
        "OtherFuel2",
        "DistrictCooling",
        "DistrictHeatingWater",
        "DistrictHeatingSteam",
    )
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

KWH_PER_UNIT = {
    "j": 1 / 3.6e6,
    "kj": 1 / 3.6e3,
    "mj": 1 / 3.6,
    "gj": 1e9 / 3.6e6,
    "wh": 1e-3,
    "kwh": 1.0,
    "mwh": 1e3,
    "gwh": 1e6,
    "kbtu": 0.29307107,
    "mbtu": 293.07107,
    "mmbtu": 293.07107,
    "therm": 29.307107,
}
M2_PER_UNIT = {"m2": 1.0, "ft2": 0.09290304}

MESSAGES = {
    "results.unavailable": "EnergyPlus did not write the results table the check needs ({table}).",
}


class ResultsUnavailable(Exception):
    """The SQLite output lacks a table the check needs."""

    code = "results.unavailable"

    def __init__(self, table: str):
        super().__init__(table)
        self.params = {"table": table}


@dataclass
class AnnualResults:
    """Annual site energy of one run, in kWh, with EnergyPlus's own floor areas in m²."""

    total_site_kwh: float
    total_source_kwh: float | None
    total_building_area_m2: float | None
    conditioned_area_m2: float | None
    unmet_heating_hours: float | None
    unmet_cooling_hours: float | None
    by_fuel_kwh: dict[str, float] = field(default_factory=dict)
    monthly_kwh: dict[int, float] = field(default_factory=dict)
    monthly_by_fuel_kwh: dict[str, dict[int, float]] = field(default_factory=dict)
    by_end_use_kwh: dict[tuple[str, str], float] = field(default_factory=dict)
    engine_version: str = ""


def read_results(sql_path: str | Path) -> AnnualResults:
    """Read the annual results of a finished run from its `eplusout.sql`."""
    path = Path(sql_path)
    if not path.is_file():
        raise ResultsUnavailable("eplusout.sql")
    try:
        rows, version_row = _query(path)
    except sqlite3.DatabaseError as exc:  # not a database, or no tabular data written
        raise ResultsUnavailable("TabularDataWithStrings") from exc
    tables: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for report, table, row, column, units, value in rows:
        tables.setdefault((report, table), []).append((row, column, units, value))

    site = _energy_cell(tables, "Site and Source Energy", "Total Site Energy", "Total Energy")
    if site is None:
        raise ResultsUnavailable("Site and Source Energy")
    by_fuel, by_end_use = _end_uses(tables.get((ABUPS, "End Uses"), []))
    not_met = tables.get((ABUPS, "Comfort and Setpoint Not Met Summary"), [])
    return AnnualResults(
        total_site_kwh=site,
        total_source_kwh=_energy_cell(
            tables, "Site and Source Energy", "Total Source Energy", "Total Energy"
        ),
        total_building_area_m2=_area(tables, "Total Building Area"),
        conditioned_area_m2=_area(tables, "Net Conditioned Building Area"),
        unmet_heating_hours=_hours(not_met, "Time Setpoint Not Met During Occupied Heating"),
        unmet_cooling_hours=_hours(not_met, "Time Setpoint Not Met During Occupied Cooling"),
        by_fuel_kwh=by_fuel,
        monthly_kwh=_monthly(tables),
        monthly_by_fuel_kwh=_monthly_by_fuel(tables),
        by_end_use_kwh=by_end_use,
        engine_version=engine_version_from(version_row[0] if version_row else ""),
    )


def _query(path: Path):
    # Read-only: the file is the engine's output and may be kept as evidence.
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT ReportName, TableName, RowName, ColumnName, Units, Value "
            "FROM TabularDataWithStrings "
            "WHERE (ReportName = ? AND ReportForString = 'Entire Facility') OR ReportName = ?",
            (ABUPS, MONTHLY_REPORT_NAME.upper()),
        ).fetchall()
        version_row = connection.execute("SELECT EnergyPlusVersion FROM Simulations").fetchone()
    finally:
        connection.close()
    return rows, version_row


def engine_version_from(text: str) -> str:
    """'EnergyPlus, Version 25.2.0-cf7368216c, YMD=…' -> '25.2.0'."""
    match = re.search(r"Version\s+(\d+\.\d+\.\d+)", text or "")
    return match.group(1) if match else ""


def to_kwh(value: str | float, units: str) -> float | None:
    """An energy value in `units` converted to kWh; None for blanks and non-energy units."""
    factor = KWH_PER_UNIT.get((units or "").strip().lower())
    number = _number(value)
    if factor is None or number is None:
        return None
    return number * factor


def _number(value) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _energy_cell(tables, table: str, row: str, column: str) -> float | None:
    for row_name, column_name, units, value in tables.get((ABUPS, table), []):
        if row_name == row and column_name == column:
            return to_kwh(value, units)
    return None


def _area(tables, row: str) -> float | None:
    for row_name, _column, units, value in tables.get((ABUPS, "Building Area"), []):
        factor = M2_PER_UNIT.get((units or "").strip().lower())
        number = _number(value)
        if row_name == row and factor and number is not None:
            return number * factor
    return None


def _hours(rows, row: str) -> float | None:
    for row_name, column, _units, value in rows:
        if row_name == row and column == "Facility":
            return _number(value)
    return None


def _end_uses(rows) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Totals by fuel and by (end use, fuel), in kWh; water (m³) and zeros left out."""
    by_fuel: dict[str, float] = {}
    by_end_use: dict[tuple[str, str], float] = {}
    for row, fuel, units, value in rows:
        kwh = to_kwh(value, units)
        if not kwh or not row.strip():
            continue
        if row == "Total End Uses":
            by_fuel[fuel] = kwh
        else:
            by_end_use[(row, fuel)] = kwh
    return by_fuel, by_end_use


def _monthly(tables) -> dict[int, float]:
    """Site energy per month (1–12), the sum of the fuel meters in the registry's table."""
    months: dict[int, float] = {}
    for (report, _table), rows in tables.items():
        if report != MONTHLY_REPORT_NAME.upper():
            continue
        for row, _column, units, value in rows:
            if row in MONTHS:
                kwh = to_kwh(value, units)
                if kwh is not None:
                    month = MONTHS.index(row) + 1
                    months[month] = months.get(month, 0.0) + kwh
    return dict(sorted(months.items()))


def fuel_of_meter(meter: str) -> str:
    """'DISTRICTHEATINGWATER:FACILITY' -> 'District Heating Water', the End Uses table's name."""
    for name in MONTHLY_METERS:
        if name.upper() == meter.upper():
            return re.sub(r"(?<=[a-z])(?=[A-Z0-9])", " ", name.split(":")[0])
    return meter


def _monthly_by_fuel(tables) -> dict[str, dict[int, float]]:
    """Energy per fuel and month (1–12) from the registry's table; unused fuels left out."""
    fuels: dict[str, dict[int, float]] = {}
    for (report, _table), rows in tables.items():
        if report != MONTHLY_REPORT_NAME.upper():
            continue
        for row, column, units, value in rows:
            kwh = to_kwh(value, units) if row in MONTHS else None
            if kwh is not None:
                months = fuels.setdefault(fuel_of_meter(column), {})
                months[MONTHS.index(row) + 1] = kwh
    return {
        fuel: dict(sorted(months.items()))
        for fuel, months in sorted(fuels.items())
        if any(months.values())
    }
