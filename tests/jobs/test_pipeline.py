"""A check goes through a real broker and a real worker running the real EnergyPlus."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlmodel import Session, select

from registry import queue as job_queue
from registry.models import CheckEndUse, CheckResult
from registry.services.checks import uploads as check_service
from tests.jobs.conftest import sample_model, wait_for

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]

SMALL_OFFICE = "office_box.idf"


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def _building(session, make_user, make_building):
    designer = make_user(session, role="designer", districts=())
    building = make_building(session, designer, floor_area_m2=1000)
    return designer, building


def test_check_runs_on_a_worker_and_stores_one_result(pipeline, make_user, make_building):
    with Session(pipeline.engine, expire_on_commit=False) as session:
        designer, building = _building(session, make_user, make_building)
        check = check_service.create_check(
            session=session,
            actor=designer,
            config=pipeline.config,
            building_id=building.id,
            idf_bytes=sample_model(SMALL_OFFICE),
            filename="office.idf",
            enqueue=job_queue.enqueue_check,
        )
        assert check.status == "queued" and check.enqueue_error is None
    with pipeline.worker():
        done = wait_for(pipeline.engine, check.id, {"done", "failed"}, timeout_s=180)
    assert done.status == "done", (done.error_code, done.error_params, done.err_summary)
    with Session(pipeline.engine) as session:
        results = session.exec(select(CheckResult).where(CheckResult.check_id == check.id)).all()
        end_uses = session.exec(select(CheckEndUse).where(CheckEndUse.check_id == check.id)).all()
    assert len(results) == 1
    result = results[0]
    assert result.engine_version.startswith("25.2")
    assert result.registered_area_m2 == 1000
    assert result.eui_kwh_per_m2 == pytest.approx(result.total_site_kwh / 1000)
    assert sum(e.energy_kwh for e in end_uses) == pytest.approx(result.total_site_kwh, rel=0.01)
    # The run's temp directory is gone; the stored model is kept for traceability.
    assert not list(pipeline.tmp_path.glob(f"check-{check.id}-*"))

    # The same model and weather again: answered from the cache, without a run.
    with Session(pipeline.engine, expire_on_commit=False) as session:
        again = check_service.create_check(
            session=session,
            actor=designer,
            config=pipeline.config,
            building_id=building.id,
            idf_bytes=sample_model(SMALL_OFFICE),
            filename="office.idf",
            enqueue=job_queue.enqueue_check,
        )
        assert again.status == "done" and again.cached_from_id == check.id


def test_killed_worker_mid_run_is_recovered_and_stores_exactly_one_result(
    pipeline, make_user, make_building
):
    """SIGKILL the whole worker while EnergyPlus runs: the row's heartbeat drives recovery."""
    with Session(pipeline.engine, expire_on_commit=False) as session:
        designer, building = _building(session, make_user, make_building)
        check = check_service.create_check(
            session=session,
            actor=designer,
            config=pipeline.config,
            building_id=building.id,
            idf_bytes=sample_model(SMALL_OFFICE),
            filename="office.idf",
            enqueue=job_queue.enqueue_check,
        )
    with pipeline.worker("doomed") as doomed:
        running = wait_for(pipeline.engine, check.id, {"running", "done", "failed"}, 120)
        assert running.status == "running", running.status
        deadline = time.monotonic() + 30
        while running.engine_pid is None and time.monotonic() < deadline:
            time.sleep(0.1)
            running = wait_for(pipeline.engine, check.id, {"running", "reading", "done"}, 5)
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
    if running.engine_pid:
        time.sleep(0.5)
        # The engine died with its worker, no orphan run (a zombie awaiting reaping is dead).
        assert _state(running.engine_pid) in (None, "Z"), _state(running.engine_pid)
    with pipeline.worker("rescuer"):
        done = wait_for(pipeline.engine, check.id, {"done", "failed"}, timeout_s=240)
    assert done.status == "done", (done.error_code, done.error_params)
    assert done.attempts >= 2
    with Session(pipeline.engine) as session:
        assert (
            len(session.exec(select(CheckResult).where(CheckResult.check_id == check.id)).all())
            == 1
        )


def test_upload_while_broker_is_down_is_kept_and_runs_later(
    tmp_path, make_user, make_building, pipeline
):
    """The file and the row are stored; the check waits queued, and runs once a worker sweeps."""
    good_broker = pipeline.config.CELERY_BROKER_URL
    bad = pipeline.config.__class__(
        env={**pipeline.env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    )
    job_queue.configure(bad)
    try:
        with Session(pipeline.engine, expire_on_commit=False) as session:
            designer, building = _building(session, make_user, make_building)
            check = check_service.create_check(
                session=session,
                actor=designer,
                config=bad,
                building_id=building.id,
                idf_bytes=sample_model(SMALL_OFFICE),
                filename="office.idf",
                enqueue=job_queue.enqueue_check,
            )
    finally:
        job_queue.configure(pipeline.config)
    assert check.status == "queued" and check.enqueue_error
    assert check_service.stored_model_path(pipeline.config, check).exists()
    assert good_broker == pipeline.config.CELERY_BROKER_URL
    with pipeline.worker():
        done = wait_for(pipeline.engine, check.id, {"done", "failed"}, timeout_s=180)
    assert done.status == "done"
