"""Measured-energy texts: English templates, Chinese in the catalogue (registry.i18n)."""

MESSAGES: dict[str, str] = {
    "metered.incomplete": (
        "Incomplete year: months {months} are missing. Stored, not judged: the quotas are "
        "annual figures."
    ),
    "metered.area_excluded": "The excluded area is the whole floor area; nothing to judge.",
    "metered.split.district": (
        "District heating: the district heat is heating energy; electricity, gas and other "
        "fuels are non-heating (heating pumps and fans count as non-heating, DB37/T 2671)."
    ),
    "metered.split.gas_excess": (
        "Gas heating, split by heating-season excess: the mean gas of May–October, {baseline} "
        "m³ a month, is taken as non-heating gas in every month; the excess of November–March "
        "over it, {heating} m³ of {total} m³, is heating."
    ),
    "metered.split.electric_excess": (
        "Electric heating, split by heating-season excess: the mean electricity of April, May "
        "and October, {baseline} kWh a month, is the non-heating base; the excess of "
        "November–March over it, {heating} kWh of {total} kWh, is heating."
    ),
    "metered.split.excess_limits": (
        "Limits of this split: it assumes non-heating use is the same every month; winter hot "
        "water and lighting are larger, so heating is somewhat overstated; the half months of "
        "the Qingdao season (16 November to 5 April) are counted whole in November and not in "
        "April."
    ),
    "metered.split.needs_months_gas": (
        "Gas heating with annual totals only: heating and non-heating gas cannot be separated, "
        "so only the electricity indicator is judged. Enter monthly gas to judge the rest."
    ),
    "metered.no_electricity": (
        "No electricity reading for this year: the non-heating and electricity indicators are "
        "not judged, as a blank is not a zero. Enter the year's electricity to judge them."
    ),
    "metered.split.needs_months_electric": (
        "Electric heating with annual totals only: heating and non-heating electricity cannot "
        "be separated, so no indicator is judged. Enter twelve months of electricity."
    ),
    "metered.split.none": (
        "No heating type registered: bought district heat is heating, all other energy is "
        "counted as non-heating, and no heating quota is chosen; if the building is heated, "
        "register its heating type."
    ),
    "metered.gas_factor": "Natural gas converted at 1.2143 kgce/m³ (DB37/T 2671-2019 Table B.1).",
    "metered.mass_factors_unverified": (
        "Oil 1.4571, LPG 1.7143 and coal 0.7143 kgce/kg are reference factors recalled from "
        "GB/T 2589 and not yet verified."
    ),
    "metered.other_kgce": "Other fuels entered as {kgce} kgce are counted as non-heating.",
    "metered.pv_not_subtracted": (
        "On-site PV of {kwh} kWh is recorded, not subtracted: the grid meter already leaves "
        "out what the building used of it (renewables are not counted, DB37/T 2671 §5.1.4)."
    ),
    "metered.exclusions": (
        "Excluded by the data: {kwh} kWh electricity, {m3} m³ gas and {area} m² floor area "
        "(data centre, kitchen, garage), taken out of both energy and area."
    ),
    "metered.no_exclusions": (
        "No exclusions entered: data centre, kitchen and garage energy, if any, are included."
    ),
    "metered.correction_inputs_from_year": (
        "The GB/T 51161 correction uses this year's operating hours and occupants where given."
    ),
    "metered.note.measured": (
        "Judged on measured annual energy, which is what the quota standards are written for."
    ),
    "metered.source.platform": "energy monitoring platform",
    "metered.source.bill": "bills",
    "metered.source.audit": "energy audit",
    # import
    "metered.import.no_building": (
        "No building matches (registry id, credit code + name or platform code)."
    ),
    "metered.import.building_ambiguous": "{count} buildings match; give the registry id.",
    "metered.import.year_missing": "The year is missing.",
    "metered.import.year_invalid": "Year {value} is not a year between 2000 and 2100.",
    "metered.import.month_invalid": "Month {value} is not 1–12.",
    "metered.import.negative": "{field}: {value} is negative.",
    "metered.import.no_energy": "The row gives no energy value.",
    "metered.import.columns_ignored": "Not recognised, so ignored: {columns}.",
    "metered.import.no_electricity_column": (
        "The sheet has no electricity column (用电量(kWh)): its years are stored, but the "
        "non-heating and electricity indicators are not judged without electricity."
    ),
    "metered.import.no_columns": (
        "No energy column found: need 用电量(kWh), 天然气(m³) or 集中供热(GJ) and 登记编号 or "
        "a platform code."
    ),
    "metered.import.mixed": (
        "Building {building} year {year} has both annual and monthly rows; give one or the other."
    ),
    "metered.import.month_repeated": "Month {month} of {year} appears twice for this building.",
    "metered.import.not_permitted": "You may not enter energy for this building.",
    "metered.import.source_unknown": "Source {value} is not 能耗监测平台, 账单 or 能源审计.",
    "metered.entry.not_found": "No such building.",
    "metered.import.platform_code_differs": (
        "Platform code {code} does not match this building (already linked: {known})."
    ),
    "metered.import.committed": "Stored {years} building-years; {rejected} rows rejected.",
    "metered.import.nothing": "Nothing stored; {rejected} rows rejected.",
    "metered.document_preparing": (
        "The quota list of {count} buildings is being prepared; this page downloads it when "
        "it is ready."
    ),
    "metered.document_progress": "Building rows laid out: {done} of {total}.",
    "metered.document_failed": (
        "The quota list could not be made. Try again; if it fails again, tell the administrator."
    ),
    "metered.import.repeated": (
        "This file was imported before (import {batch_id}); nothing was stored again."
    ),
    "metered.conflict": (
        "Someone else corrected this year at the same moment; reload and try again."
    ),
    "metered.entry.invalid": "{field}: {message}",
    "savings.method": (
        "Weather-normalised by degree-days: the after-year's heating energy × HDD before / "
        "HDD after, its cooling (summer electricity excess) × CDD before / CDD after, the "
        "rest unchanged; saving = 1 − normalised after / before, on total kgce."
    ),
    "savings.cooling_normalised": "Cooling estimated at {kgce} kgce and normalised by CDD.",
    "savings.cooling_not_normalised": (
        "No monthly electricity or no cooling degree-days: non-heating energy is not normalised."
    ),
    "savings.incomplete_year": "Year {year} is incomplete; the saving cannot be verified.",
    "savings.degree_days_missing": "Heating degree-days of both years are needed.",
    "savings.degree_days_of": (
        "Degree-days of {years} are not entered yet (an administrator enters them)."
    ),
    "savings.no_years": (
        "Measured energy of {before} and {after} (the years around completion) is needed."
    ),
    "savings.not_upgrade": "Only a completed public-building upgrade record has savings.",
    "savings.requirement_unverified": (
        "The required saving ({pct} %) is a setting not yet confirmed by an administrator."
    ),
    "savings.meets": "Saving ({rate} %) meets the requirement ({pct} %).",
    "savings.falls_short": "Saving ({rate} %) falls short of the requirement ({pct} %).",
}
