"""Measured years judged by the same verdict as the checks, against hand-worked figures."""

import pytest

from registry.domain.metered.energy import MeasuredYear, sum_months
from registry.domain.metered.verdict import measured_verdict
from registry.domain.quotas import verdict as q
from registry.domain.quotas.data import seed_rows

ROWS = seed_rows()


def _gov(sub_type, heating_type):
    return q.BuildingFacts(
        building_type="office_government", sub_type=sub_type, heating_type=heating_type
    )


def test_db37_district_heated_annual():
    # 10,000 m², 9,000 m² heated; 400,000 kWh and 2,500 GJ of district heat.
    year = MeasuredYear(year=2022, electricity_kwh=400_000, district_heat_gj=2_500)
    v = measured_verdict(
        year, _gov("city", "district"), ROWS, floor_area_m2=10_000, heated_area_m2=9_000
    )
    assert v.judged
    non = v.judgements[q.BASIS_NON_HEATING]
    # 400,000 × 0.31 / 10,000 = 12.4 kgce/m², table 1 city row (21.9 / 14.9 / 7.2)
    assert non.row.key == "db37t2672.t1.city.A"
    assert non.value == pytest.approx(12.4)
    assert non.band.code == "le_baseline"
    heat = v.judgements[q.BASIS_HEATING]
    # 2,500 GJ × 1,000 MJ × 0.03412 = 85,300 kgce over 9,000 heated m² = 9.478 (12.7/11.1/8.3)
    assert heat.row.key == "db37t2672.t2.district"
    assert heat.value == pytest.approx(85_300 / 9_000)
    assert heat.band.code == "le_baseline"
    elec = v.judgements[q.BASIS_CONVENTIONAL_ELECTRICITY]
    assert elec.value == pytest.approx(40.0)
    assert elec.band.code == "le_baseline"
    assert ("metered.split.district", {}) in v.measured.account.notes


def _gas_months(electricity_per_month=20_000.0):
    gas = {5: 1_000, 6: 1_000, 7: 1_000, 8: 1_000, 9: 1_000, 10: 1_000}
    gas.update({11: 5_000, 12: 9_000, 1: 10_000, 2: 8_000, 3: 5_000, 4: 2_000})
    return {
        m: {"natural_gas_m3": float(g), "electricity_kwh": electricity_per_month}
        for m, g in gas.items()
    }


def test_db37_gas_heated_monthly_split_by_season_excess():
    year = sum_months(2022, _gas_months())
    assert year.natural_gas_m3 == 45_000 and year.electricity_kwh == 240_000
    v = measured_verdict(year, _gov("below_city", "gas_oil"), ROWS, floor_area_m2=5_000)
    # base 1,000 m³/month; excess Nov–Mar 4,000+8,000+9,000+7,000+4,000 = 32,000 m³ heating
    heat = v.judgements[q.BASIS_HEATING]
    assert heat.row.key == "db37t2672.t2.gas_oil"
    assert heat.value == pytest.approx(32_000 * 1.2143 / 5_000)  # 7.77 ≤ 8.4 baseline
    assert heat.band.code == "le_baseline"
    non = v.judgements[q.BASIS_NON_HEATING]
    # 240,000 × 0.31 + 13,000 m³ × 1.2143 = 90,185.9 kgce / 5,000 = 18.04 (20.0 / 11.9 / 6.5)
    assert non.value == pytest.approx((240_000 * 0.31 + 13_000 * 1.2143) / 5_000)
    assert non.band.code == "le_constraint"


def test_gas_heated_annual_only_judges_only_electricity():
    year = MeasuredYear(year=2022, electricity_kwh=240_000, natural_gas_m3=45_000)
    v = measured_verdict(year, _gov("below_city", "gas_oil"), ROWS, floor_area_m2=5_000)
    assert v.judgements[q.BASIS_HEATING].value is None
    assert v.judgements[q.BASIS_HEATING].reason[0] == "metered.split.needs_months_gas"
    assert v.judgements[q.BASIS_NON_HEATING].value is None
    elec = v.judgements[q.BASIS_CONVENTIONAL_ELECTRICITY]
    assert elec.value == pytest.approx(48.0)  # 67.4 / 39.5 / 20.0
    assert elec.band.code == "le_constraint"


