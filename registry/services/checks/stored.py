"""An energy check's results stored, and its verdict pinned, when its run ends (`runner`)."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from registry.domain.checks.intensity import area_mismatch_pct, eui_kwh_per_m2
from registry.models import Check, CheckEndUse, CheckResult, utcnow

log = logging.getLogger(__name__)


def store_results(engine, check, building, annual, worker, *, run_seconds, extra=()) -> None:
    """Results and the 'done' state in one transaction; a second store is a no-op."""
    area = building.floor_area_m2
    with Session(engine) as session:
        row = session.get(Check, check.id)
        if row.worker != worker:
            return
        session.add(
            CheckResult(
                check_id=check.id,
                engine_version=annual.engine_version or check.engine_version,
                idf_sha256=check.idf_sha256,
                epw_sha256=check.epw_sha256,
                total_site_kwh=annual.total_site_kwh,
                total_source_kwh=annual.total_source_kwh,
                model_total_area_m2=annual.total_building_area_m2,
                model_conditioned_area_m2=annual.conditioned_area_m2,
                registered_area_m2=area,
                registered_heated_area_m2=building.heated_area_m2,
                eui_kwh_per_m2=eui_kwh_per_m2(annual.total_site_kwh, area),
                area_mismatch_pct=area_mismatch_pct(annual.total_building_area_m2, area),
                unmet_heating_hours=annual.unmet_heating_hours,
                unmet_cooling_hours=annual.unmet_cooling_hours,
                by_fuel_kwh=dict(annual.by_fuel_kwh),
                monthly_kwh=dict(annual.monthly_kwh),
                monthly_by_fuel_kwh=dict(annual.monthly_by_fuel_kwh),
            )
        )
        for (end_use, fuel), kwh in annual.by_end_use_kwh.items():
            if kwh:
                session.add(
                    CheckEndUse(check_id=check.id, end_use=end_use, fuel=fuel, energy_kwh=kwh)
                )
        for item in extra:  # a saving-rate check's rates, stored with the result or not at all
            session.add(item)
        row.status = "done"
        row.finished_at = utcnow()
        row.run_seconds = run_seconds
        row.engine_pid = None
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another attempt stored this check's result first


def pin_verdict(engine: Engine, check_id: int) -> None:
    """Pin the rules and quota rows in force now, when the result arrives.

    A failure here leaves the stored result as it is: the first reader pins them instead.
    """
    from registry.services.quotas.verdicts import assess_check

    try:
        with Session(engine) as session:
            assess_check(session=session, check_id=check_id)
    except Exception:
        log.exception("check %s: verdict not pinned at store time", check_id)
