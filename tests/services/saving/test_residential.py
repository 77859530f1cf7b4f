"""The building's type is part of a saving-rate check's options, so of its cache key: a
residential building is never answered with a public building's rates of the same model."""

from __future__ import annotations

from registry.models import Building
from registry.services.saving.residential import is_residential_check, mark_options


def test_residential_buildings_mark_their_checks():
    home = Building(name="h", district="370202", building_type="residential", floor_area_m2=576)
    office = Building(
        name="o", district="370202", building_type="office_government", floor_area_m2=576
    )
    options = {"saving_rate": True}
    assert mark_options(options, home) == {"saving_rate": True, "residential": True}
    assert is_residential_check(mark_options(options, home))
    assert mark_options(options, office) == options
    assert not is_residential_check(mark_options(options, office))