def test_a_year_without_electricity_is_not_judged_on_the_indicators_that_need_it():
    """A blank is missing data, not a zero: counted as zero it put the building in the best
    band for what the sheet left out. The district heat is still judged."""
    year = MeasuredYear(year=2022, district_heat_gj=2_500)
    v = measured_verdict(
        year, _gov("city", "district"), ROWS, floor_area_m2=10_000, heated_area_m2=9_000
    )
    for basis in (q.BASIS_NON_HEATING, q.BASIS_CONVENTIONAL_ELECTRICITY):
        assert v.judgements[basis].band is None and v.judgements[basis].value is None
        assert v.judgements[basis].reason == ("metered.no_electricity", {})
    assert v.judgements[q.BASIS_HEATING].band.code == "le_baseline"
    assert v.worst.basis == q.BASIS_HEATING and v.reason is None
    # A reading of zero is a reading: judged as given.
    zero = MeasuredYear(year=2022, electricity_kwh=0.0, district_heat_gj=2_500)
    judged = measured_verdict(
        zero, _gov("city", "district"), ROWS, floor_area_m2=10_000, heated_area_m2=9_000
    )
    assert judged.judgements[q.BASIS_NON_HEATING].band is not None


def test_electric_heating_without_electricity_judges_nothing_and_says_why():
    months = {m: {"district_heat_gj": 0.0} for m in range(1, 13)}
    year = MeasuredYear(year=2022, months=months)
    v = measured_verdict(year, _gov("city", "air_conditioning"), ROWS, floor_area_m2=5_000)
    assert not any(j.band for j in v.judgements.values())
    assert v.reason == ("metered.no_electricity", {}) and v.worst is None


COMMERCIAL = dict(building_type="office_commercial", hvac_class="A")


def test_gb51161_with_gamma_corrections_district_heated():
    # 20,000 m², 1,340,000 kWh: 67 kWh/m² raw, above the 65 constraint value.
    # γ1 = 0.3 + 0.7 × 2500/3000 = 0.88333; γ2 = 0.7 + 0.3 × (20,000/1,600)/10 = 1.075
    year = MeasuredYear(
        year=2023,
        electricity_kwh=1_340_000,
        district_heat_gj=3_000,
        operating_hours=3_000,
        occupants=1_600,
    )
    facts = q.BuildingFacts(heating_type="district", **COMMERCIAL)
    v = measured_verdict(year, facts, ROWS, floor_area_m2=20_000)
    non = v.judgements[q.BASIS_NON_HEATING]
    assert non.row.standard == "GB/T 51161-2016"
    assert non.raw_value == pytest.approx(67.0)
    assert non.correction.gamma1 == pytest.approx(0.3 + 0.7 * 2500 / 3000)
    assert non.correction.gamma2 == pytest.approx(1.075)
    assert non.value == pytest.approx(67.0 * (0.3 + 0.7 * 2500 / 3000) * 1.075)  # 63.62
    assert non.band.code == "le_constraint"  # uncorrected it would be over (> 65)
    assert q.classify(non.raw_value, non.row.levels).code == "gt_constraint"


def test_gb51161_gas_heated_counts_non_heating_gas_in_kwh():
    year = sum_months(2023, _gas_months(100_000.0), operating_hours=3_000, occupants=1_600)
    facts = q.BuildingFacts(heating_type="gas_oil", **COMMERCIAL)
    v = measured_verdict(year, facts, ROWS, floor_area_m2=20_000)
    non = v.judgements[q.BASIS_NON_HEATING]
    # 1,200,000 kWh + 13,000 m³ × 35.588/3.6 kWh/m³ = 1,328,512 kWh / 20,000 = 66.43 raw
    raw = (1_200_000 + 13_000 * 35.588 / 3.6) / 20_000
    assert non.raw_value == pytest.approx(raw)
    assert non.value == pytest.approx(raw * (0.3 + 0.7 * 2500 / 3000) * 1.075)
    assert non.band.code == "le_constraint"


def test_incomplete_year_is_stored_but_never_judged():
    months = _gas_months()
    del months[7]
    year = sum_months(2022, months)
    assert year.missing_months == [7]
    v = measured_verdict(year, _gov("city", "gas_oil"), ROWS, floor_area_m2=5_000)
    assert not v.judged and v.judgements == {}
    assert v.reason == ("metered.incomplete", {"months": "7"})


def test_exclusions_come_off_energy_and_area():
    year = MeasuredYear(
        year=2022,
        electricity_kwh=500_000,
        excluded_electricity_kwh=100_000,
        excluded_area_m2=1_000,
        district_heat_gj=0,
    )
    v = measured_verdict(year, _gov("city", "district"), ROWS, floor_area_m2=11_000)
    assert v.judgements[q.BASIS_NON_HEATING].value == pytest.approx(400_000 * 0.31 / 10_000)


