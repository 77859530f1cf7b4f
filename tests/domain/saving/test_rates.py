"""The saving rates' arithmetic and the level met, on loads easy to reason about."""

from __future__ import annotations

import pytest

from registry.domain.saving.data import seed_parameters
from registry.domain.saving.rates import basis_kwh, saving_rates

PARAMS = seed_parameters()
HEAT = PARAMS["factor.district_heating"]["value"]

REFERENCE = {
    ("Heating", "District Heating Water"): 20_000.0,
    ("Cooling", "Electricity"): 20_000.0,
    ("Interior Lighting", "Electricity"): 30_000.0,
    ("Interior Equipment", "Electricity"): 55_000.0,  # plug loads: not on the basis
}


def test_basis_counts_heating_at_its_factor_and_leaves_plug_loads_out():
    assert basis_kwh(REFERENCE, PARAMS) == pytest.approx(20_000 * HEAT + 50_000)


def test_an_unknown_fuel_is_refused_not_ignored():
    with pytest.raises(ValueError):
        basis_kwh({("Heating", "Coal"): 1.0}, PARAMS)


def test_half_the_reference_energy_is_a_fifty_percent_itself_rate():
    design = {key: kwh / 2 for key, kwh in REFERENCE.items()}
    rates = saving_rates(design, REFERENCE, 0.0, PARAMS)
    assert rates.itself_pct == pytest.approx(50.0)
    assert rates.comprehensive_pct == pytest.approx(50.0)
    assert rates.renewable_pct == 0.0
    assert rates.level_met == "ultra_low"  # ≥ 50 % and ≥ 25 %, no renewables for 近零


def test_pv_moves_the_comprehensive_rate_not_the_itself_rate():
    design = {key: kwh * 0.65 for key, kwh in REFERENCE.items()}
    without = saving_rates(design, REFERENCE, 0.0, PARAMS)
    with_pv = saving_rates(design, REFERENCE, 8_000.0, PARAMS)
    assert with_pv.itself_pct == pytest.approx(without.itself_pct) == pytest.approx(35.0)
    reference_kwh = basis_kwh(REFERENCE, PARAMS)
    assert with_pv.comprehensive_pct == pytest.approx(35.0 + 100 * 8_000 / reference_kwh)
    assert with_pv.renewable_pct == pytest.approx(100 * 8_000 / with_pv.design_kwh)


@pytest.mark.parametrize(
    ("share", "pv_kwh", "level"),
    [
        (0.65, 0.0, "none"),  # itself 35 %, comprehensive 35 %
        (0.65, 9_000.0, "ultra_low"),  # comprehensive 50.2 %
        (0.65, 15_000.0, "nearly_zero"),  # comprehensive 60.4 %, renewables 39 %
        (0.65, 40_000.0, "zero"),  # renewables exceed the design's whole energy
        (0.71, 30_000.0, "ultra_low"),  # itself 29 % < 30 %: not 近零 however much PV
        (0.76, 30_000.0, "none"),  # itself 24 % < 25 %
    ],
)
def test_level_met_by_the_thresholds(share, pv_kwh, level):
    design = {key: kwh * share for key, kwh in REFERENCE.items()}
    assert saving_rates(design, REFERENCE, pv_kwh, PARAMS).level_met == level


def test_thresholds_are_read_from_the_parameters():
    design = {key: kwh * 0.65 for key, kwh in REFERENCE.items()}
    stricter = {
        **PARAMS,
        "public.ultra_low.comprehensive_pct": {"value": 55.0},
    }
    assert saving_rates(design, REFERENCE, 9_000.0, stricter).level_met == "none"


def test_a_declared_n50_above_the_limit_meets_no_level():
    design = {key: kwh * 0.65 for key, kwh in REFERENCE.items()}
    limit = PARAMS["public.n50_max"]["value"]
    tight = saving_rates(design, REFERENCE, 15_000.0, PARAMS, n50=limit)
    leaky = saving_rates(design, REFERENCE, 15_000.0, PARAMS, n50=limit + 0.1)
    undeclared = saving_rates(design, REFERENCE, 15_000.0, PARAMS)
    assert tight.level_met == undeclared.level_met == "nearly_zero"
    assert leaky.level_met == "none" and leaky.itself_pct == tight.itself_pct
    assert (leaky.n50_declared, leaky.n50_max) == (limit + 0.1, limit)
    assert undeclared.n50_declared is None
