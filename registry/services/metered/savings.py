"""Verified savings of an upgrade record: the building's measured years around completion,
normalised by the degree-days given, against the required saving (a setting)."""

from __future__ import annotations

from sqlmodel import Session

from registry.domain import settings as setting_keys
from registry.domain.metered.savings import normalised_savings
from registry.errors import NotFound, ValidationFailed
from registry.i18n import render
from registry.models import Building, Record
from registry.services import settings as settings_service
from registry.services.metered.years import current, to_domain


def upgrade_savings(
    *,
    session: Session,
    record_id: int,
    degree_days: dict[int, tuple[float, float | None]],
    locale: object = "zh_Hans_CN",
) -> dict:
    """The saving of a completed retrofit record: the year before completion against the
    year after, `degree_days` {year: (HDD, CDD or None)} for both."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("record.not_found", {"id": record_id})
    if record.kind != "retrofit" or record.level != "public_efficiency" or not record.completed_on:
        raise ValidationFailed({"record": ("savings.not_upgrade", {})})
    building = session.get(Building, record.building_id)
    before_year, after_year = record.completed_on.year - 1, record.completed_on.year + 1
    before = current(session, building.id, before_year)
    after = current(session, building.id, after_year)
    if before is None or after is None:
        raise ValidationFailed(
            {"years": ("savings.no_years", {"before": before_year, "after": after_year})}
        )
    missing = [y for y in (before_year, after_year) if y not in degree_days]
    if missing:
        raise ValidationFailed({"hdd": ("savings.degree_days_missing", {})})
    hdd_b, cdd_b = degree_days[before_year]
    hdd_a, cdd_a = degree_days[after_year]
    result = normalised_savings(
        to_domain(before),
        to_domain(after),
        building.heating_type,
        hdd_before=hdd_b,
        hdd_after=hdd_a,
        cdd_before=cdd_b,
        cdd_after=cdd_a,
    )
    required = settings_service.get_value(session=session, key=setting_keys.UPGRADE_SAVING_PCT)
    confirmed = settings_service.get_value(
        session=session, key=setting_keys.UPGRADE_SAVING_CONFIRMED
    )
    notes = [render(code, params, locale) for code, params in result.notes]
    verdict = None
    if result.saving_rate_pct is not None:
        code = "savings.meets" if result.saving_rate_pct >= required else "savings.falls_short"
        verdict = render(code, {"rate": f"{result.saving_rate_pct:.1f}", "pct": required}, locale)
    if not confirmed:
        notes.append(render("savings.requirement_unverified", {"pct": required}, locale))
    return {
        "record_id": record.id,
        "building_id": building.id,
        "before_year": before_year,
        "after_year": after_year,
        "before_kgce": result.before_kgce,
        "after_kgce": result.after_kgce,
        "after_normalised_kgce": result.after_normalised_kgce,
        "saving_rate_pct": result.saving_rate_pct,
        "required_pct": required,
        "required_confirmed": confirmed,
        "meets_requirement": None
        if result.saving_rate_pct is None
        else result.saving_rate_pct >= required,
        "verdict": verdict,
        "reason": render(*result.reason, locale) if result.reason else None,
        "parts": result.parts,
        "notes": notes,
    }
