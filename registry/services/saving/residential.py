"""A residential saving-rate check (GB/T 51350-2019 Table 5.0.2, cold zone): the same flag and
job as a public building's, but no reference building: the design run's ideal-load demands,
the weather file's degree-hours and the declared n50 against each level's limits.

The building's type decides at upload (`options["residential"]`), so the cache never answers
a residential building with a public building's rates or the other way round.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry import vocabulary
from registry.domain.saving import rates as saving_rates
from registry.domain.saving import residential
from registry.i18n import Locale, bracketed, render
from registry.models import Building, CheckResidentialDemand
from registry.services.saving.parameters import parameter_rows
from registry.services.saving.seed import current

OPTION = "residential"
RESIDENTIAL_TYPES = ("residential",)
VERIFIED = ("verified-primary", "verified-secondary")


def is_residential_building(building: Building) -> bool:
    return building.building_type in RESIDENTIAL_TYPES


def mark_options(options: dict, building: Building) -> dict:
    """A saving-rate check's options, marked residential when the building is (cache key)."""
    if is_residential_building(building):
        return {**options, OPTION: True}
    return options


def is_residential_check(options: dict | None) -> bool:
    return bool((options or {}).get(OPTION))


def parameters(engine: Engine) -> dict[str, dict]:
    with Session(engine) as session:
        return current(session)


def climate_of(epw_path: Path) -> residential.DegreeHours:
    """WDH20 and DDH28 of the check's weather file."""
    from registry.domain.checks.weather import parse_epw

    epw = parse_epw(Path(epw_path).read_bytes())
    return residential.degree_hours(residential.epw_hours(epw.rows))


def demand_row(
    *,
    check_id: int,
    annual,
    sql_path,
    epw_path: Path,
    params: dict[str, dict],
    n50: float | None,
) -> CheckResidentialDemand:
    """The row stored beside the design's result (the caller adds it in that transaction)."""
    found = residential.read_demands(sql_path)
    climate = climate_of(epw_path)
    renewable = saving_rates.read_renewable_kwh(sql_path)
    basis = saving_rates.basis_kwh(annual.by_end_use_kwh, params)
    renewable_pct = 100.0 * renewable / basis if basis > 0 else None
    area = annual.conditioned_area_m2 or 0.0
    judged = residential.judge(
        heating_kwh=found.heating_kwh,
        cooling_kwh=found.cooling_kwh,
        conditioned_area_m2=area,
        climate=climate,
        n50=n50,
        renewable_pct=renewable_pct,
        params=params,
    )
    return CheckResidentialDemand(
        check_id=check_id,
        heating_kwh=found.heating_kwh,
        cooling_kwh=found.cooling_kwh,
        conditioned_area_m2=area,
        heating_demand_kwh_m2=judged.heating_demand_kwh_m2,
        cooling_demand_kwh_m2=judged.cooling_demand_kwh_m2,
        wdh20_kkh=climate.wdh20_kkh,
        ddh28_kkh=climate.ddh28_kkh,
        exterior_area_m2=found.exterior_area_m2,
        volume_m3=found.volume_m3,
        shape_coefficient=found.shape_coefficient,
        n50_declared=n50,
        renewable_kwh=renewable,
        renewable_pct=renewable_pct,
        level_met=judged.level_met,
        judgement={
            "heating_limit_kwh_m2": judged.heating_limit_kwh_m2,
            "cooling_limit_kwh_m2": judged.cooling_limit_kwh_m2,
            "n50_max": judged.n50_max,
            "renewable_min_pct": judged.renewable_min_pct,
            "held": judged.held,
            "not_judged": list(judged.not_judged),
        },
        parameters={k: v for k, v in params.items() if k.startswith("residential.")},
    )


def copy_cached(session: Session, *, source_id: int, check_id: int) -> None:
    """A cached answer keeps the source check's demands (same model, weather, parameters)."""
    row = session.exec(
        select(CheckResidentialDemand).where(CheckResidentialDemand.check_id == source_id)
    ).first()
    if row is not None:
        data = row.model_dump(exclude={"id", "check_id", "created_at"})
        session.add(CheckResidentialDemand(check_id=check_id, **data))


