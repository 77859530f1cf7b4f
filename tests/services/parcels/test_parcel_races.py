"""Two officers put one building on two parcels at the same moment: one wins, the other is
told the building is elsewhere, and exactly one link is audited (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from registry.errors import Conflict
from registry.models import AuditEvent, Building
from registry.services.buildings import registration
from registry.services.parcels import parcels as parcel_service
from tests.conftest import building_data


def test_one_building_on_two_parcels_at_once(engine, make_user):
    with Session(engine, expire_on_commit=False) as session:
        officers = [make_user(session, role="officer", districts=["370202"]) for _ in range(2)]
        for number in ("RACE-A", "RACE-B"):
            parcel_service.add_parcel(
                session=session,
                actor=officers[0],
                data={"number": number, "district_code": "370202"},
            )
        building = registration.register_building(
            session=session, actor=officers[0], data=building_data()
        )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def link(officer, number):
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                parcel_service.link_building(
                    session=session, actor=officer, number=number, building_id=building.id
                )
                outcomes.append("linked")
            except Conflict as exc:
                outcomes.append(exc.code)

    threads = [
        threading.Thread(target=link, args=(officer, number))
        for officer, number in zip(officers, ("RACE-A", "RACE-B"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["linked", "parcel.building_elsewhere"]
    with Session(engine) as session:
        assert session.get(Building, building.id).parcel_id is not None
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "building", AuditEvent.action == "link_parcel"
            )
        ).all()
        assert len(events) == 1
