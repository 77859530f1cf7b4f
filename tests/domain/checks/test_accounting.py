"""Heating / non-heating split, exclusions and standard-coal conversion of simulated energy."""

from __future__ import annotations

import pytest

from registry.domain.checks import accounting as ea

END_USES = [
    ("Heating", "Natural Gas", 100_000.0),
    ("Heating", "Electricity", 0.0),
    ("Cooling", "Electricity", 40_000.0),
    ("Interior Lighting", "Electricity", 60_000.0),
    ("Interior Equipment", "Electricity", 80_000.0),
    ("Fans", "Electricity", 15_000.0),
    ("Pumps", "Electricity", 5_000.0),
    ("Water Systems", "Natural Gas", 20_000.0),
    ("Generators", "Natural Gas", 9_000.0),
    ("Water Systems", "Water", 1_234.0),
]


def codes(account: ea.EnergyAccount) -> list[str]:
    return [code for code, _params in account.notes]


def test_heating_is_the_heating_end_use_and_pumps_fans_are_non_heating():
    acc = ea.account(END_USES)
    assert acc.heating_kwh_by_fuel == {"Natural Gas": 100_000.0}
    assert acc.non_heating_kwh_by_fuel == {"Electricity": 200_000.0, "Natural Gas": 20_000.0}
    assert acc.counted_where["Pumps"] == "non_heating"
    assert acc.counted_where["Fans"] == "non_heating"
    assert acc.counted_where["Heating"] == "heating"
    assert acc.counted_where["Generators"] == "excluded"
    assert {(e["end_use"], e["fuel"]) for e in acc.excluded} == {
        ("Generators", "Natural Gas"),
        ("Water Systems", "Water"),
    }
    assert "accounting.generators_excluded" in codes(acc)
    assert "accounting.special_systems_included" in codes(acc)


def test_kgce_uses_the_shandong_factors():
    acc = ea.account(END_USES)
    gas_per_kwh = 3.6 / 35.588 * 1.2143
    assert acc.heating_kgce == pytest.approx(100_000 * gas_per_kwh)
    assert acc.non_heating_kgce == pytest.approx(200_000 * 0.31 + 20_000 * gas_per_kwh)
    assert acc.electricity_factor == 0.31
    keys = {f.key: f for f in acc.factors}
    assert keys["electricity"].source.startswith("等价值")
    assert keys["natural_gas"].value == 1.2143
    assert keys["natural_gas_heating_value"].status == "assumption"
    assert keys["heat"].value == 0.03412
    assert "accounting.gas_heating_value" in codes(acc)


def test_one_cubic_metre_of_gas_is_1_2143_kgce():
    assert ea.kgce_of("Natural Gas", 35.588 / 3.6, 0.31) == pytest.approx(1.2143)


def test_district_heat_converts_per_megajoule():
    acc = ea.account([("Heating", "District Heating Water", 1000.0)])
    assert acc.heating_kgce == pytest.approx(1000 * 3.6 * 0.03412)


def test_the_calorific_electricity_factor_can_be_chosen_and_is_recorded():
    acc = ea.account(
        [("Interior Lighting", "Electricity", 1000.0)],
        electricity_kgce_per_kwh=ea.ELECTRICITY_CALORIFIC_KGCE_PER_KWH,
    )
    assert acc.non_heating_kgce == pytest.approx(122.9)
    assert acc.factors[0].source == "当量值, GB/T 2589"


def test_onsite_generation_is_taken_off_electricity_in_proportion():
    acc = ea.account(
        [("Heating", "Electricity", 25_000.0), ("Interior Lighting", "Electricity", 75_000.0)],
        onsite_generation_kwh=10_000.0,
    )
    assert acc.conventional_electricity_kwh == pytest.approx(67_500.0)
    assert acc.heating_kgce == pytest.approx(22_500 * 0.31)
    assert acc.non_heating_kgce == pytest.approx(67_500 * 0.31)
    assert "accounting.onsite_subtracted" in codes(acc)


def test_onsite_generation_beyond_use_is_not_credited():
    acc = ea.account([("Interior Lighting", "Electricity", 1_000.0)], onsite_generation_kwh=5_000.0)
    assert acc.conventional_electricity_kwh == 0.0
    assert "accounting.onsite_exceeds_use" in codes(acc)


def test_unknown_onsite_generation_is_said():
    assert "accounting.onsite_unknown" in codes(ea.account([]))


def test_energy_without_a_factor_is_left_out_and_flagged():
    acc = ea.account(
        [("Cooling", "District Cooling", 50_000.0), ("Interior Lighting", "Electricity", 1_000.0)]
    )
    assert acc.unconverted_kwh_by_fuel == {"District Cooling": 50_000.0}
    assert acc.non_heating_kgce == pytest.approx(310.0)
    assert ("accounting.unconverted", {"fuel": "District Cooling", "kwh": "50,000"}) in acc.notes


def test_oil_converts_through_the_definition_of_standard_coal():
    assert ea.kgce_of("Fuel Oil No 2", 29.3076 / 3.6, 0.31) == pytest.approx(1.0)


def test_heating_fuels_are_checked_against_the_heating_type():
    acc = ea.account([("Heating", "Natural Gas", 10.0), ("Heating", "Electricity", 5.0)])
    assert ea.heating_fuels_outside("district", acc) == ["Electricity", "Natural Gas"]
    assert ea.heating_fuels_outside("gas_oil", acc) == ["Electricity"]
    assert ea.heating_fuels_outside("unknown", acc) == []


def test_to_dict_is_plain_data():
    data = ea.account(END_USES).to_dict()
    assert data["heating_kwh"] == 100_000.0
    assert data["factors"][0] == {
        "key": "electricity",
        "value": 0.31,
        "unit": "kgce/kWh",
        "source": "等价值 (供电煤耗), DB37/T 2671-2019 Table B.1",
        "status": "verified-primary",
        "standard": "DB37/T 2671-2019",
        "table": "表B.1",
    }
