"""Design vs operation: the simulated check's indicator beside each measured year's, on the
same quota row's unit, with the gap in the unit and in %; and its chart."""

from __future__ import annotations

import pytest

from registry.documents.quota_list_report import design_gap_svg
from registry.services.metered.verdicts import design_gap


def _indicator(basis, value, unit="kgce/(m2·a)"):
    return {
        "basis": basis,
        "basis_label": basis,
        "value": value,
        "unit": unit,
        "unit_label": unit,
        "row": {"key": "k"},
        "levels": {"guide": 7.2, "baseline": 14.9, "constraint": 21.9},
    }


def test_gap_in_unit_and_percent_only_for_matching_units():
    design = {"check_id": 7, "indicators": [_indicator("non_heating", 10.0)]}
    measured = [
        {"year": 2022, "indicators": [_indicator("non_heating", 12.4), _indicator("heating", 9)]},
        {"year": 2023, "indicators": [_indicator("non_heating", 50.0, unit="kWh/(m2·a)")]},
    ]
    [gap] = design_gap(design, measured)
    assert gap["year"] == 2022 and gap["check_id"] == 7
    assert gap["gap"] == pytest.approx(2.4) and gap["gap_pct"] == pytest.approx(24.0)
    assert gap["quota"] == 21.9
    assert design_gap(None, measured) == []
    svg = design_gap_svg([gap], "zh_Hans_CN")
    assert svg.startswith("<svg") and "chart-design-gap" in svg
