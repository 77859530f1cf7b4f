"""Running the real EnergyPlus 25.2 engine on the project's sample models."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from registry.domain.checks import energyplus, idf, results
from registry.i18n import render
from tests.conftest import MODELS_DIR

pytestmark = pytest.mark.energyplus

MODELS = MODELS_DIR
OFFICE = (MODELS / "office_box.idf").read_text(encoding="utf-8")
CHICAGO = "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw"


def prepared(text: str) -> str:
    return idf.prepare_for_check(idf.validate_idf(text.encode("utf-8"), max_bytes=10**8))


def run(text: str, tmp_path: Path, **limits) -> energyplus.RunOutcome:
    limits.setdefault("timeout_s", 60)
    return energyplus.run_energyplus(
        text, energyplus.weather_data_dir() / CHICAGO, workdir=tmp_path / "run", **limits
    )


def environments(outcome: energyplus.RunOutcome) -> list[str]:
    with closing(sqlite3.connect(outcome.sql_path)) as db:
        return [
            name
            for (name,) in db.execute(
                "SELECT EnvironmentName FROM EnvironmentPeriods ORDER BY EnvironmentPeriodIndex"
            )
        ]


def gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_engine_version_and_weather_files():
    assert energyplus.engine_version() == "25.2.0"
    assert (energyplus.weather_data_dir() / CHICAGO).is_file()


def test_office_box_runs_a_full_year(tmp_path):
    pids = []
    outcome = run(
        prepared(OFFICE),
        tmp_path,
        cpu_limit_s=120,
        memory_limit_bytes=2 * 1024**3,
        on_start=pids.append,
    )
    assert outcome.succeeded, render(*outcome.err.summary(), "en")
    assert (outcome.returncode, outcome.timed_out) == (0, False)
    assert outcome.err.completed_successfully and outcome.err.warnings == 0
    assert outcome.sql_path == tmp_path / "run" / "out" / "eplusout.sql"
    assert len(pids) == 1 and gone(pids[0])
    assert outcome.elapsed_s < 30


def test_eppy_round_trip_gives_identical_results(tmp_path):
    # The same model with the check's outputs added as plain text, never through eppy.
    untouched = OFFICE.split("Output:Variable,")[0] + (
        "Output:SQLite,SimpleAndTabular,None,No;\nOutput:Table:SummaryReports,AllSummary;\n"
    )
    through_eppy = run(prepared(OFFICE), tmp_path / "eppy")
    as_written = run(untouched, tmp_path / "text")
    a = results.read_results(through_eppy.sql_path)
    b = results.read_results(as_written.sql_path)
    assert a.total_site_kwh == b.total_site_kwh
    assert a.by_end_use_kwh == b.by_end_use_kwh
    assert (a.unmet_heating_hours, a.unmet_cooling_hours) == (
        b.unmet_heating_hours,
        b.unmet_cooling_hours,
    )


def test_leaving_out_the_sizing_period_simulations_changes_no_result(tmp_path):
    """The check switches a model's design-day simulations off: the annual results read from
    its run equal those of the run that simulates them."""
    small = (MODELS / "office_small.idf").read_text(encoding="utf-8")
    design_days = re.findall(r"^SizingPeriod:DesignDay,.*?;[^\n]*\n", small, re.M | re.S)
    assert len(design_days) == 2
    text = OFFICE.replace(
        "    No,                      !- Run Simulation for Sizing Periods",
        "    Yes,                     !- Run Simulation for Sizing Periods",
    )
    check_run = prepared(text + "\n" + "\n".join(design_days))
    flag = re.compile(r"No,( +!- Run Simulation for Sizing Periods)")
    assert flag.search(check_run)
    with_design_days = run(flag.sub(r"Yes,\1", check_run), tmp_path / "with")
    without = run(check_run, tmp_path / "without")
    assert with_design_days.succeeded and without.succeeded
    # The design days were simulated in one run only: its SQLite lists their environments.
    assert environments(with_design_days) == [
        "QINGDAO SUMMER AC GB 50736",
        "QINGDAO WINTER AC GB 50736",
        "ANNUAL",
    ]
    assert environments(without) == ["ANNUAL"]
    a = results.read_results(without.sql_path)
    b = results.read_results(with_design_days.sql_path)
    assert a.total_site_kwh == b.total_site_kwh
    assert a.by_end_use_kwh == b.by_end_use_kwh and a.monthly_kwh == b.monthly_kwh


def test_fatal_model_fails_with_its_messages(tmp_path):
    outcome = run(prepared((MODELS / "office_box_fatal.idf").read_text(encoding="utf-8")), tmp_path)
    assert not outcome.succeeded and not outcome.timed_out
    assert outcome.returncode != 0
    assert (outcome.err.severes, outcome.err.fatals) == (1, 1)
    assert "CONCRETE 300MM" in outcome.err.messages[0].text


def test_wall_clock_timeout_kills_the_process_group(tmp_path):
    pids = []
    outcome = run(prepared(OFFICE), tmp_path, timeout_s=0.2, on_start=pids.append)
    assert outcome.timed_out and not outcome.succeeded
    assert outcome.returncode == -signal.SIGKILL
    assert gone(pids[0])


def test_cpu_limit_stops_a_long_run(tmp_path):
    # One-minute timesteps make the year ~15x the work: far beyond one CPU second.
    text = prepared(OFFICE.replace("Timestep,4;", "Timestep,60;"))
    outcome = run(text, tmp_path, cpu_limit_s=1)
    assert outcome.timed_out and not outcome.succeeded
    assert outcome.returncode == -signal.SIGXCPU


def test_memory_limit_makes_the_run_fail_not_the_worker(tmp_path):
    outcome = run(prepared(OFFICE), tmp_path, memory_limit_bytes=64 * 1024**2)
    assert not outcome.succeeded and not outcome.timed_out


def test_missing_weather_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        energyplus.run_energyplus(
            prepared(OFFICE), tmp_path / "none.epw", workdir=tmp_path / "run", timeout_s=10
        )


def test_failing_on_start_kills_the_engine(tmp_path):
    pids = []

    def on_start(pid):
        pids.append(pid)
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        run(prepared(OFFICE), tmp_path, on_start=on_start)
    assert gone(pids[0])
