"""One user's checks take turns on a real worker (issue 24, item 8): with two worker slots and
one turn per user, a designer's three uploads run one at a time, and another designer's check
runs beside them instead of waiting behind all three."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlmodel import Session, select

from registry import queue as job_queue
from registry.models import ACTIVE_STATES, Check
from registry.services.checks import uploads as check_service
from tests.conftest import make_config
from tests.jobs.conftest import sample_model

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]


@pytest.fixture
def broker_url(tmp_path):
    # The embedded broker only: the turns are decided by the database, not by the broker.
    return f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"


def test_a_users_checks_run_one_at_a_time_and_others_run_beside_them(
    pipeline, make_user, make_building
):
    assert make_config(pipeline.tmp_path, "sqlite://").CHECK_MAX_RUNNING_PER_USER == 1
    with Session(pipeline.engine, expire_on_commit=False) as session:
        busy = make_user(session, role="designer", districts=())
        other = make_user(session, role="designer", districts=())
        ids = {}
        for who, count in ((busy, 3), (other, 1)):
            building = make_building(session, who, floor_area_m2="100")
            for _ in range(count):
                model = sample_model("office_box.idf") + f"\n! {uuid.uuid4().hex}\n".encode()
                check = check_service.create_check(
                    session=session,
                    actor=who,
                    config=pipeline.config,
                    building_id=building.id,
                    idf_bytes=model,
                    filename="box.idf",
                    enqueue=job_queue.enqueue_check,
                )
                ids.setdefault(who.id, []).append(check.id)
    most_at_once = 0
    with pipeline.worker(concurrency=2):
        deadline = time.monotonic() + 240
        while True:
            with Session(pipeline.engine) as session:
                rows = session.exec(select(Check)).all()
            active = [r for r in rows if r.created_by_id == busy.id and r.status in ACTIVE_STATES]
            most_at_once = max(most_at_once, len(active))
            if all(r.status in ("done", "failed", "cancelled") for r in rows):
                break
            assert time.monotonic() < deadline, [(r.id, r.status) for r in rows]
            time.sleep(0.05)
    assert {r.status for r in rows} == {"done"}
    assert most_at_once == 1
    started = {r.id: r.started_at for r in rows}
    mine = sorted(ids[busy.id], key=lambda i: started[i])
    # The other designer's check did not wait for the busy one's queue to drain.
    assert started[ids[other.id][0]] < started[mine[1]]
