"""Each user's checks take turns (issue 24, item 8): at most N running and M waiting per user,
claims decided atomically on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from registry.db import make_engine
from registry.errors import TooManyRequests
from registry.i18n import render
from registry.models import Check
from registry.services.checks import turns
from registry.services.checks import uploads as check_service
from tests.conftest import MODELS_DIR, make_config
from tests.services.checks.official import official_weather

BOX = (MODELS_DIR / "office_box.idf").read_bytes()


def variant() -> bytes:
    """The office box with a comment of its own: another model to the cache."""
    return BOX + f"\n! variant {uuid.uuid4().hex}\n".encode()


@pytest.fixture
def world(session, make_user, make_building, tmp_path, database_url):
    official_weather(session)
    designer = make_user(session, role="designer", districts=())
    other = make_user(session, role="designer", districts=())
    return type(
        "World",
        (),
        {
            "session": session,
            "designer": designer,
            "other": other,
            "building": make_building(session, designer, floor_area_m2="100"),
            "other_building": make_building(session, other, floor_area_m2="100"),
            "config": make_config(tmp_path, database_url, CHECK_MAX_QUEUED_PER_USER=2),
        },
    )


def upload(world, actor, building, data: bytes) -> Check:
    return check_service.create_check(
        session=world.session,
        actor=actor,
        config=world.config,
        building_id=building.id,
        idf_bytes=data,
        filename="box.idf",
        enqueue=None,
    )


def test_uploads_beyond_the_waiting_limit_are_refused_with_the_reason(world):
    first = upload(world, world.designer, world.building, BOX)
    upload(world, world.designer, world.building, variant())
    with pytest.raises(TooManyRequests) as refused:
        upload(world, world.designer, world.building, variant())
    assert refused.value.status == 429
    assert render(refused.value.code, refused.value.params, "zh") == (
        "您已有 2 个校核在排队（每位用户最多 2 个），请等其中一些完成后再提交。"
    )
    assert "at most 2 per user" in render(refused.value.code, refused.value.params, "en")
    world.session.rollback()
    # Nothing was stored for the refused upload; another user still has room.
    mine = world.session.exec(select(Check).where(Check.created_by_id == world.designer.id))
    assert len(mine.all()) == 2
    upload(world, world.other, world.other_building, variant())
    # A cancelled check no longer waits, so it frees a place.
    check_service.cancel_check(session=world.session, actor=world.designer, check_id=first.id)
    upload(world, world.designer, world.building, variant())


def test_claims_beyond_a_users_running_limit_are_deferred_at_once(world, database_url):
    world.config.CHECK_MAX_QUEUED_PER_USER = 0
    mine = [upload(world, world.designer, world.building, variant()) for _ in range(4)]
    theirs = upload(world, world.other, world.other_building, variant())
    engine = make_engine(database_url)
    barrier = threading.Barrier(len(mine) + 1)
    outcomes: dict[int, str] = {}

    def take(check_id: int) -> None:
        barrier.wait()
        outcomes[check_id] = turns.claim(engine, check_id, f"w{check_id}", max_running=1)

    threads = [threading.Thread(target=take, args=(c.id,)) for c in [*mine, theirs]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes[c.id] for c in mine) == ["claimed", "deferred", "deferred", "deferred"]
    assert outcomes[theirs.id] == "claimed"
    with Session(engine) as session:
        states = {c.id: session.get(Check, c.id).status for c in mine}
    assert sorted(states.values()) == ["queued", "queued", "queued", "validating"]

    # When the running one ends, the owner's oldest waiting check is sent, once.
    running = next(i for i, state in states.items() if state == "validating")
    with engine.begin() as conn:
        conn.execute(update(Check).where(Check.id == running).values(status="done"))
    sent: list[int] = []
    assert turns.send_next(engine, running, lambda i: sent.append(i)) == sent[0]
    assert sent == [min(i for i, state in states.items() if state == "queued")]
    assert turns.claim(engine, sent[0], "w-next", max_running=1) == "claimed"
    engine.dispose()
