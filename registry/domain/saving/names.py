"""The reference building's parameters named for readers (the administrators' page): a name
per key, or per key family with the band it holds for (`window_u.0.30`: up to 0.30)."""

from __future__ import annotations

from registry.domain.text import NC_

NAMES = {
    "roof_u": NC_("saving parameter", "Roof U-value"),
    "wall_u": NC_("saving parameter", "External wall U-value"),
    "exposed_floor_u": NC_("saving parameter", "Exposed floor U-value"),
    "ground_floor_r": NC_("saving parameter", "Ground floor perimeter thermal resistance"),
    "wwr_max": NC_("saving parameter", "Largest window-to-wall ratio of a façade"),
    "surface_rsi": NC_("saving parameter", "Inside surface resistance"),
    "surface_rse": NC_("saving parameter", "Outside surface resistance"),
    "ref_cooling_scop": NC_("saving parameter", "Reference cooling system SCOP"),
    "ref_heating_efficiency": NC_("saving parameter", "Reference heating efficiency"),
    "factor.electricity": NC_("saving parameter", "Electricity to electricity equivalent"),
    "factor.district_heating": NC_("saving parameter", "District heat to electricity equivalent"),
    "factor.natural_gas": NC_("saving parameter", "Natural gas to electricity equivalent"),
    "factor.district_cooling": NC_(
        "saving parameter", "District cooling to electricity equivalent"
    ),
    "public.ultra_low.comprehensive_pct": NC_(
        "saving parameter", "Ultra-low energy: comprehensive saving rate, at least"
    ),
    "public.ultra_low.itself_pct": NC_(
        "saving parameter", "Ultra-low energy: building's own saving rate, at least"
    ),
    "public.nearly_zero.comprehensive_pct": NC_(
        "saving parameter", "Nearly zero energy: comprehensive saving rate, at least"
    ),
    "public.nearly_zero.itself_pct": NC_(
        "saving parameter", "Nearly zero energy: building's own saving rate, at least"
    ),
    "public.nearly_zero.renewable_pct": NC_(
        "saving parameter", "Nearly zero energy: renewable share, at least"
    ),
    "public.n50_max": NC_("saving parameter", "Public buildings: air changes at 50 Pa, at most"),
    "residential.ultra_low.heating_kwh_m2": NC_(
        "saving parameter", "Housing, ultra-low energy: annual heating demand, at most"
    ),
    "residential.nearly_zero.heating_kwh_m2": NC_(
        "saving parameter", "Housing, nearly zero energy: annual heating demand, at most"
    ),
    "residential.n50_max": NC_("saving parameter", "Housing: air changes at 50 Pa, at most"),
    "consistency.area_rel": NC_(
        "saving parameter", "Designer's reference: floor and surface area tolerance (fraction)"
    ),
    "consistency.area_abs_m2": NC_(
        "saving parameter", "Designer's reference: smallest area difference counted"
    ),
    "consistency.volume_rel": NC_(
        "saving parameter", "Designer's reference: zone volume tolerance (fraction)"
    ),
    "consistency.load_rel": NC_(
        "saving parameter", "Designer's reference: people and equipment tolerance (fraction)"
    ),
    "consistency.air_rel": NC_(
        "saving parameter", "Designer's reference: infiltration and fresh air tolerance (fraction)"
    ),
    "consistency.orientation_deg": NC_(
        "saving parameter", "Designer's reference: surface orientation tolerance"
    ),
    "consistency.standard_rel": NC_(
        "saving parameter", "Designer's reference: tolerance on the standard's values (fraction)"
    ),
}
# Families of rows by band of the window-to-wall ratio; "{band}" is the band's upper end.
BANDED = {
    "window_u": NC_("saving parameter", "Window U-value, window-to-wall ratio up to {band}"),
    "window_shgc": NC_(
        "saving parameter",
        "Window solar heat gain coefficient (east, south, west), window-to-wall ratio up to {band}",
    ),
    "window_shgc_north": NC_(
        "saving parameter",
        "Window solar heat gain coefficient (north), window-to-wall ratio up to {band}",
    ),
    "lpd": NC_("saving parameter", "Lighting power density: {band}"),
}
# Space types of the lighting rows, named.
SPACES = {
    "office": NC_("space type", "office"),
    "meeting": NC_("space type", "meeting room"),
    "lobby": NC_("space type", "lobby"),
    "corridor": NC_("space type", "corridor"),
}


def name_parts(key: str) -> tuple[str, str | None, str | None]:
    """(English name or pattern, band or None, space-type context or None) of a key; the
    key itself when it has no name (a row added after this list)."""
    if key in NAMES:
        return NAMES[key], None, None
    family, _dot, band = key.partition(".")
    if family in BANDED and band:
        return BANDED[family], band, "space type" if family == "lpd" else None
    return key, None, None
