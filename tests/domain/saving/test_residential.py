"""Residential demands (GB/T 51350-2019 Table 5.0.2, recalled): WDH20 and DDH28 from a
hand-made few-hour weather series, the limits per level and the level met."""

from __future__ import annotations

import pytest

from registry.domain.saving import residential
from registry.domain.saving.data import seed_parameters

P = 101325.0


def test_wet_bulb_of_saturated_air_is_its_dry_bulb():
    assert residential.wet_bulb_c(25.0, 25.0, P) == pytest.approx(25.0, abs=0.01)


def test_wet_bulb_matches_the_psychrometric_chart():
    # 30 °C dry bulb, 20 °C dew point at sea level: wet bulb 22.8 °C (ASHRAE chart / CoolProp
    # gives 22.8); 35 °C with a 10 °C dew point: 19.5 °C.
    assert residential.wet_bulb_c(30.0, 20.0, P) == pytest.approx(22.8, abs=0.15)
    assert residential.wet_bulb_c(35.0, 10.0, P) == pytest.approx(19.5, abs=0.2)


def test_degree_hours_of_a_hand_made_series():
    hours = [
        (15.0, 10.0, P),  # cool: nothing
        (29.0, 25.0, P),  # dry bulb 1 K over 28; wet bulb ≈ 25.8, 5.8 K over 20
        (33.0, 18.0, 999999.0),  # 5 K over 28; missing pressure → standard; wet bulb ≈ 22.6
        (27.0, 27.0, P),  # saturated: wet bulb 27, 7 K over 20; dry bulb under 28
        (21.0, 5.0, P),  # warm but dry: wet bulb ≈ 12.6, nothing
    ]
    wet = [max(0.0, residential.wet_bulb_c(db, dp, P) - 20.0) for db, dp, _ in hours]
    found = residential.degree_hours(hours)
    assert found.hours == 5
    assert found.ddh28_kkh == pytest.approx((1.0 + 5.0) / 1000)
    assert found.wdh20_kkh == pytest.approx(sum(wet) / 1000)
    assert wet[0] == wet[4] == 0.0
    assert wet[3] == pytest.approx(7.0, abs=0.01)
    assert 5.7 < wet[1] < 6.2 and 2.3 < wet[2] < 2.9  # by enthalpy on the chart


def test_cooling_limits_follow_the_recalled_formula():
    climate = residential.DegreeHours(wdh20_kkh=2.0, ddh28_kkh=1.0, hours=8760)
    params = seed_parameters()
    assert residential.cooling_limit_kwh_m2("ultra_low", climate, params) == pytest.approx(
        3.5 + 2.0 * 2.0 + 2.2 * 1.0
    )
    assert residential.cooling_limit_kwh_m2("nearly_zero", climate, params) == pytest.approx(
        3.0 + 1.5 * 2.0 + 2.0 * 1.0
    )


def _judge(heating_kwh, cooling_kwh, n50=0.6, renewable_pct=20.0):
    return residential.judge(
        heating_kwh=heating_kwh,
        cooling_kwh=cooling_kwh,
        conditioned_area_m2=100.0,
        climate=residential.DegreeHours(wdh20_kkh=2.0, ddh28_kkh=1.0, hours=8760),
        n50=n50,
        renewable_pct=renewable_pct,
        params=seed_parameters(),
    )


def test_levels_from_the_demands_airtightness_and_renewables():
    # limits: heating 20 / 15; cooling 9.7 / 8.0 kWh/(m²·a)
    assert _judge(1400, 700).level_met == "nearly_zero"
    assert _judge(1400, 700, renewable_pct=5.0).level_met == "ultra_low"
    assert _judge(1400, 700, renewable_pct=None).level_met == "ultra_low"
    assert _judge(1800, 700).level_met == "ultra_low"  # 18 > 15
    assert _judge(1400, 900).level_met == "ultra_low"  # 9.0 > 8.0
    assert _judge(2100, 700).level_met == "none"
    assert _judge(1400, 1000).level_met == "none"
    assert _judge(1400, 700, n50=0.8).level_met == "none"
    judged = _judge(1400, 700, n50=None)
    assert judged.level_met == "none"  # an undeclared n50 is not judged, so meets no level
    assert judged.held["n50"] == {"ultra_low": None, "nearly_zero": None}
    assert judged.not_judged == ("composite_energy",)
    assert judged.heating_demand_kwh_m2 == pytest.approx(14.0)


def test_ideal_loads_found_outside_comments_only():
    assert residential.has_ideal_loads("ZoneHVAC:IdealLoadsAirSystem,\n  Zone 1 Ideal,;")
    assert residential.has_ideal_loads("  zonehvac:idealloadsairsystem , z;")
    assert not residential.has_ideal_loads("! ZoneHVAC:IdealLoadsAirSystem, z;\nZone, z;")
    # An equipment list naming the type is no ideal-loads object.
    listing = (
        "ZoneHVAC:EquipmentList,\n  L,\n  SequentialLoad,\n  ZoneHVAC:IdealLoadsAirSystem,\n  F;"
    )
    assert not residential.has_ideal_loads(listing)
    assert residential.has_ideal_loads(listing + "\nZoneHVAC:IdealLoadsAirSystem,\n  F;")
    text = residential.with_demand_outputs("Version,25.2;")
    assert f"Output:Variable,*,{residential.HEATING_VARIABLE},RunPeriod;" in text
    assert f"Output:Variable,*,{residential.COOLING_VARIABLE},RunPeriod;" in text


def test_conditioned_zones_without_ideal_loads_are_named():
    from tests.conftest import MODELS_DIR

    whole = (MODELS_DIR / "residential_ultra_low.idf").read_text(encoding="utf-8")
    assert residential.zones_without_ideal_loads(whole) == []
    # One zone's list swapped to a baseboard: that zone (thermostat and connection) is named.
    partial = whole.replace(
        "ZoneHVAC:EquipmentList,\n    F2 Core Equipment List,    !- Name\n"
        "    SequentialLoad,           !- Load Distribution Scheme\n"
        "    ZoneHVAC:IdealLoadsAirSystem,",
        "ZoneHVAC:EquipmentList,\n    F2 Core Equipment List,    !- Name\n"
        "    SequentialLoad,           !- Load Distribution Scheme\n"
        "    ZoneHVAC:Baseboard:Convective:Electric,",
    )
    assert partial != whole
    assert residential.zones_without_ideal_loads(partial) == ["F2 Core"]
    # A thermostat on a zone list counts each zone; a zone without thermostat or connection
    # (a plenum) is not conditioned.
    text = (
        "Zone, A; Zone, B; Zone, Plenum;\nZoneList, Both, A, B;\n"
        "ZoneControl:Thermostat, T, Both, S, ThermostatSetpoint:DualSetpoint, D;\n"
        "ZoneHVAC:EquipmentConnections, A, A List, A In, , A Node, A Out;\n"
        "ZoneHVAC:EquipmentList, A List, SequentialLoad, ZoneHVAC:IdealLoadsAirSystem, A Ideal;"
    )
    assert residential.zones_without_ideal_loads(text) == ["B"]