def _source(params: dict, key: str, lang: Locale) -> str:
    """Standard, clause and status of a threshold; a formula term's label (" (× WDH20)") is
    left off: the row cites the formula's clause."""
    row = params.get(key) or {}
    status = vocabulary.source_status_name(row.get("source_status"), lang)
    clause = str(row.get("clause", "")).split(" (", 1)[0]
    return f"{row.get('standard', '')} {clause}".strip() + bracketed(status, lang)


def residential_payload(session: Session, check_id: int, lang: Locale) -> dict | None:
    """`saving_rate` of a residential check: the level and, under `residential`, the demands,
    limits, degree-hours, shape coefficient and airtightness, each threshold with its source."""
    row = session.exec(
        select(CheckResidentialDemand).where(CheckResidentialDemand.check_id == check_id)
    ).first()
    if row is None:
        return None
    params = row.parameters or {}
    judged = row.judgement or {}
    unverified = sorted(k for k, p in params.items() if p.get("source_status") not in VERIFIED)
    level_name = vocabulary.saving_level(row.level_met, lang)
    held = judged.get("held", {})
    n50_max = judged.get("n50_max")

    def fmt(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:,.{digits}f}"

    def coefficients(level: str) -> dict:
        return {
            term: params[f"residential.{level}.cooling_{term}"]["value"]
            for term in ("base", "wdh20", "ddh28")
        }

    return {
        "level_met": row.level_met,
        "level_name": level_name,
        "residential": {
            "heating_demand_kwh_m2": row.heating_demand_kwh_m2,
            "cooling_demand_kwh_m2": row.cooling_demand_kwh_m2,
            "heating_limit_kwh_m2": judged.get("heating_limit_kwh_m2", {}),
            "cooling_limit_kwh_m2": judged.get("cooling_limit_kwh_m2", {}),
            "cooling_limit_coefficients": {
                level: coefficients(level) for level in residential.LEVELS
            },
            "wdh20_kkh": row.wdh20_kkh,
            "ddh28_kkh": row.ddh28_kkh,
            "shape_coefficient": row.shape_coefficient,
            "exterior_area_m2": row.exterior_area_m2,
            "volume_m3": row.volume_m3,
            "conditioned_area_m2": row.conditioned_area_m2,
            "heating_kwh": row.heating_kwh,
            "cooling_kwh": row.cooling_kwh,
            "n50": row.n50_declared,
            "n50_max": n50_max,
            "n50_met": None if row.n50_declared is None else row.n50_declared <= n50_max,
            "renewable_kwh": row.renewable_kwh,
            "renewable_pct": row.renewable_pct,
            "renewable_min_pct": judged.get("renewable_min_pct"),
            "level_met": row.level_met,
            "level_name": level_name,
            "held": held,
            "not_judged": judged.get("not_judged", []),
            "indoor_c": {
                "heating_min": params.get("residential.heating_setpoint_c", {}).get("value"),
                "cooling_max": params.get("residential.cooling_setpoint_c", {}).get("value"),
            },
            "sources": {
                "heating": _source(params, "residential.ultra_low.heating_kwh_m2", lang),
                "cooling": _source(params, "residential.ultra_low.cooling_base", lang),
                "n50": _source(params, "residential.n50_max", lang),
                "renewable": _source(params, "residential.nearly_zero.renewable_pct", lang),
                "indoor": _source(params, "residential.heating_setpoint_c", lang),
            },
            "method": render(
                "saving.residential_method",
                {
                    "heating_c": fmt(params["residential.heating_setpoint_c"]["value"], 0),
                    "cooling_c": fmt(params["residential.cooling_setpoint_c"]["value"], 0),
                },
                lang,
            ),
            "rule": render(
                "saving.residential_rule",
                {"renewable": fmt(judged.get("renewable_min_pct"), 0)},
                lang,
            ),
            "not_judged_note": render("saving.residential_not_judged", {}, lang),
        },
        "parameters": params,
        "parameter_rows": parameter_rows(params, lang),
        "parameters_unverified": bool(unverified),
        "unverified_note": render("saving.residential_unverified", {}, lang)
        if unverified
        else None,
        "summary": render(
            "saving.residential_summary",
            {
                "heating": fmt(row.heating_demand_kwh_m2),
                "cooling": fmt(row.cooling_demand_kwh_m2),
                "level": level_name,
            },
            lang,
        ),
    }