def test_degree_day_normalised_saving_hand_worked():
    from registry.domain.metered.savings import normalised_savings

    # District-heated: heat is heating. Before: 2,930.9 GJ heat = 100,000 kgce, 645,161 kWh
    # = 200,000 kgce. After: 80,000 kgce heat, 180,000 kgce electricity. HDD 2,000 -> 2,200.
    gj = 100_000 / (1000 * 0.03412)
    before = MeasuredYear(year=2021, electricity_kwh=200_000 / 0.31, district_heat_gj=gj)
    after = MeasuredYear(year=2023, electricity_kwh=180_000 / 0.31, district_heat_gj=gj * 0.8)
    s = normalised_savings(before, after, "district", hdd_before=2_000, hdd_after=2_200)
    assert s.before_kgce == pytest.approx(300_000)
    # 80,000 × 2,000/2,200 = 72,727.3; + 180,000 = 252,727.3; 1 − 252,727.3/300,000 = 15.76 %
    assert s.after_normalised_kgce == pytest.approx(80_000 * 2_000 / 2_200 + 180_000)
    assert s.saving_rate_pct == pytest.approx((1 - (80_000 / 1.1 + 180_000) / 300_000) * 100)
    # unnormalised it would be 13.3 %, under a 15 % requirement: the weather matters
    assert (1 - s.after_kgce / s.before_kgce) * 100 == pytest.approx(13.333, abs=1e-3)


def _months(electricity_kwh: dict[int, float], heat_gj: dict[int, float]) -> dict:
    return {
        m: {
            "electricity_kwh": electricity_kwh[m],
            **({"district_heat_gj": heat_gj[m]} if m in heat_gj else {}),
        }
        for m in range(1, 13)
    }


def test_degree_day_normalised_saving_with_cooling_hand_worked():
    from registry.domain.metered.savings import normalised_savings

    # District-heated, twelve months both years; heat is heating, electricity non-heating.
    # Before (2021): Apr, May, Oct 50,000 kWh; Jun–Sep 80,000; the other five 60,000
    #   = 150,000 + 320,000 + 300,000 = 770,000 kWh × 0.31 = 238,700 kgce;
    #   heat 500 GJ in each of Jan–Mar, Nov, Dec = 2,500 GJ × 34.12 = 85,300 kgce;
    #   total 324,000 kgce.
    # After (2023): Apr, May, Oct 45,000 kWh; Jun–Sep 85,000; the other five 55,000
    #   = 135,000 + 340,000 + 275,000 = 750,000 kWh × 0.31 = 232,500 kgce;
    #   heat 400 GJ × 5 = 2,000 GJ × 34.12 = 68,240 kgce; total 300,740 kgce.
    # Cooling of the after-year: base = mean(Apr, May, Oct) = 45,000 kWh; summer excess
    #   4 × (85,000 − 45,000) = 160,000 kWh × 0.31 = 49,600 kgce; the rest, 232,500 − 49,600
    #   = 182,900 kgce, is weather-independent.
    # HDD 2,000 before, 2,200 after; CDD 300 before, 400 after (a colder winter and a hotter
    # summer after the works):
    #   heating 68,240 × 2,000 / 2,200 = 62,036.36; cooling 49,600 × 300 / 400 = 37,200
    #   normalised after = 62,036.36 + 37,200 + 182,900 = 282,136.36 kgce
    #   saving = 1 − 282,136.36 / 324,000 = 12.92 per cent
    #   (unnormalised 1 − 300,740 / 324,000 = 7.18; heating alone normalised 9.09)
    heating = (1, 2, 3, 11, 12)
    shoulder = (4, 5, 10)
    summer = (6, 7, 8, 9)

    def electricity(shoulder_kwh, summer_kwh, other_kwh):
        return {
            m: shoulder_kwh if m in shoulder else summer_kwh if m in summer else other_kwh
            for m in range(1, 13)
        }

    before = sum_months(
        2021, _months(electricity(50_000, 80_000, 60_000), {m: 500.0 for m in heating})
    )
    after = sum_months(
        2023, _months(electricity(45_000, 85_000, 55_000), {m: 400.0 for m in heating})
    )
    assert before.complete and after.complete
    s = normalised_savings(
        before, after, "district", hdd_before=2_000, hdd_after=2_200, cdd_before=300, cdd_after=400
    )
    assert s.before_kgce == pytest.approx(324_000)
    assert s.after_kgce == pytest.approx(300_740)
    assert s.parts["cooling_kgce"] == pytest.approx(49_600)
    assert s.parts["cooling_normalised_kgce"] == pytest.approx(37_200)
    assert s.parts["base_kgce"] == pytest.approx(182_900)
    assert s.parts["heating_normalised_kgce"] == pytest.approx(62_036.36, abs=0.01)
    assert s.after_normalised_kgce == pytest.approx(282_136.36, abs=0.01)
    assert s.saving_rate_pct == pytest.approx(12.92, abs=0.005)
    assert ("savings.cooling_normalised", {"kgce": "49,600"}) in s.notes
    # without CDD the cooling stays as measured: only the heating is normalised
    heat_only = normalised_savings(before, after, "district", hdd_before=2_000, hdd_after=2_200)
    assert heat_only.saving_rate_pct == pytest.approx(9.09, abs=0.005)
    assert (1 - s.after_kgce / s.before_kgce) * 100 == pytest.approx(7.18, abs=0.005)
