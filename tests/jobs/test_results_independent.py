"""The stored result of a real check equals what EnergyPlus itself reports, read independently.

The check runs through `execute_check` (validate, prepare, run, read, store) on a SQLite
registry. The test records the prepared model and weather file the worker passed to the
engine, runs the `energyplus` CLI on them itself in a folder of its own, and reads that
run's `eplusout.sql` with its own SQL, never with `registry.domain.checks.results`.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.db import make_engine
from registry.domain.checks import energyplus
from registry.models import Check, CheckEndUse, CheckResult
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from registry.services.checks.runner import execute_check
from tests.conftest import make_config
from tests.jobs.conftest import sample_model

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]

MODEL = "office_small.idf"
MODEL_AREA_M2 = 1296.0
GJ_TO_KWH = 1e9 / 3.6e6
ABUPS = "AnnualBuildingUtilityPerformanceSummary"
# End Uses table column -> the registry's monthly meter for the same fuel.
METERS = {
    "Electricity": "ELECTRICITY:FACILITY",
    "District Heating Water": "DISTRICTHEATINGWATER:FACILITY",
    "Natural Gas": "NATURALGAS:FACILITY",
}


def _cell(db: sqlite3.Connection, table: str, row: str, column: str) -> tuple[float, str]:
    value, units = db.execute(
        "SELECT Value, Units FROM TabularDataWithStrings WHERE ReportName = ? "
        "AND ReportForString = 'Entire Facility' AND TableName = ? AND RowName = ? "
        "AND ColumnName = ?",
        (ABUPS, table, row, column),
    ).fetchone()
    return float(value), units


def independent_figures(sql_path: Path) -> dict:
    """Site energy, area, fuel totals (End Uses table) and monthly meter sums, in kWh and m²."""
    db = sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True)
    try:
        site, site_units = _cell(db, "Site and Source Energy", "Total Site Energy", "Total Energy")
        area, area_units = _cell(db, "Building Area", "Total Building Area", "Area")
        assert (site_units, area_units) == ("GJ", "m2")
        fuels = {}
        for column, value, units in db.execute(
            "SELECT ColumnName, Value, Units FROM TabularDataWithStrings "
            "WHERE ReportName = ? AND ReportForString = 'Entire Facility' "
            "AND TableName = 'End Uses' AND RowName = 'Total End Uses'",
            (ABUPS,),
        ):
            if units == "GJ" and float(value) > 0:
                fuels[column] = float(value) * GJ_TO_KWH
        meters = {}
        for column, total in db.execute(
            "SELECT ColumnName, SUM(CAST(Value AS REAL)) FROM TabularDataWithStrings "
            "WHERE ReportName = 'REGISTRY MONTHLY ENERGY' AND Units = 'J' AND RowName IN "
            "('January','February','March','April','May','June','July','August',"
            "'September','October','November','December') GROUP BY ColumnName"
        ):
            meters[column] = total / 3.6e6
    finally:
        db.close()
    return {"site_kwh": site * GJ_TO_KWH, "area_m2": area, "fuels": fuels, "meters": meters}


def test_stored_eui_and_fuels_match_an_independent_run(
    tmp_path, sqlite_url, make_user, make_building, monkeypatch
):
    config = make_config(tmp_path, sqlite_url)
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        weather_seed.seed(session)
        designer = make_user(session, role="designer", districts=())
        building = make_building(session, designer, floor_area_m2=str(MODEL_AREA_M2))
        check = check_service.create_check(
            session=session,
            actor=designer,
            config=config,
            building_id=building.id,
            idf_bytes=sample_model(MODEL),
            filename=MODEL,
            enqueue=None,
        )

    passed = {}
    real_run = energyplus.run_energyplus

    def recording_run(idf_text, epw_path, **kwargs):
        passed.update(idf_text=idf_text, epw=Path(epw_path))
        return real_run(idf_text, epw_path, **kwargs)

    monkeypatch.setattr(energyplus, "run_energyplus", recording_run)
    assert execute_check(engine=engine, config=config, check_id=check.id, worker="test:1") == "done"
    with Session(engine) as session:
        row = session.get(Check, check.id)
        result = session.exec(select(CheckResult).where(CheckResult.check_id == check.id)).one()
        end_uses = session.exec(select(CheckEndUse).where(CheckEndUse.check_id == check.id)).all()
    engine.dispose()
    assert row.status == "done"

    # The same prepared model and weather, through the engine's own command line.
    run_dir = tmp_path / "independent"
    run_dir.mkdir()
    (run_dir / "model.idf").write_text(passed["idf_text"], encoding="utf-8")
    done = subprocess.run(
        [
            str(energyplus.binary_path()),
            "-w",
            str(passed["epw"]),
            "-d",
            str(run_dir / "out"),
            str(run_dir / "model.idf"),
        ],
        cwd=run_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    mine = independent_figures(run_dir / "out" / "eplusout.sql")

    assert mine["area_m2"] == pytest.approx(MODEL_AREA_M2, rel=1e-6)
    assert result.model_total_area_m2 == pytest.approx(mine["area_m2"], rel=1e-6)
    assert result.registered_area_m2 == MODEL_AREA_M2
    independent_eui = mine["site_kwh"] / mine["area_m2"]
    assert 60 < independent_eui < 150  # a plausible office, not a broken run
    assert result.eui_kwh_per_m2 == pytest.approx(independent_eui, rel=1e-3)
    assert result.total_site_kwh == pytest.approx(mine["site_kwh"], rel=1e-3)

    # By fuel: the same fuels, each equal to the End Uses total and to the monthly meter sum.
    assert (
        set(result.by_fuel_kwh) == set(mine["fuels"]) == {"Electricity", "District Heating Water"}
    )
    for fuel, kwh in mine["fuels"].items():
        assert result.by_fuel_kwh[fuel] == pytest.approx(kwh, rel=1e-3), fuel
        assert mine["meters"][METERS[fuel]] == pytest.approx(kwh, rel=1e-3), fuel
        assert sum(result.monthly_by_fuel_kwh[fuel].values()) == pytest.approx(kwh, rel=1e-3)
    assert sum(mine["fuels"].values()) == pytest.approx(mine["site_kwh"], rel=1e-3)
    assert sum(e.energy_kwh for e in end_uses) == pytest.approx(mine["site_kwh"], rel=1e-3)
