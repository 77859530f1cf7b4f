"""The tally index against the pure domain tally, on SQLite and PostgreSQL.

The database adds up stored episodes; `registry.domain.tally.replay.compute_tally` replays every
record. Over random histories (hypothesis), random periods and data dates, both must give the
same tally to the last field: figures, tables, rows, later revocations, pilots and digest.
"""

from __future__ import annotations

import random
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlmodel import Session

from registry.domain.tally import period as aggregate
from registry.domain.tally import replay
from registry.domain.tally.targets import (
    DEFAULT_TARGETS,
    BuildingFact,
    RecordFact,
    building_episodes,
)
from registry.errors import ValidationFailed
from registry.models import Building, Record, TallyEpisode, TallyHorizon, Target
from registry.services.buildings import records as record_service
from registry.services.buildings import registration as building_service
from registry.services.tally import index as tally_index
from registry.services.tally import tallies as tally_service
from registry.services.tally.facts import load_facts
from tests.domain.tally.test_targets import histories
from tests.services.tally.test_tallies import build_history

NOW = datetime(2023, 1, 1, tzinfo=UTC)


def _store_history(session: Session, buildings, records, targets=()) -> None:
    """Write the facts as rows, bypassing the services (as a bulk load would)."""
    connection = session.connection()
    connection.execute(delete(Target))
    for spec in targets:
        session.add(
            Target(
                key=spec.key,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                unit=spec.unit,
                value=spec.value,
                baseline=spec.baseline,
                midterm=spec.midterm,
                deadline=spec.deadline,
            )
        )
    connection.execute(delete(TallyEpisode))
    connection.execute(delete(TallyHorizon))
    connection.execute(delete(Record))
    connection.execute(delete(Building))
    for b in buildings:
        session.add(
            Building(
                id=b.building_id,
                name=b.name,
                address="青岛市",
                district_code=b.district_code,
                building_type=b.building_type,
                floor_area_m2=b.floor_area_m2,
                is_new_build=b.is_new_build,
                completion_year=b.completion_year,
                prefabricated=b.prefabricated,
                owner_name="业主",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    session.flush()
    for r in records:
        session.add(
            Record(
                id=r.record_id,
                building_id=r.building_id,
                kind=r.kind,
                level=r.level,
                stage=r.stage,
                label_number=r.label_number,
                issued_on=r.issued_on,
                started_on=r.started_on,
                completed_on=r.completed_on,
                counted_area_m2=r.counted_area_m2,
                status=r.status,
                approved_on=r.approved_on,
                revoked_on=r.revoked_on,
                published_on=r.published_on,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    session.flush()
    tally_index.rebuild(session.connection())
    session.commit()


def _same(got: aggregate.Tally, want: aggregate.Tally) -> None:
    assert asdict(got) == asdict(want)


@st.composite
def histories_with_edges(draw):
    """Random histories, mostly approved or revoked, whose period ends and data date often fall
    on, or a day beside, one of the records' own dates: the off-by-one cases a random day
    almost never hits."""
    buildings, records, start, end, as_of = draw(histories())
    records = [
        replace(
            r,
            status=draw(
                st.sampled_from(
                    ["approved" if r.kind == "retrofit" else "published", "revoked", r.status]
                )
            ),
            approved_on=r.approved_on or r.issued_on or r.started_on,
            published_on=None if r.kind == "retrofit" else (r.published_on or r.issued_on),
            revoked_on=r.revoked_on or r.completed_on or r.issued_on,
        )
        if r.status in ("draft", "submitted", "rejected")
        else r
        for r in records
    ]
    records = [replace(r, revoked_on=None) if r.status != "revoked" else r for r in records]
    # The days where holdings start and end (as counted at the end of time), and every other
    # date on the records: periods and data dates are drawn on or beside them.
    edges = sorted(
        {
            day
            for b in buildings
            for ep in building_episodes(
                b, [r for r in records if r.building_id == b.building_id], date.max
            )
            for day in (ep.start, ep.end)
            if day is not None
        }
    )
    days = sorted(
        {
            d
            for r in records
            for d in (
                r.approved_on,
                r.published_on,
                r.issued_on,
                r.started_on,
                r.completed_on,
                r.revoked_on,
            )
            if d
        }
    )
    if days:

        def beside(choices):
            return st.sampled_from(choices).flatmap(
                lambda d: st.sampled_from([d - timedelta(days=1), d, d + timedelta(days=1)])
            )

        near = beside(edges) if edges else beside(days)
        exact = st.sampled_from(edges) if edges else st.sampled_from(days)
        start, end = sorted(
            [draw(near | beside(days) | st.just(start)), draw(exact | near | st.just(end))]
        )
        as_of = draw(st.just(as_of) | near)
    # Target values small enough to be met, so the day each was met is tested too.
    value = draw(st.sampled_from([1_000.0, 5_000.0, 20_000.0]))
    # Mostly a data date after every record: the index alone answers. Otherwise the buildings
    # with later dates are recounted beside it, and that path is tested too.
    as_of = draw(st.sampled_from([date(2030, 1, 1), date(2030, 1, 1), as_of]))
    return buildings, records, start, end, as_of, value


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    history=histories_with_edges(),
    district=st.sampled_from([None, None, "370202", "370212"]),
    building_type=st.sampled_from([None, "school"]),
)
def test_the_index_gives_the_domain_tally(engine, history, district, building_type):
    buildings, records, start, end, as_of, value = history
    targets = [
        replace(spec, value=value) if spec.unit == "m2" else spec for spec in DEFAULT_TARGETS
    ]
    with Session(engine, expire_on_commit=False) as session:
        _store_history(session, buildings, records, targets)
        got = tally_service.compute(
            session=session,
            start=start,
            end=end,
            as_of=as_of,
            district=district,
            building_type=building_type,
        )
    want = replay.compute_tally(
        buildings,
        records,
        start=start,
        end=end,
        as_of=as_of,
        targets=targets,
        district=district,
        building_type=building_type,
    )
    _same(got, want)


@pytest.fixture
def admin(session, make_user):
    return make_user(session, role="admin")


def _index(session) -> list[tuple]:
    return sorted(
        tuple(row)
        for row in session.connection().execute(
            select(*(c for c in TallyEpisode.__table__.c if c.name != "id"))
        )
    )


def test_services_keep_the_index_as_a_rebuild_would(session, admin, make_building):
    build_history(session, admin, make_building, random.Random(7))
    some = session.execute(select(Building)).scalars().first()
    building_service.update_building(
        session=session,
        actor=admin,
        building_id=some.id,
        data={"district_code": "370285"},
        reason="区划更正",  # a correction, where a record of it passed review
    )
    kept = _index(session)
    assert kept, "the history approved nothing: the check below would prove nothing"
    tally_index.rebuild(session.connection())
    session.commit()
    assert _index(session) == kept
    assert {row[3] for row in kept if row[1] == some.id} <= {"370285"}


def test_a_rename_or_a_corrected_record_reaches_the_exported_rows(session, admin, make_building):
    """The episodes keep copies of the building's name and the record's kind, level and label
    for the full-row export, which reads no other table: every change to those refreshes
    them, so the export shows the names and labels as they are now."""
    build_history(session, admin, make_building, random.Random(7))
    E = tally_index.EPISODES.c
    building_id, record_id = (
        session.connection()
        .execute(
            select(E.building_id, E.record_id)
            .join(Record, Record.id == E.record_id)
            .where(Record.kind == "green_label", Record.status.in_(["approved", "published"]))
        )
        .first()
    )
    building_service.update_building(
        session=session,
        actor=admin,
        building_id=building_id,
        data={"name": "更名后的测试楼"},
        reason="名称更正",
    )
    record = session.get(Record, record_id)
    new_level = "3" if record.level != "3" else "2"
    record_service.correct_record(
        session=session,
        actor=admin,
        record_id=record_id,
        data={"level": new_level, "label_number": "QD-RENAMED-1"},
        reason="证书录入错误",
    )
    assert tally_index.differences(session) == []
    stored = (
        session.connection()
        .execute(
            select(E.building_name, E.kind, E.level, E.label_number).where(E.record_id == record_id)
        )
        .all()
    )
    assert stored and set(stored) == {("更名后的测试楼", record.kind, new_level, "QD-RENAMED-1")}
    names = (
        session.connection()
        .execute(select(E.building_name).where(E.building_id == building_id))
        .scalars()
    )
    assert set(names) == {"更名后的测试楼"}
    # The export's own read (the index's rows, no join) gives them.
    start_on = (
        session.connection().execute(select(E.start_on).where(E.record_id == record_id)).scalar()
    )
    period = tally_service.Period.of(
        session=session,
        year=start_on.year,
        start=None,
        end=None,
        district=None,
        building_type=None,
        as_of=None,
    )
    with tally_service.sources(session, period.as_of) as sources:
        rows = [row for batch in period.iter_flat_batches(session, sources) for row in batch]
    mine = [row for row in rows if row[5] == record_id]
    assert mine and {(row[2], row[7], row[8]) for row in mine} == {
        ("更名后的测试楼", new_level, "QD-RENAMED-1")
    }


def test_an_earlier_data_date_recounts_through_the_same_sql(session, admin, make_building):
    build_history(session, admin, make_building, random.Random(2022))
    kwargs = {"start": date(2021, 7, 1), "end": date(2022, 6, 30), "as_of": date(2022, 3, 1)}
    assert tally_index.later_than(session, kwargs["as_of"]), "nothing dated after the as-of"
    indexed = tally_service.compute(session=session, **kwargs)
    buildings, records = load_facts(session=session)
    _same(indexed, replay.compute_tally(buildings, records, **kwargs))
    # The recount's temporary table is gone with the tally: a second one can be made.
    _same(tally_service.compute(session=session, **kwargs), indexed)


def test_the_first_rows_only(session, admin, make_building):
    build_history(session, admin, make_building, random.Random(11))
    full = tally_service.compute(session=session, year=2022, as_of=date(2026, 1, 1))
    assert full.row_count == len(full.rows) > 3 and full.digest
    first = tally_service.compute(session=session, year=2022, as_of=date(2026, 1, 1), rows=3)
    assert first.rows == full.rows[:3] and first.row_count == full.row_count
    assert first.digest == ""  # a digest of three rows would vouch for what was not read
    assert first.targets == full.targets


def test_a_failed_change_leaves_the_index_as_it_was(session, admin, make_building):
    build_history(session, admin, make_building, random.Random(11))
    before = _index(session)
    some = session.execute(select(Building)).scalars().first()
    with pytest.raises(ValidationFailed):
        building_service.update_building(
            session=session,
            actor=admin,
            building_id=some.id,
            data={"district_code": "no such district"},
        )
    session.rollback()
    assert _index(session) == before


def _label(record_id, issued, *, revoked=None, level="2", kind="green_label", building_id=1):
    return RecordFact(
        record_id,
        building_id,
        kind,
        level,
        "revoked" if revoked else "published",
        5000.0,
        stage="evaluation" if kind == "green_label" else None,
        label_number=f"E{record_id}",
        approved_on=issued,
        issued_on=issued,
        revoked_on=revoked,
        published_on=issued,
    )


EDGES = {  # each: records, and the period's first and last day
    "revoked on the period's last day": (
        [_label(1, date(2021, 3, 1), revoked=date(2021, 12, 31))],
        date(2021, 1, 1),
        date(2021, 12, 31),
    ),
    "revoked on the period's first day": (
        [_label(1, date(2021, 3, 1), revoked=date(2022, 1, 1))],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "revoked the day before the period": (
        [_label(1, date(2021, 3, 1), revoked=date(2021, 12, 31))],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "revoked the day after the period": (
        [_label(1, date(2021, 3, 1), revoked=date(2022, 1, 1))],
        date(2021, 1, 1),
        date(2021, 12, 31),
    ),
    "counted on the period's last day": (
        [_label(1, date(2021, 12, 31))],
        date(2021, 1, 1),
        date(2021, 12, 31),
    ),
    "counted the day before the period": (
        [_label(1, date(2021, 12, 31))],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "counted on the period's first day": (
        [_label(1, date(2022, 1, 1))],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "upgrade across years": (
        [_label(1, date(2021, 6, 1), level="1"), _label(2, date(2022, 6, 1), level="3")],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "nearly-zero pilot held, upgraded from ultra-low": (
        [
            _label(1, date(2021, 6, 1), kind="energy", level="ultra_low"),
            _label(2, date(2022, 6, 1), kind="energy", level="nearly_zero"),
        ],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "met in a later year by a second building": (
        [_label(1, date(2021, 6, 1)), _label(2, date(2022, 3, 1), building_id=2)],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
    "nearly-zero pilot revoked at the end": (
        [
            _label(
                1, date(2021, 6, 1), kind="energy", level="nearly_zero", revoked=date(2022, 12, 31)
            )
        ],
        date(2022, 1, 1),
        date(2022, 12, 31),
    ),
}


@pytest.mark.parametrize("case", sorted(EDGES))
def test_edges_of_a_period(engine, case):
    records, start, end = EDGES[case]
    buildings = [
        BuildingFact(1, "楼1", "370212", "school", 10_000.0, True, 2021, True),
        BuildingFact(2, "楼2", "370202", "hotel", 10_000.0, True, 2022, False),
    ]
    for value in (4_000.0, 8_000.0):  # met by the first record; met only with the second
        targets = [
            replace(spec, value=value) if spec.unit == "m2" else spec for spec in DEFAULT_TARGETS
        ]
        _check_edges(engine, buildings, records, targets, start, end)


def _check_edges(engine, buildings, records, targets, start, end):
    with Session(engine, expire_on_commit=False) as session:
        _store_history(session, buildings, records, targets)
        for as_of in (date(2030, 1, 1), end, start):
            got = tally_service.compute(session=session, start=start, end=end, as_of=as_of)
            want = replay.compute_tally(
                buildings, records, start=start, end=end, as_of=as_of, targets=targets
            )
            _same(got, want)


def test_the_check_finds_an_episode_whose_record_is_gone(session, admin, make_building):
    """No key holds an episode to its record (the rows are derived): the check that recounts
    every building catches one written around the services that names a record that does
    not exist, on a building with counted records and on one with none."""
    build_history(session, admin, make_building, random.Random(11))
    assert tally_index.differences(session) == []
    E = tally_index.EPISODES.c
    stored = session.connection().execute(select(*[c for c in E if c.name != "id"])).first()
    assert stored is not None
    missing_record = 1 + session.connection().execute(select(func.max(Record.id))).scalar()
    bare = make_building(session, admin, name="没有记录的楼")
    for building_id in (stored.building_id, bare.id):
        session.connection().execute(
            tally_index.EPISODES.insert().values(
                {**stored._asdict(), "building_id": building_id, "record_id": missing_record}
            )
        )
    assert tally_index.differences(session) == sorted([stored.building_id, bare.id])
