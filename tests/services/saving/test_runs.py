"""Both runs of a saving-rate check at once when a second core is free, else one after the
other (the run function is the test's: what is tested is the scheduling, not the engine)."""

from __future__ import annotations

import threading
import time

from registry.models import Check
from registry.services.saving import runs


def _timed_run(log: list):
    lock = threading.Lock()

    def run(text: str, sub: str):
        started = time.monotonic()
        time.sleep(0.2)
        with lock:
            log.append((sub, started, time.monotonic()))
        return sub

    return run


def test_run_both_overlaps_when_parallel_and_not_otherwise():
    for parallel in (True, False):
        log: list = []
        assert runs.run_both(_timed_run(log), "d", "r", parallel=parallel) == (
            "design",
            "reference",
        )
        (_a, start_a, end_a), (_b, start_b, end_b) = sorted(log, key=lambda item: item[1])
        overlapped = start_b < end_a
        assert overlapped is parallel


def test_a_second_core_is_free_only_when_the_node_has_one(
    session, engine, make_user, make_building
):
    designer = make_user(session, role="designer", districts=())
    building = make_building(session, designer)
    rows = [
        Check(
            building_id=building.id,
            idf_path="x.idf",
            idf_sha256="0" * 64,
            status=status,
            worker=worker,
        )  # fmt: skip
        for status, worker in (
            ("running", "celery@a:1"),
            ("running", "celery@b:7"),
            ("done", "celery@a:3"),  # finished: no longer holds a core
        )
    ]
    ours = Check(building_id=building.id, idf_path="y.idf", idf_sha256="1" * 64,
                 status="running", worker="celery@a:2")  # fmt: skip
    session.add_all([*rows, ours])
    session.commit()
    # Node a: one other check running. Two cores: ours and it fill them; three: one free.
    assert runs.second_slot_free(engine, ours.id, ours.worker, cores=2) is False
    assert runs.second_slot_free(engine, ours.id, ours.worker, cores=3) is True
    # Node c has nothing else running.
    assert runs.second_slot_free(engine, ours.id, "celery@c:9", cores=2) is True


def test_the_reference_run_is_judged_by_the_run_level_validity_rules():
    from types import SimpleNamespace

    annual = SimpleNamespace(unmet_heating_hours=250.0, unmet_cooling_hours=80.0)
    err = SimpleNamespace(severes=3, warmup_severes=3)  # warm-up severes do not count
    judged = runs.reference_validity(annual, err, {"unmet_hours": 300.0, "severe_errors": 0})
    assert judged == [
        {"rule": "unmet_hours", "held": False, "value": 330.0, "limit": 300.0},
        {"rule": "severe_errors", "held": True, "value": 0, "limit": 0},
    ]
