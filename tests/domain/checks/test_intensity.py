"""The one EUI formula and the one area-mismatch formula (registry.domain.checks.intensity)."""

from __future__ import annotations

import pytest

from registry.domain.checks.intensity import area_mismatch_pct, eui_kwh_per_m2


def test_eui_is_per_registered_area():
    assert eui_kwh_per_m2(124_320.0, 1296.0) == pytest.approx(95.93, abs=0.01)


def test_area_mismatch_is_in_percent_of_the_registered_area():
    # The box: a 100 m² model checked against a 1,296 m² office.
    assert area_mismatch_pct(100.0, 1296.0) == pytest.approx(-92.28, abs=0.01)
    assert area_mismatch_pct(1296.0, 1296.0) == 0.0
    assert area_mismatch_pct(110.0, 100.0) == pytest.approx(10.0)


@pytest.mark.parametrize("model_area", [None, 0.0])
def test_no_model_area_gives_no_mismatch(model_area):
    assert area_mismatch_pct(model_area, 1296.0) is None
