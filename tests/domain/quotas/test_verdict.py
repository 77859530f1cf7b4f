"""Quota rows as data, the row a building gets, bands, margins and the office correction."""

from __future__ import annotations

from collections import Counter

import pytest

from registry.domain.buildings.types import HEATING_TYPES, SUB_TYPES
from registry.domain.checks.accounting import MESSAGES as ACCOUNTING_MESSAGES
from registry.domain.quotas import correction
from registry.domain.quotas import verdict as q
from registry.domain.quotas.data import seed_rows
from registry.domain.quotas.messages import MESSAGES as QUOTA_MESSAGES
from tests.messages import bilingual, catalogue

ROWS = seed_rows()


def by_key(key: str) -> q.QuotaRowData:
    return next(r for r in ROWS if r.key == key)


def test_seed_rows_are_counted_by_their_facts_label():
    counts = Counter(r.source_status for r in ROWS)
    assert counts == {
        "verified-primary": 31,
        "verified-secondary": 51,
        "derived": 1,
        "unverified": 18,
    }
    assert len({r.key for r in ROWS}) == len(ROWS)


def test_every_gb51161_row_is_unverified_and_in_kwh():
    gb = [r for r in ROWS if r.standard == q.GB51161]
    assert len(gb) == 18
    assert all(r.source_status == "unverified" and r.unit.startswith("kWh") for r in gb)
    assert all(r.baseline is None for r in gb)


def test_seed_rows_use_registered_codes_and_ordered_levels():
    for row in ROWS:
        assert set(row.sub_types) <= set(SUB_TYPES.get(row.building_type, {})), row.key
        assert row.heating_type is None or row.heating_type in HEATING_TYPES
        assert row.climate_zone in q.QINGDAO_ZONES
        assert q.validate_levels(row.levels) == [], row.key
        assert row.source and row.source.startswith(row.standard)


@pytest.mark.parametrize("building_type", ["school", "hospital", "office_government", "venue"])
def test_every_public_institution_sub_type_has_a_non_heating_and_electricity_row(building_type):
    for sub in SUB_TYPES[building_type]:
        facts = q.BuildingFacts(building_type, sub)
        for basis in (q.BASIS_NON_HEATING, q.BASIS_CONVENTIONAL_ELECTRICITY):
            choice = q.choose(facts, ROWS, basis)
            assert choice.row is not None, (sub, basis, choice.reason)
            assert choice.row.standard.startswith("DB37/T")


def test_qingdao_city_government_uses_the_a_zone_row_and_names_gb51161():
    facts = q.BuildingFacts("office_government", "city", hvac_class="A", heating_type="district")
    choice = q.choose(facts, ROWS, q.BASIS_NON_HEATING)
    assert choice.row.key == "db37t2672.t1.city.A"
    assert (choice.row.constraint, choice.row.baseline, choice.row.guide) == (21.9, 14.9, 7.2)
    assert [r.key for r in choice.also_applicable] == ["gbt51161.office_government.all.A"]
    heating = q.choose(facts, ROWS, q.BASIS_HEATING)
    assert heating.row.key == "db37t2672.t2.district"
    assert heating.row.levels == {"guide": 8.3, "baseline": 11.1, "constraint": 12.7}


def test_shared_cells_cover_every_sub_type_they_were_printed_for():
    assert by_key("db37t2671.t4.higher").sub_types == ("higher_bachelor", "higher_vocational")
    vocational = q.BuildingFacts("school", "secondary_vocational", heating_type="district")
    assert q.choose(vocational, ROWS, q.BASIS_HEATING).row.key == (
        "db37t2671.t2.secondary_boarding.district"
    )
    assert q.choose(vocational, ROWS, q.BASIS_NON_HEATING).row.source_status == "derived"
    culture = q.BuildingFacts("venue", "other_culture_county", heating_type="air_conditioning")
    assert q.choose(culture, ROWS, q.BASIS_NON_HEATING).row.key == "db37t3780.t1.library.county"
    assert q.choose(culture, ROWS, q.BASIS_HEATING).row.key == (
        "db37t3780.t2.library.air_conditioning"
    )


def test_a_dash_in_the_table_is_a_row_without_levels():
    facts = q.BuildingFacts("school", "preschool", heating_type="gas_oil")
    choice = q.choose(facts, ROWS, q.BASIS_HEATING)
    assert choice.row is not None and not choice.row.has_levels
    assert q.classify(5.0, choice.row.levels) is None


