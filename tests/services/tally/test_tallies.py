"""The tally service against the day-by-day reference, on SQLite and PostgreSQL; targets as data."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from registry.domain import dates
from registry.domain.tally import replay
from registry.domain.tally.targets import BuildingFact, RecordFact
from registry.errors import PermissionDenied, ValidationFailed
from registry.models import AuditEvent, Target
from registry.services.buildings import records as record_service
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service
from registry.services.tally import targets as target_service
from registry.services.tally.facts import load_facts
from registry.services.tally.targets_seed import seed
from tests.domain.tally.test_targets import reference_tally

LEVELS = {
    "green_label": ["basic", "1", "2", "3"],
    "energy": ["ultra_low", "nearly_zero", "zero"],
    "retrofit": ["residential_green", "public_efficiency", "old_community"],
}
DISTRICTS = ["370202", "370211", "370212", "370214", "370285"]


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def build_history(session, admin, make_building, rng: random.Random):
    """Random buildings and records written through the services; returns the facts."""
    from tests.conftest import checker_for

    checker = checker_for(session, admin)
    buildings, facts = [], []
    for _ in range(5):
        district = rng.choice(DISTRICTS)
        prefab = rng.random() < 0.5
        b = make_building(
            session,
            admin,
            district_code=district,
            floor_area_m2="20000",
            completion_year=str(rng.choice([2020, 2021, 2022])),
            prefabricated="true" if prefab else "false",
            building_type=rng.choice(["school", "hotel"]),
            sub_type="",
        )
        buildings.append(
            BuildingFact(
                b.id,
                b.name,
                b.district_code,
                b.building_type,
                b.floor_area_m2,
                b.is_new_build,
                b.completion_year,
                b.prefabricated,
            )
        )
    for _ in range(18):
        b = rng.choice(buildings)
        kind = rng.choice(sorted(LEVELS))
        level = rng.choice(LEVELS[kind])
        first_date = day_between(rng, date(2020, 10, 1), date(2022, 12, 31))
        data = {"kind": kind, "level": level, "counted_area_m2": rng.randint(10, 200) * 100}
        if kind == "retrofit":
            data["started_on"] = first_date
            if rng.random() < 0.7:
                data["completed_on"] = first_date + timedelta(days=rng.randint(0, 200))
        else:
            data["issued_on"] = first_date
            data["label_number"] = f"QD-{rng.randrange(10**9)}"
            if kind == "green_label":
                data["stage"] = rng.choice(["evaluation", "evaluation", "pre_evaluation"])
        record = record_service.add_record(
            session=session, actor=admin, building_id=b.building_id, data=data
        )
        status = rng.choice(["draft", "submitted", "approved", "approved", "revoked"])
        approved_on = revoked_on = published_on = None
        if status != "draft":
            record_service.submit_record(session=session, actor=admin, record_id=record.id)
        if status in ("approved", "revoked"):
            approved_on = first_date + timedelta(days=rng.randint(0, 60))
            if kind != "retrofit":
                # The holiday calendar starts with 2021 (the pilot's first year): a notice
                # cannot be counted in working days before it.
                approved_on = max(approved_on, date(2021, 1, 4))
            # Maker-checker: a second administrator reviews what the first entered.
            record_service.approve_record(
                session=session, actor=checker, record_id=record.id, on=approved_on
            )
            if kind != "retrofit":
                # A label or an energy level is published some days after its notice ends.
                published_on = record.notice_end_on + timedelta(days=rng.randint(1, 30))
                record_service.publish_record(
                    session=session, actor=checker, record_id=record.id, on=published_on
                )
        if status == "revoked":
            revoked_on = first_date + timedelta(days=rng.randint(0, 500))
            revoked_on = max(revoked_on, published_on or revoked_on)
            record_service.revoke_record(
                session=session,
                actor=admin,
                record_id=record.id,
                reason="抽查不合格",
                on=revoked_on,
            )
        if status == "approved" and kind != "retrofit":
            status = "published"
        facts.append(
            RecordFact(
                record.id,
                b.building_id,
                kind,
                record.level,
                status,
                float(record.counted_area_m2),
                stage=record.stage,
                label_number=record.label_number,
                approved_on=approved_on,
                issued_on=record.issued_on,
                started_on=record.started_on,
                completed_on=record.completed_on,
                revoked_on=revoked_on,
                published_on=published_on,
            )
        )
    return buildings, facts


@pytest.fixture
def admin(session, make_user):
    return make_user(session, role="admin")


@pytest.mark.parametrize("seed_value", [11, 2022])
def test_service_matches_the_reference(session, admin, make_building, seed_value):
    rng = random.Random(seed_value)
    buildings, facts = build_history(session, admin, make_building, rng)
    periods = [
        (date(2021, 1, 1), date(2021, 12, 31), date(2026, 1, 1)),
        (date(2022, 1, 1), date(2022, 12, 31), date(2026, 1, 1)),
        (date(2021, 7, 1), date(2022, 6, 30), date(2022, 3, 1)),
    ]
    for start, end, as_of in periods:
        tally = tally_service.compute(session=session, start=start, end=end, as_of=as_of)
        expected, pilots = reference_tally(buildings, facts, start, end, as_of)
        for progress in tally.targets[:5]:
            want = expected[progress.key]
            assert (progress.added, progress.removed, progress.cumulative) == (
                want["added"],
                want["removed"],
                want["cumulative"],
            ), (progress.key, start)
        assert {d.code for d in tally.nzeb if d.met} == pilots
        # The service adds nothing to the domain's verdict.
        direct = replay.compute_tally(buildings, facts, start=start, end=end, as_of=as_of)
        assert direct.digest == tally.digest


def test_drafts_and_rejected_records_are_not_loaded(session, admin, make_building):
    b = make_building(session, admin)
    draft = record_service.add_record(
        session=session,
        actor=admin,
        building_id=b.id,
        data={
            "kind": "green_label",
            "level": "1",
            "stage": "evaluation",
            "label_number": "D-1",
            "issued_on": "2021-03-01",
        },
    )
    rejected = record_service.add_record(
        session=session,
        actor=admin,
        building_id=b.id,
        data={
            "kind": "green_label",
            "level": "2",
            "stage": "evaluation",
            "label_number": "R-1",
            "issued_on": "2021-03-01",
        },
    )
    record_service.submit_record(session=session, actor=admin, record_id=rejected.id)
    record_service.reject_record(
        session=session, actor=admin, record_id=rejected.id, reason="资料不全"
    )
    buildings, records = load_facts(session=session)
    assert [fact.building_id for fact in buildings] == [b.id] and records == []
    assert draft.id  # stored, just not counted


def test_stored_target_values_are_used(session, admin, make_building, make_record):
    assert seed(session).startswith("targets: added")
    assert seed(session) == "targets: up to date"
    target_service.update_target(
        session=session, actor=admin, key="star_rated", data={"value": "24000"}, reason="测试"
    )
    b = make_building(session, admin, floor_area_m2="12000")
    record = make_record(session, admin, b, issued_on=date(2021, 6, 1), status="approved")
    tally = tally_service.compute(session=session, year=2021, as_of=dates.today())
    star = next(t for t in tally.targets if t.key == "star_rated")
    assert (star.value, star.cumulative, star.percent) == (24000, 12000, 50.0)
    assert tally.rows[0].record_id == record.id


def test_target_edits_are_admin_only_validated_and_audited(session, admin, make_user):
    seed(session)
    officer = make_user(session, role="officer")
    with pytest.raises(PermissionDenied):
        target_service.update_target(
            session=session, actor=officer, key="star_rated", data={"value": 1}
        )
    with pytest.raises(ValidationFailed) as info:
        target_service.update_target(
            session=session,
            actor=admin,
            key="star_rated",
            data={"value": "-5", "midterm": "2020-01-01"},
        )
    assert set(info.value.field_errors) == {"value"}
    with pytest.raises(ValidationFailed) as info:
        target_service.update_target(
            session=session, actor=admin, key="star_rated", data={"deadline": "2020-12-31"}
        )
    assert info.value.field_errors["deadline"][0] == "target.dates_out_of_order"
    target_service.update_target(
        session=session,
        actor=admin,
        key="star_rated",
        data={"deadline": "2023-06-30"},
        reason="延期",
    )
    row = session.exec(select(Target).where(Target.key == "star_rated")).one()
    assert row.deadline == date(2023, 6, 30)
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "target")).one()
    assert (
        event.before == {"deadline": "2022-12-31"}
        and event.after == {"deadline": "2023-06-30"}
        and event.reason == "延期"
    )


def test_filters_are_parsed_with_messages(session):
    assert tally_service.parse_filters(year="2022", district="即墨市", building_type="school") == {
        "year": 2022,
        "district": "370215",
        "building_type": "school",
    }
    with pytest.raises(ValidationFailed) as info:
        tally_service.parse_filters(year="20x2", district="高新区", building_type="castle")
    assert set(info.value.field_errors) == {"year", "district", "building_type"}


def test_context_and_tables_are_plain_and_complete(session, admin, make_building, make_record):
    b = make_building(session, admin, district_code="370212")
    make_record(
        session,
        admin,
        b,
        kind="energy",
        level="nearly_zero",
        stage=None,
        issued_on=date(2022, 2, 1),
        status="approved",
    )
    tally = tally_service.compute(session=session, year=2022)
    ctx = tally_presented.context(tally, generated_at=datetime(2023, 1, 5, 9, 30, tzinfo=UTC))
    # Shown in Beijing time, the zone named beside it.
    assert ctx["year"] == 2022 and ctx["generated_at"] == "2023-01-05 17:30"
    assert ctx["time_zone"] == "北京时间"
    assert len(ctx["by_district"]) == 10 and ctx["nzeb"][0]["met"] is True
    assert {r["target"] for r in ctx["rows"]} == {"ultra_low_energy", "nzeb_pilots"}
    tables = tally_tables.tables(ctx)
    assert set(tables) == set(tally_tables.TABLE_NAMES)
    headers, rows = tables["records"]
    assert headers[0] == "目标" and all(len(r) == len(headers) for r in rows)
    as_json = tally_presented.as_dict(tally)
    assert as_json["digest"] == tally.digest and as_json["start"] == "2022-01-01"
