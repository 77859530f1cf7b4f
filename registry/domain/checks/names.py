"""EnergyPlus's end-use and fuel names (as read from eplusout.sql) in Chinese: one table for
the check page, its charts and its PDF."""

from __future__ import annotations

END_USE_ZH = {
    "Heating": "供暖",
    "Cooling": "供冷",
    "Interior Lighting": "室内照明",
    "Exterior Lighting": "室外照明",
    "Interior Equipment": "室内设备",
    "Exterior Equipment": "室外设备",
    "Fans": "风机",
    "Pumps": "水泵",
    "Heat Rejection": "排热",
    "Humidification": "加湿",
    "Heat Recovery": "热回收",
    "Water Systems": "生活热水",
    "Refrigeration": "制冷设备",
    "Generators": "发电设备",
}
FUEL_ZH = {
    "Electricity": "电力",
    "Natural Gas": "天然气",
    "Gasoline": "汽油",
    "Diesel": "柴油",
    "Coal": "煤",
    "Fuel Oil No 1": "1号燃料油",
    "Fuel Oil No 2": "2号燃料油",
    "Propane": "丙烷",
    "Other Fuel 1": "其他燃料1",
    "Other Fuel 2": "其他燃料2",
    "District Cooling": "区域供冷",
    "District Heating Water": "市政热水",
    "District Heating Steam": "市政蒸汽",
    "District Heating": "市政供热",
    "Water": "水",
    # the energy accounting's own keys
    "electricity": "电力",
    "natural_gas": "天然气",
    "natural_gas_heating_value": "天然气热值",
    "heat": "热量",
    "standard_coal": "标准煤",
}


def end_use_name(end_use: str, locale: str = "zh") -> str:
    """Chinese name (unknown names as EnergyPlus writes them); the EnergyPlus name in English."""
    return end_use if locale == "en" else END_USE_ZH.get(end_use, end_use)


def fuel_name(fuel: str, locale: str = "zh") -> str:
    return fuel if locale == "en" else FUEL_ZH.get(fuel, fuel)
