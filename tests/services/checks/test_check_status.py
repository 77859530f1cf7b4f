"""`check_status`, the one-column read a waiting client polls, sees what `get_check` sees."""

from __future__ import annotations

import pytest

from registry.errors import NotFound, PermissionDenied
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from tests.conftest import MODELS_DIR, make_config

MODEL = (MODELS_DIR / "office_box.idf").read_bytes()


def test_status_follows_the_rules_of_get_check(
    session, tmp_path, database_url, make_user, make_building
):
    weather_seed.seed(session)
    config = make_config(tmp_path, database_url)
    owner = make_user(session, role="designer", districts=())
    building = make_building(session, owner, district_code="370202")
    check = check_service.create_check(
        session=session,
        actor=owner,
        config=config,
        building_id=building.id,
        idf_bytes=MODEL,
        filename="office_box.idf",
        enqueue=None,
    )
    readers = [
        owner,
        make_user(session, role="admin", districts=()),
        make_user(session, role="viewer", districts=()),
        make_user(session, role="officer", districts=("370202",)),
    ]
    for actor in readers:
        assert (
            check_service.check_status(session=session, actor=actor, check_id=check.id) == "queued"
        )
        assert (
            check_service.get_check(session=session, actor=actor, check_id=check.id).status
            == "queued"
        )
    for actor in (
        make_user(session, role="designer", districts=()),
        make_user(session, role="officer", districts=("370212",)),
    ):
        with pytest.raises(PermissionDenied):
            check_service.check_status(session=session, actor=actor, check_id=check.id)
        with pytest.raises(PermissionDenied):
            check_service.get_check(session=session, actor=actor, check_id=check.id)
    with pytest.raises(NotFound):
        check_service.check_status(session=session, actor=owner, check_id=check.id + 1000)
