"""The validity rules over plain values (registry.domain.checks.validity)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from registry.domain.checks import validity as v
from registry.domain.checks.validity_data import SEED_RULES

RULES = {rule.key: rule for rule in SEED_RULES}
GOOD = v.CheckFacts(
    registered_area_m2=1296.0,
    model_total_area_m2=1296.0,
    weather_name="qingdao-synthetic",
    weather_is_official=True,
    official_weather_name="qingdao-synthetic",
    unmet_heating_hours=61.5,
    unmet_cooling_hours=0.0,
    registered_heating_type="district",
    heating_kwh_by_fuel={"District Heating Water": 24_780.0},
    run_finished=True,
    run_period={"begin": "1/1", "end": "12/31", "begin_year": None, "end_year": None},
)


def failed(facts: v.CheckFacts, rules=RULES) -> dict[str, v.Outcome]:
    return {o.key: o for o in v.evaluate(facts, rules) if not o.held}


def test_the_seeded_rules_cover_every_key_and_are_the_registrys_own():
    assert [rule.key for rule in SEED_RULES] == list(v.RULE_KEYS)
    assert {rule.source_status for rule in SEED_RULES} == {"registry-rule"}
    assert (RULES["floor_area"].threshold, RULES["unmet_hours"].threshold) == (5.0, 300.0)
    assert "G3.1.2.3" in RULES["unmet_hours"].source


def test_a_good_run_is_official():
    outcomes = v.evaluate(GOOD, RULES)
    assert v.is_official(outcomes)
    assert [o.code for o in outcomes] == [
        "validity.complete_run.complete",
        "validity.official_weather.official",
        "validity.floor_area.within",
        "validity.unmet_hours.within",
        "validity.heating_source.agrees",
        "validity.severe_errors.within",
    ]
    assert not v.is_official([])


def test_the_issues_box_on_the_office():
    outcome = failed(replace(GOOD, model_total_area_m2=100.0))["floor_area"]
    assert outcome.code == "validity.floor_area.outside"
    assert outcome.params == {"registered": "1,296", "model": "100", "pct": "92", "limit": "5"}
    assert (outcome.value, outcome.limit, outcome.unit) == (-92.28, 5.0, "%")


@pytest.mark.parametrize(
    ("model_area_m2", "holds"), [(1360.8, True), (1231.2, True), (1361.0, False), (None, False)]
)
def test_the_area_tolerance_is_inclusive(model_area_m2, holds):
    assert ("floor_area" not in failed(replace(GOOD, model_total_area_m2=model_area_m2))) is holds


def test_unmet_hours_add_heating_and_cooling():
    outcome = failed(replace(GOOD, unmet_heating_hours=200.0, unmet_cooling_hours=100.5))
    assert outcome["unmet_hours"].params["total"] == "300.5"
    assert "unmet_hours" not in failed(replace(GOOD, unmet_heating_hours=300.0))
    unknown = failed(replace(GOOD, unmet_cooling_hours=None))["unmet_hours"]
    assert unknown.code == "validity.unmet_hours.unknown"


@pytest.mark.parametrize(
    ("heating_type", "fuels", "code"),
    [
        ("district", {"Natural Gas": 900.0}, "validity.heating_source.disagrees"),
        ("gas_oil", {"Natural Gas": 900.0, "Electricity": 50.0}, None),  # 5.3 % electric
        ("air_conditioning", {"Electricity": 900.0}, None),
        (
            "air_conditioning",
            {"District Heating Water": 900.0},
            "validity.heating_source.disagrees",
        ),
        ("district", {}, "validity.heating_source.absent"),
        (None, {"Natural Gas": 900.0}, "validity.heating_source.not_registered"),
    ],
)
def test_heating_source_against_the_registered_type(heating_type, fuels, code):
    facts = replace(GOOD, registered_heating_type=heating_type, heating_kwh_by_fuel=fuels)
    outcome = failed(facts).get("heating_source")
    assert (outcome.code if outcome else None) == code


def test_weather_other_than_the_official_year():
    outcome = failed(replace(GOOD, weather_name="SF", weather_is_official=False))
    assert outcome["official_weather"].code == "validity.official_weather.not_official"
    assert (outcome["official_weather"].value, outcome["official_weather"].limit) == (
        "SF",
        "qingdao-synthetic",
    )
    none = failed(replace(GOOD, weather_is_official=False, official_weather_name=None))
    assert none["official_weather"].code == "validity.official_weather.none_designated"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"run_finished": False}, "validity.complete_run.not_finished"),
        ({"run_period": None}, "validity.complete_run.period_unknown"),
        (
            {"run_period": {"begin": "1/1", "end": "6/30", "begin_year": None, "end_year": None}},
            "validity.complete_run.not_full_year",
        ),
    ],
)
def test_a_run_that_is_not_a_complete_year(changes, code):
    assert failed(replace(GOOD, **changes))["complete_run"].code == code


def test_severe_errors_above_the_threshold():
    assert failed(replace(GOOD, severe_count=1))["severe_errors"].params == {
        "count": 1,
        "limit": "0",
    }
    loose = dict(RULES, severe_errors=replace(RULES["severe_errors"], threshold=2.0, version=2))
    outcomes = {o.key: o for o in v.evaluate(replace(GOOD, severe_count=2), loose)}
    assert outcomes["severe_errors"].held and outcomes["severe_errors"].version == 2


def test_params_in_the_readers_language():
    from registry.i18n import render
    from registry.services.checks.validity import shown_params

    outcome = failed(replace(GOOD, heating_kwh_by_fuel={"Natural Gas": 1.0}))["heating_source"]
    zh = render(outcome.code, shown_params(outcome.params), "zh_Hans_CN")
    assert "市政集中供暖" in zh and "天然气" in zh
    assert "District heating" in render(outcome.code, shown_params(outcome.params), "en")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("floor_area", 10.0, None),
        ("floor_area", None, "field.required"),
        ("floor_area", -1.0, "field.out_of_range"),
        ("unmet_hours", 9000.0, "field.out_of_range"),
        ("official_weather", None, None),
        ("official_weather", 1.0, "validity.threshold_not_used"),
    ],
)
def test_thresholds_an_admin_may_set(key, value, problem):
    found = v.validate_threshold(key, value)
    assert (found[0] if found else None) == problem
