"""Stage-by-stage compliance of a parcel's buildings, and the parcel's status."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.parcels import compliance as rules
from registry.domain.parcels.conditions import (
    BuildingFacts,
    Condition,
    Floor,
    parse_condition,
    parse_star,
    required_level,
)
from registry.domain.parcels.numbers import normalise_parcel_number

OFFICE = BuildingFacts("office_government", 12000.0, 12)
TWO_STARS = Condition("min_star", 2.0, id=1)


def status(conditions, labels, *, completed_on=None, today=date(2025, 6, 1), months=12):
    return rules.building_status(
        requirement=required_level(OFFICE, conditions, []),
        labels=labels,
        completed_on=completed_on,
        today=today,
        evaluation_months=months,
    )


def evaluation(stars, record_status="published"):
    return rules.Label("evaluation", stars, record_status)


def design(stars, record_status="published"):
    return rules.Label("pre_evaluation", stars, record_status)


def test_the_completion_window_runs_to_its_last_day_and_is_overdue_the_day_after():
    completed = date(2024, 1, 31)
    # 12 months after 31 January is 31 January; a month without the day ends on its last day.
    assert rules.add_months(completed, 12) == date(2025, 1, 31)
    assert rules.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    before = status([TWO_STARS], [design(2)], completed_on=completed, today=date(2025, 1, 30))
    on_the_day = status([TWO_STARS], [design(2)], completed_on=completed, today=date(2025, 1, 31))
    after = status([TWO_STARS], [design(2)], completed_on=completed, today=date(2025, 2, 1))
    assert (before.status, on_the_day.status, after.status) == ("pending", "pending", "overdue")
    assert after.deadline == date(2025, 1, 31)
    # The setting decides the window.
    longer = status(
        [TWO_STARS], [design(2)], completed_on=completed, today=date(2025, 2, 1), months=13
    )
    assert longer.status == "pending"


def test_design_stage_compares_the_pre_evaluation_label():
    assert status([TWO_STARS], []).status == "pending"
    assert status([TWO_STARS], []).stage == "design"
    short = status([TWO_STARS], [design(1)])
    assert (short.status, short.shortfall_stars, short.held_stars) == ("short", 1, 1)
    assert status([TWO_STARS], [design(3)]).status == "pending"  # met only by the evaluation


def test_one_star_to_three_stars_moves_short_to_met():
    short = status([TWO_STARS], [evaluation(1)], completed_on=date(2024, 1, 1))
    assert (short.status, short.shortfall_stars) == ("short", 1)
    upgraded = status([TWO_STARS], [evaluation(1), evaluation(3)], completed_on=date(2024, 1, 1))
    assert (upgraded.status, upgraded.shortfall_stars, upgraded.held_stars) == ("met", 0, 3)


def test_a_label_under_review_or_notice_is_not_held():
    assert status([TWO_STARS], [evaluation(3, "notice")]).status == "pending"
    assert status([TWO_STARS], [evaluation(3, "submitted")]).status == "pending"


def test_revocation():
    revoked = status([TWO_STARS], [evaluation(3, "revoked")], completed_on=date(2024, 1, 1))
    assert revoked.status == "revoked"
    assert status([TWO_STARS], [design(2, "revoked")]).status == "revoked"
    # Another label of the stage still standing keeps the building judged on it.
    assert status([TWO_STARS], [evaluation(3, "revoked"), evaluation(2)]).status == "met"


def test_an_unverified_condition_is_never_met_nor_read_as_no_requirement():
    stated = Condition("min_star", 2.0, status="unverified", id=2)
    unknown = Condition("min_star", None, status="unverified", id=3)
    for condition in (stated, unknown):
        assert status([condition], [evaluation(3)]).status == "pending"
        assert status([condition], [evaluation(3)]).unverified
    # No condition at all: nothing is asked, so the building is met.
    assert status([], [evaluation(1)]).status == "met"
    # Short only against a verified level.
    assert status([stated], [evaluation(1)]).status == "pending"
    assert status([stated, Condition("min_star", 1.0, id=4)], [evaluation(1)]).status == "pending"
    both = status([stated, TWO_STARS], [evaluation(1)])
    assert (both.status, both.shortfall_stars) == ("short", 1)
    area = Condition("min_ultra_low_m2", 100.0, status="unverified", id=5)
    building = rules.ParcelBuilding(1, 100.0, False, 500.0, status([], [evaluation(3)]))
    outcome = rules.parcel_status([building], [area])
    assert outcome.status == "pending"
    assert outcome.areas[0].status == "pending"


def test_per_use_conditions_and_policy_floors_raise_the_requirement():
    housing_only = Condition("min_star", 3.0, building_type="residential", id=6)
    assert required_level(OFFICE, [TWO_STARS, housing_only], []).stars == 2
    big = Floor(min_star=3, min_floor_area_m2=10000.0, id=1, name="large public")
    small = Floor(min_star=3, min_floor_area_m2=20000.0, id=2)
    requirement = required_level(OFFICE, [TWO_STARS], [big, small])
    assert (requirement.stars, requirement.verified_stars) == (3, 3)
    assert "floor:1" in requirement.sources and "floor:2" not in requirement.sources
    unverified_floor = Floor(min_star=3, status="unverified", public_only=True, id=3)
    requirement = required_level(OFFICE, [TWO_STARS], [unverified_floor])
    assert (requirement.stars, requirement.verified_stars, requirement.unverified) == (
        3,
        2,
        True,
    )


def _member(building_id, area, state, ultra_low=0.0, prefab=False):
    return rules.ParcelBuilding(building_id, area, prefab, ultra_low, state)


def test_parcel_status_weights_shortfalls_by_floor_area():
    met = status([TWO_STARS], [evaluation(2)], completed_on=date(2024, 1, 1))
    short = status([TWO_STARS], [evaluation(1)], completed_on=date(2024, 1, 1))
    outcome = rules.parcel_status([_member(1, 3000.0, short), _member(2, 1000.0, met)], [TWO_STARS])
    assert outcome.status == "breached"
    assert outcome.failing_area_m2 == 3000.0
    assert outcome.weighted_shortfall_stars == pytest.approx(0.75)
    ok = rules.parcel_status([_member(1, 3000.0, met), _member(2, 1000.0, met)], [TWO_STARS])
    assert ok.status == "met"
    assert rules.parcel_status([], [TWO_STARS]).status == "pending"


def test_area_conditions_are_decided_once_every_building_is_complete():
    ultra_low = Condition("min_ultra_low_m2", 10000.0, id=7)
    prefab = Condition("min_prefab_pct", 50.0, id=8)
    done = status([], [evaluation(2)], completed_on=date(2024, 1, 1))
    designing = status([], [])
    short = rules.parcel_status([_member(1, 8000.0, done, ultra_low=4000.0)], [ultra_low])
    assert short.status == "breached"
    assert (short.areas[0].status, short.areas[0].shortfall) == ("short", 6000.0)
    waiting = rules.parcel_status(
        [_member(1, 8000.0, done, ultra_low=4000.0), _member(2, 100.0, designing)], [ultra_low]
    )
    assert waiting.status == "pending"
    enough = rules.parcel_status([_member(1, 8000.0, done, ultra_low=10000.0)], [ultra_low])
    assert enough.status == "met"
    shares = rules.parcel_status(
        [_member(1, 600.0, done, prefab=True), _member(2, 400.0, done)], [prefab]
    )
    assert (shares.status, shares.areas[0].reached) == ("met", 60.0)


def test_parcel_numbers_have_one_form():
    assert normalise_parcel_number(" ls２０２１－０３ ") == "LS2021-03"
    assert normalise_parcel_number("LS2021—03") == "LS2021-03"
    assert normalise_parcel_number("370212 2021 号") == "3702122021号"
    for bad in ("", "   ", "A;B", "x" * 65):
        with pytest.raises(ValueError):
            normalise_parcel_number(bad)


def test_condition_input_reasons_by_field():
    assert parse_star("★★") == 2 and parse_star("三星级") == 3
    with pytest.raises(ValueError):
        parse_star("basic")
    _, problems = parse_condition({"kind": "min_star", "value": "4"})
    assert problems["value"][0] == "parcel.star_unknown"
    _, problems = parse_condition({"kind": "min_prefab_pct", "value": "120"})
    assert problems["value"][0] == "parcel.pct_out_of_range"
    _, problems = parse_condition({"kind": "min_ultra_low_m2"})
    assert problems["value"][0] == "parcel.condition_value_required"
    fields, problems = parse_condition({"kind": "min_ultra_low_m2", "status": "待核实"})
    assert not problems and fields["status"] == "unverified" and fields["value"] is None
    _, problems = parse_condition({"kind": "height"})
    assert problems["kind"][0] == "parcel.condition_kind_unknown"
