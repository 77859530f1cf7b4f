"""Reading annual results from eplusout.sql (registry.domain.checks.results)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from registry.domain.checks import energyplus, idf, results
from registry.i18n import render
from tests.conftest import MODELS_DIR

MODELS = MODELS_DIR
CHICAGO = "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw"


@pytest.fixture(scope="module")
def office_results(tmp_path_factory) -> results.AnnualResults:
    """The office box's annual results with Chicago weather (one engine run per module)."""
    model = idf.validate_idf((MODELS / "office_box.idf").read_bytes(), max_bytes=10**8)
    outcome = energyplus.run_energyplus(
        idf.prepare_for_check(model),
        energyplus.weather_data_dir() / CHICAGO,
        workdir=tmp_path_factory.mktemp("office"),
        timeout_s=120,
    )
    assert outcome.succeeded, render(*outcome.err.summary(), "en")
    return results.read_results(outcome.sql_path)


@pytest.mark.energyplus
def test_office_box_results_are_plausible(office_results):
    r = office_results
    assert r.engine_version == "25.2.0"
    assert (r.total_building_area_m2, r.conditioned_area_m2) == (100.0, 100.0)
    # a small office in Chicago: 130 kWh/m²·a
    assert 60 < r.total_site_kwh / r.total_building_area_m2 < 250
    assert r.total_source_kwh > r.total_site_kwh
    assert set(r.by_fuel_kwh) == {"Electricity", "Natural Gas"}
    assert r.unmet_heating_hours is not None and r.unmet_cooling_hours is not None


@pytest.mark.energyplus
def test_breakdowns_add_up_to_the_total(office_results):
    r = office_results
    total = r.total_site_kwh
    assert sum(r.by_fuel_kwh.values()) == pytest.approx(total, rel=0.005)
    assert sum(r.by_end_use_kwh.values()) == pytest.approx(total, rel=0.005)
    assert list(r.monthly_kwh) == list(range(1, 13))
    assert sum(r.monthly_kwh.values()) == pytest.approx(total, rel=0.005)
    # heating is gas, so winter months use more than summer ones
    assert r.monthly_kwh[1] > r.monthly_kwh[7]
    assert r.by_end_use_kwh[("Heating", "Natural Gas")] > 0
    assert r.by_end_use_kwh[("Interior Lighting", "Electricity")] > 0


def make_sql(
    path: Path, rows: list[tuple], version="EnergyPlus, Version 25.2.0-cf7368216c"
) -> Path:
    """A minimal eplusout.sql with the columns read_results queries."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE TabularDataWithStrings (ReportName, ReportForString, TableName,"
            " RowName, ColumnName, Units, Value)"
        )
        db.execute("CREATE TABLE Simulations (EnergyPlusVersion)")
        db.execute("INSERT INTO Simulations VALUES (?)", (version,))
        db.executemany("INSERT INTO TabularDataWithStrings VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return path


def abups(table, row, column, units, value):
    return (results.ABUPS, "Entire Facility", table, row, column, units, value)


def test_units_are_converted_to_kwh_and_m2(tmp_path):
    sql = make_sql(
        tmp_path / "ip.sql",
        [
            abups("Site and Source Energy", "Total Site Energy", "Total Energy", "kBtu", "1000.0"),
            abups(
                "Site and Source Energy", "Total Source Energy", "Total Energy", "kBtu", "3000.0"
            ),
            abups("Building Area", "Total Building Area", "Area", "ft2", "1076.39"),
            abups("End Uses", "Heating", "Natural Gas", "kBtu", "400.0"),
            abups("End Uses", "Interior Lighting", "Electricity", "kBtu", "600.0"),
            abups("End Uses", "Interior Lighting", "Water", "m3", "5.0"),
            abups("End Uses", "Total End Uses", "Electricity", "kBtu", "600.0"),
            abups("End Uses", "Total End Uses", "Natural Gas", "kBtu", "400.0"),
            abups("End Uses", "Cooling", "Electricity", "kBtu", "0.00"),
        ],
    )
    r = results.read_results(sql)
    assert r.total_site_kwh == pytest.approx(293.07107)
    assert r.total_building_area_m2 == pytest.approx(100.0, rel=1e-5)
    assert r.by_fuel_kwh == pytest.approx({"Electricity": 175.8426, "Natural Gas": 117.2284})
    assert set(r.by_end_use_kwh) == {
        ("Heating", "Natural Gas"),
        ("Interior Lighting", "Electricity"),
    }
    assert r.conditioned_area_m2 is None and r.unmet_heating_hours is None
    assert r.monthly_kwh == {}


def test_gj_to_kwh():
    assert results.to_kwh("1", "GJ") == pytest.approx(277.78, abs=0.01)
    assert results.to_kwh(" 3.6 ", "MJ") == pytest.approx(1.0)
    assert results.to_kwh("7.2E+06", "J") == pytest.approx(2.0)
    assert results.to_kwh("5", "m3") is None and results.to_kwh("", "GJ") is None


def test_engine_version_from_the_simulations_row():
    assert results.engine_version_from("EnergyPlus, Version 25.2.0-cf7368216c, YMD=x") == "25.2.0"
    assert results.engine_version_from("") == ""


def test_missing_or_empty_output_is_reported(tmp_path):
    with pytest.raises(results.ResultsUnavailable) as caught:
        results.read_results(tmp_path / "eplusout.sql")
    assert caught.value.params == {"table": "eplusout.sql"}
    (tmp_path / "junk.sql").write_bytes(b"not a database at all" * 100)
    with pytest.raises(results.ResultsUnavailable):
        results.read_results(tmp_path / "junk.sql")
    with pytest.raises(results.ResultsUnavailable) as caught:
        results.read_results(make_sql(tmp_path / "empty.sql", []))
    assert caught.value.params == {"table": "Site and Source Energy"}
