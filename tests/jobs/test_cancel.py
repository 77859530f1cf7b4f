"""A cancel stops the running engine within a second (issue 24, item 8), on a real run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from registry.db import make_engine
from registry.models import Check
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from registry.services.checks.runner import execute_check
from tests.conftest import make_config
from tests.jobs.conftest import sample_model

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]


def engine_alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_cancel_kills_the_engine_within_a_second(tmp_path, sqlite_url, make_user, make_building):
    config = make_config(tmp_path, sqlite_url)
    engine = make_engine(sqlite_url)
    # The small office at 60 timesteps an hour: a run of a minute or more, cut short here.
    model = sample_model("office_small.idf").replace(b"Timestep,\n    6;", b"Timestep,\n    60;")
    assert model != sample_model("office_small.idf")
    with Session(engine, expire_on_commit=False) as session:
        weather_seed.seed(session)
        designer = make_user(session, role="designer", districts=())
        building = make_building(session, designer, floor_area_m2="1296")
        check = check_service.create_check(
            session=session,
            actor=designer,
            config=config,
            building_id=building.id,
            idf_bytes=model,
            filename="slow.idf",
            enqueue=None,
        )
    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.update(
            state=execute_check(engine=engine, config=config, check_id=check.id, worker="t:1")
        )
    )
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            with Session(engine) as session:
                pid = session.get(Check, check.id).engine_pid
            if pid:
                break
            assert time.monotonic() < deadline, "the engine never started"
            time.sleep(0.05)
        time.sleep(0.5)  # well into the run
        assert engine_alive(pid)
        with Session(engine) as session:
            check_service.cancel_check(session=session, actor=designer, check_id=check.id)
        asked = time.monotonic()
        while engine_alive(pid) and time.monotonic() - asked < 10:
            time.sleep(0.02)
        stopped_after_s = time.monotonic() - asked
    finally:
        worker.join(timeout=120)
    assert stopped_after_s < 1.0, stopped_after_s
    assert outcome["state"] == "cancelled"
    with Session(engine) as session:
        row = session.get(Check, check.id)
        assert (row.status, row.engine_pid) == ("cancelled", None)
    engine.dispose()
