"""EnergyPlus's end-use and fuel names (as read from eplusout.sql), and the energy accounting's
conversion factors: one table for the check page, its charts and its PDF. The English names
are EnergyPlus's own; registry.vocabulary gives them in the reader's language."""

from __future__ import annotations

from registry.domain.text import NC_

END_USES = (
    NC_("end use", "Heating"),
    NC_("end use", "Cooling"),
    NC_("end use", "Interior Lighting"),
    NC_("end use", "Exterior Lighting"),
    NC_("end use", "Interior Equipment"),
    NC_("end use", "Exterior Equipment"),
    NC_("end use", "Fans"),
    NC_("end use", "Pumps"),
    NC_("end use", "Heat Rejection"),
    NC_("end use", "Humidification"),
    NC_("end use", "Heat Recovery"),
    NC_("end use", "Water Systems"),
    NC_("end use", "Refrigeration"),
    NC_("end use", "Generators"),
)
FUELS = (
    NC_("fuel", "Electricity"),
    NC_("fuel", "Natural Gas"),
    NC_("fuel", "Gasoline"),
    NC_("fuel", "Diesel"),
    NC_("fuel", "Coal"),
    NC_("fuel", "Fuel Oil No 1"),
    NC_("fuel", "Fuel Oil No 2"),
    NC_("fuel", "Propane"),
    NC_("fuel", "Other Fuel 1"),
    NC_("fuel", "Other Fuel 2"),
    NC_("fuel", "District Cooling"),
    NC_("fuel", "District Heating Water"),
    NC_("fuel", "District Heating Steam"),
    NC_("fuel", "District Heating"),
    NC_("fuel", "Water"),
)
# The energy accounting's factor keys (accounting.Factor.key) -> what each converts.
FACTOR_NAMES = {
    "electricity": NC_("conversion factor", "Electricity"),
    "natural_gas": NC_("conversion factor", "Natural gas"),
    "natural_gas_heating_value": NC_("conversion factor", "Natural gas heating value"),
    "heat": NC_("conversion factor", "Heat"),
    "standard_coal": NC_("conversion factor", "Standard coal"),
}