@pytest.mark.parametrize(
    ("facts", "basis", "code"),
    [
        (q.BuildingFacts("residential"), q.BASIS_NON_HEATING, "quota.type_not_covered"),
        (q.BuildingFacts("other_public"), q.BASIS_NON_HEATING, "quota.type_not_covered"),
        (q.BuildingFacts("school"), q.BASIS_NON_HEATING, "quota.sub_type_missing"),
        (q.BuildingFacts("office_government"), q.BASIS_NON_HEATING, "quota.sub_type_missing"),
        (q.BuildingFacts("hotel", "star_4"), q.BASIS_NON_HEATING, "quota.hvac_class_missing"),
        (
            q.BuildingFacts("mall", "restaurant", "B"),
            q.BASIS_NON_HEATING,
            "quota.hvac_class_not_covered",
        ),
        (
            q.BuildingFacts("office_commercial", None, "A"),
            q.BASIS_HEATING,
            "quota.basis_not_covered",
        ),
        (q.BuildingFacts("hospital", "grade_2"), q.BASIS_HEATING, "quota.heating_type_missing"),
    ],
)
def test_no_row_comes_with_the_reason(facts, basis, code):
    choice = q.choose(facts, ROWS, basis)
    assert choice.row is None
    assert choice.reason[0] == code
    assert code in catalogue()


def test_gb51161_only_applies_when_the_class_is_registered():
    hotel = q.BuildingFacts("hotel", "star_5", "B")
    row = q.choose(hotel, ROWS, q.BASIS_NON_HEATING).row
    assert (row.key, row.constraint, row.guide) == ("gbt51161.hotel.star_5.B", 150.0, 110.0)
    mall = q.BuildingFacts("mall", "department_store", "B")
    assert q.choose(mall, ROWS, q.BASIS_NON_HEATING).row.constraint == 140.0


DB37 = {"guide": 7.2, "baseline": 14.9, "constraint": 21.9}
GB = {"guide": 45.0, "baseline": None, "constraint": 55.0}


@pytest.mark.parametrize(
    ("value", "levels", "band"),
    [
        (5.0, DB37, "le_guide"),
        (7.2, DB37, "le_guide"),
        (7.21, DB37, "le_baseline"),
        (14.9, DB37, "le_baseline"),
        (20.0, DB37, "le_constraint"),
        (21.9, DB37, "le_constraint"),
        (22.0, DB37, "gt_constraint"),
        (40.0, GB, "le_guide"),
        (50.0, GB, "le_constraint"),
        (60.0, GB, "gt_constraint"),
        (9.0, {"guide": 8.0, "baseline": None, "constraint": None}, "gt_guide"),
    ],
)
def test_bands_use_the_levels_the_row_has(value, levels, band):
    assert q.classify(value, levels).code == band


def test_margins_are_headroom_to_each_present_level():
    m = q.margins(10.0, DB37)
    assert m["guide"]["margin"] == pytest.approx(-2.8)
    assert m["baseline"]["margin"] == pytest.approx(4.9)
    assert m["constraint"]["margin_pct"] == pytest.approx(11.9 / 21.9 * 100)
    assert set(q.margins(50.0, GB)) == {"guide", "constraint"}


def test_every_band_of_every_row_has_an_action_text():
    messages = catalogue()
    for row in ROWS:
        if not row.has_levels:
            continue
        for value in (0.01, 1e6, *(v for v in row.levels.values() if v)):
            code = q.action_code(row, q.classify(value, row.levels))
            assert code in messages, (row.key, code)
            assert messages[code][0] and messages[code][1]


def test_db37_actions_follow_appendix_a():
    row = by_key("db37t2672.t1.city.A")
    assert "rectify by a deadline" in catalogue()[q.action_code(row, q.classify(30, row.levels))][1]
    assert "yearly" in catalogue()[q.action_code(row, q.classify(20, row.levels))][1]


def test_office_correction_needs_both_inputs():
    assert not correction.office_correction(None, 12.0).applied
    assert not correction.office_correction(3000.0, None).applied
    c = correction.office_correction(3000.0, 12.0)
    assert c.applied
    assert c.gamma1 == pytest.approx(0.3 + 0.7 * 2500 / 3000)
    assert c.gamma2 == pytest.approx(0.7 + 0.3 * 12 / 10)
    assert c.factor == pytest.approx(c.gamma1 * c.gamma2)


def test_correction_is_only_for_gb51161_offices():
    assert q.correction_applies(by_key("gbt51161.office_commercial.all.B"))
    assert not q.correction_applies(by_key("gbt51161.hotel.star_4.A"))
    assert not q.correction_applies(by_key("db37t2672.t1.city.A"))


def test_validate_levels_reports_order_and_sign():
    assert q.validate_levels({"guide": 5, "baseline": 4, "constraint": 9}) == [
        ("baseline", "quota.levels_out_of_order", {"low": "guide value", "high": "baseline value"})
    ]
    assert q.validate_levels({"guide": -1, "baseline": None, "constraint": 9})[0][1] == (
        "quota.level_not_positive"
    )


def test_messages_are_bilingual_and_merged():
    messages = catalogue()
    for code, pair in bilingual([*QUOTA_MESSAGES, *ACCOUNTING_MESSAGES]).items():
        assert len(pair) == 2 and all(pair), code
        assert code in messages
