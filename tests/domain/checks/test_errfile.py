"""Reading eplusout.err files written by EnergyPlus 25.2 (tests/data/err/)."""

from __future__ import annotations

import json

from registry.domain.checks.errfile import parse_err, read_err
from registry.i18n import render
from tests.conftest import DATA_DIR

ERR = DATA_DIR / "err"


def sentence(err, locale: str) -> str:
    return render(*err.summary(), locale).strip()


# The shapes EnergyPlus writes for repeated warnings and multi-line messages.
RECURRING = """Program Version,EnergyPlus, Version 25.2.0-cf7368216c, YMD=2026.11.25 14:05,
   ** Warning ** GetSurfaceData: CAUTION -- Interzone surfaces are usually in different zones
   **   ~~~   ** Surface=WALL-1, Zone=SPACE1-1
   **   ~~~   ** Adjacent Surface=WALL-2, Zone=SPACE1-1
   ** Warning ** CalcHeatBalanceInsideSurf: Surface=ROOF inside temperature out of bounds
   ************* Beginning Simulation
   ** Severe  ** Temperature out of bounds (101.77) for zone=SPACE1-1, for surface=ROOF
   **   ~~~   **  Environment=RUN PERIOD 1, at Simulation time=07/21 13:00 - 13:15
   ************* ===== Recurring Error Summary =====
   ************* The following recurring error messages occurred.
   ** Warning ** CalcHeatBalanceInsideSurf: Surface=ROOF inside temperature out of bounds
   **   ~~~   **   This error occurred 212 total times;
   ************* EnergyPlus Warmup Error Summary. During Warmup: 0 Warning; 0 Severe Errors.
   ************* EnergyPlus Sizing Error Summary. During Sizing: 0 Warning; 0 Severe Errors.
"""
RECURRING += (
    "   ************* EnergyPlus Completed Successfully-- 214 Warning; 1 Severe Errors;"
    " Elapsed Time=00hr 00min  3.21sec\n"
)


def test_clean_run():
    err = read_err(ERR / "completed_clean.err")
    assert err.completed_successfully and err.finished
    assert (err.warnings, err.severes, err.fatals) == (0, 0, 0)
    assert err.messages == []
    assert sentence(err, "en") == "EnergyPlus completed: 0 warnings, 0 severe errors."
    assert sentence(err, "zh_Hans_CN") == "EnergyPlus 计算完成：0 个警告，0 个严重错误。"


def test_warning_caused_by_the_registrys_monthly_table_is_not_the_models():
    err = read_err(ERR / "completed_one_warning.err")
    assert err.completed_successfully
    assert err.warnings == 0
    assert err.messages == []


def test_fatal_input_error():
    err = read_err(ERR / "fatal_missing_material.err")
    assert not err.completed_successfully and err.finished
    assert (err.warnings, err.severes, err.fatals) == (0, 1, 1)
    assert [m.severity for m in err.messages] == ["Severe", "Fatal"]
    assert err.messages[0].text == (
        "GetConstructData: Construction = EPS 80MM\nOutside Layer = CONCRETE 300MM, item not found."
    )
    assert "program terminates" in err.messages[1].text
    summary = sentence(err, "en")
    assert summary.startswith("EnergyPlus stopped on errors: 1 fatal, 1 severe.")
    assert "GetConstructData" in summary
    assert "首个错误：GetConstructData" in sentence(err, "zh")


def test_engine_that_crashed_before_its_final_line():
    # EnergyPlus 25.2 segfaults after this Severe (a lights schedule that does not exist).
    err = read_err(ERR / "crashed_after_severe.err")
    assert not err.finished and not err.completed_successfully
    assert (err.severes, err.fatals) == (1, 0)
    assert "exited abnormally" in sentence(err, "en")
    assert "异常退出" in sentence(err, "zh")


def test_recurring_summary_is_not_counted_twice_and_final_counts_win():
    err = parse_err(RECURRING)
    assert err.completed_successfully
    assert (err.warnings, err.severes, err.fatals) == (214, 1, 0)
    # errors first, then warnings, each with its continuation lines
    assert [m.severity for m in err.messages] == ["Severe", "Warning", "Warning"]
    assert err.messages[1].text.count("\n") == 2
    assert "212 total times" not in " ".join(m.text for m in err.messages)


def test_long_logs_are_capped():
    text = "".join(f"   ** Warning ** warning {n}\n" for n in range(500))
    text += "   ** Severe  ** the real problem\n"
    err = parse_err(text)
    assert err.warnings == 500 and err.severes == 1
    assert err.messages[0].text == "the real problem"
    assert len(err.messages) == 21


def test_missing_file(tmp_path):
    err = read_err(tmp_path / "eplusout.err")
    assert not err.found and not err.completed_successfully
    assert sentence(err, "en") == "EnergyPlus wrote no error file."


def test_as_dict_is_json_for_the_check_row():
    data = read_err(ERR / "fatal_missing_material.err").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["messages"][0]["severity"] == "Severe"
    assert {"warnings", "severes", "fatals", "completed_successfully"} <= data.keys()


WARMUP = """Program Version,EnergyPlus, Version 25.2.0-cf7368216c, YMD=2026.11.25 14:05,
   ** Severe  ** CheckWarmupConvergence: Loads Initialization, Zone="ATRIUM" did not converge after 25 warmup days.
   **   ~~~   ** See Warmup Convergence Information in .eio file for details.
   ** Severe  ** Temperature out of bounds (101.77) for zone=SPACE1-1, for surface=ROOF
   ************* EnergyPlus Completed Successfully-- 0 Warning; 2 Severe Errors; Elapsed Time=00hr 00min  3.21sec
"""  # noqa: E501


def test_warmup_convergence_is_counted_apart_from_the_models_severe_errors():
    err = parse_err(WARMUP)
    assert (err.severes, err.warmup_severes, err.model_severes) == (2, 1, 1)
    assert err.as_dict()["warmup_severes"] == 1
