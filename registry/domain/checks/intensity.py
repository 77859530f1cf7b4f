"""Energy per registered floor area, and how far a model's floor area is from the registered one.

One formula each, used by the worker that stores a run's result, by the cache that answers a
building of another area with an earlier run, and by the validity rules.
"""

from __future__ import annotations


def eui_kwh_per_m2(total_site_kwh: float, registered_area_m2: float) -> float:
    """Annual site energy per registered floor area, kWh/(m²·a).

    The registered area (the building's 建筑面积), not the model's: the verdict is about the
    building, and the model's own area is checked against it by a validity rule instead.
    """
    return total_site_kwh / registered_area_m2


def area_mismatch_pct(model_area_m2: float | None, registered_area_m2: float) -> float | None:
    """How far the model's floor area is from the registered one, in % of the registered area.

    Positive when the model is larger; None when EnergyPlus reported no area.
    """
    if not model_area_m2:
        return None
    return (model_area_m2 - registered_area_m2) / registered_area_m2 * 100
