"""A run that would never end is stopped by its time limit and leaves no engine behind."""

from __future__ import annotations

import re
import threading
import time

import pytest

from registry.i18n import render
from registry.services.checks.runner import execute_check
from tests.faults.conftest import OFFICE, Registry, office_variant, process_gone

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]

# Fifty years at one-minute timesteps: hours of work for the engine.
ENDLESS = re.sub(
    r"RunPeriod,.*?;",
    "RunPeriod,Endless,1,1,2001,12,31,2050,,Yes,Yes,No,Yes,Yes;",
    OFFICE.replace("Timestep,4;", "Timestep,60;"),
    count=1,
    flags=re.S,
)


def test_endless_run_is_stopped_by_its_time_limit(tmp_path, sqlite_url, make_user, make_building):
    registry = Registry(tmp_path, sqlite_url, CHECK_TIMEOUT_S=5)
    check = registry.submit(make_user, make_building, office_variant("endless", ENDLESS))
    pids: list[int] = []
    outcome: list[str] = []
    runner = threading.Thread(
        target=lambda: outcome.append(
            execute_check(
                engine=registry.engine, config=registry.config, check_id=check.id, worker="test:1"
            )
        )
    )
    started = time.monotonic()
    runner.start()
    while runner.is_alive():
        pid = registry.check(check.id).engine_pid
        if pid and pid not in pids:
            pids.append(pid)
        time.sleep(0.1)
    runner.join()
    elapsed = time.monotonic() - started

    row = registry.check(check.id)
    assert outcome == ["failed"]
    assert (row.status, row.error_code) == ("failed", "energyplus.timeout"), row.error_params
    assert row.error_params == {"seconds": 5}
    assert "5 秒" in render(row.error_code, row.error_params, "zh")
    # The model itself was accepted (with a warning) and really ran: 50 years, 60 steps/h.
    assert row.model_facts["run_period"]["end_year"] == 2050
    assert row.model_facts["timesteps_per_hour"] == 60
    assert any(w["code"] == "idf.not_full_year" for w in row.warnings)
    assert len(pids) == 1 and process_gone(pids[0])
    assert row.engine_pid is None
    assert 5 <= elapsed < 30, elapsed
    print(f"\nendless run stopped after {elapsed:.1f} s (limit 5 s)")
    registry.engine.dispose()
