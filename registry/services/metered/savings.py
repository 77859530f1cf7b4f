"""Verified savings of an upgrade record: the building's measured years around completion,
normalised by the degree-days given, against the required saving (a setting)."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain import settings as setting_keys
from registry.domain.metered.savings import Savings, meets_requirement, normalised_savings
from registry.errors import NotFound, ValidationFailed
from registry.i18n import render
from registry.models import Building, DegreeDayYear, MeteredYear, Record, User, utcnow
from registry.services import audit, permissions
from registry.services import settings as settings_service
from registry.services.metered.years import current, to_domain
from registry.services.tally import index as tally_index


def set_degree_days(
    *,
    session: Session,
    actor: User,
    year: int,
    hdd: float,
    cdd: float | None = None,
    source: str = "",
) -> DegreeDayYear:
    """Store (or replace, audited) a year's degree-days; administrators only."""
    permissions.require_admin(actor)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": ("metered.import.year_invalid", {"value": str(year)})})
    if hdd <= 0 or (cdd is not None and cdd < 0):
        raise ValidationFailed({"hdd": ("savings.degree_days_missing", {})})
    row = session.get(DegreeDayYear, year)
    before = audit.snapshot(row) if row else None
    if row is None:
        row = DegreeDayYear(year=year, hdd=hdd)
    row.hdd, row.cdd, row.source = hdd, cdd, source[:500]
    row.source_status, row.entered_by_id, row.updated_at = "unverified", actor.id, utcnow()
    session.add(row)
    session.flush()
    tally_index.bump_stamp(session.connection())  # the tally's verified savings read these
    audit.record_event(
        session=session,
        actor=actor,
        entity="degree_days",
        entity_id=year,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(row),
    )
    session.commit()
    return row


def stored_degree_days(session: Session, years: list[int]) -> dict[int, tuple[float, float | None]]:
    rows = session.exec(select(DegreeDayYear).where(DegreeDayYear.year.in_(years)))
    return {r.year: (r.hdd, r.cdd) for r in rows}


def building_savings(*, session: Session, building_id: int, locale: object = "zh_Hans_CN"):
    """Each completed public-building upgrade of the building with its verified saving, or
    the reason it cannot be verified yet (a year or its degree-days missing)."""
    records = session.exec(
        select(Record).where(
            Record.building_id == building_id,
            Record.kind == "retrofit",
            Record.level == "public_efficiency",
            Record.completed_on.is_not(None),
        )
    )
    out = []
    for record in records:
        try:
            out.append(upgrade_savings(session=session, record_id=record.id, locale=locale))
        except ValidationFailed as exc:
            code, params = next(iter(exc.field_errors.values()))
            out.append(
                {
                    "record_id": record.id,
                    "saving_rate_pct": None,
                    "reason": render(code, params, locale),
                }
            )
    return out


def measured_saving(
    *,
    completed_on,
    heating_type: str | None,
    years: dict[int, MeteredYear],
    degree_days: dict[int, tuple[float, float | None]],
) -> Savings:
    """The weather-normalised saving of an upgrade completed on `completed_on`: its building's
    current measured `years` {year: row} and `degree_days` {year: (HDD, CDD or None)} as read
    by the caller (one building here, a whole tally in `services.tally.evidence`);
    ValidationFailed naming what is missing."""
    before_year, after_year = completed_on.year - 1, completed_on.year + 1
    before, after = years.get(before_year), years.get(after_year)
    if before is None or after is None:
        raise ValidationFailed(
            {"years": ("savings.no_years", {"before": before_year, "after": after_year})}
        )
    missing = [y for y in (before_year, after_year) if y not in degree_days]
    if missing:
        raise ValidationFailed(
            {"hdd": ("savings.degree_days_of", {"years": ", ".join(map(str, missing))})}
        )
    hdd_b, cdd_b = degree_days[before_year]
    hdd_a, cdd_a = degree_days[after_year]
    return normalised_savings(
        to_domain(before),
        to_domain(after),
        heating_type,
        hdd_before=hdd_b,
        hdd_after=hdd_a,
        cdd_before=cdd_b,
        cdd_after=cdd_a,
    )


def upgrade_savings(
    *,
    session: Session,
    record_id: int,
    degree_days: dict[int, tuple[float, float | None]] | None = None,
    locale: object = "zh_Hans_CN",
) -> dict:
    """The saving of a completed retrofit record: the year before completion against the
    year after, `degree_days` {year: (HDD, CDD or None)} for both (else the stored ones)."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("record.not_found", {"id": record_id})
    if record.kind != "retrofit" or record.level != "public_efficiency" or not record.completed_on:
        raise ValidationFailed({"record": ("savings.not_upgrade", {})})
    building = session.get(Building, record.building_id)
    before_year, after_year = record.completed_on.year - 1, record.completed_on.year + 1
    years = {
        year: row
        for year in (before_year, after_year)
        if (row := current(session, building.id, year)) is not None
    }
    if degree_days is None and len(years) == 2:
        degree_days = stored_degree_days(session, [before_year, after_year])
    result = measured_saving(
        completed_on=record.completed_on,
        heating_type=building.heating_type,
        years=years,
        degree_days=degree_days or {},
    )
    required = settings_service.get_value(session=session, key=setting_keys.UPGRADE_SAVING_PCT)
    confirmed = settings_service.get_value(
        session=session, key=setting_keys.UPGRADE_SAVING_CONFIRMED
    )
    notes = [render(code, params, locale) for code, params in result.notes]
    meets = meets_requirement(result.saving_rate_pct, required)
    verdict = None
    if meets is not None:
        code = "savings.meets" if meets else "savings.falls_short"
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
        "meets_requirement": meets,
        "verdict": verdict,
        "reason": render(*result.reason, locale) if result.reason else None,
        "parts": result.parts,
        "notes": notes,
    }


def verified_upgrade_area(*, session: Session) -> dict:
    """Beside the counted area of approved or published public-building upgrades, how much
    of it has a verified saving, and how much of that meets the required saving. The
    count-once rule of the targets is the tally's and does not change here: this only reads
    the same records. Four queries whatever the number of records (the records, their
    buildings' measured years, the degree-days, the requirement)."""
    upgrades = (
        Record.kind == "retrofit",
        Record.level == "public_efficiency",
        # Counted from approval (a retrofit has no public notice) or publication.
        Record.status.in_(("approved", "published")),
    )
    rows = session.exec(
        select(
            Record.id,
            Record.building_id,
            Record.counted_area_m2,
            Record.completed_on,
            Building.heating_type,
        )  # fmt: skip
        .join(Building, Building.id == Record.building_id)
        .where(*upgrades)
    ).all()
    years: dict[int, dict[int, MeteredYear]] = {}
    measured = select(MeteredYear).where(
        MeteredYear.superseded_at.is_(None),
        MeteredYear.building_id.in_(select(Record.building_id).where(*upgrades)),
    )
    for year in session.exec(measured):
        years.setdefault(year.building_id, {})[year.year] = year
    degree_days = {r.year: (r.hdd, r.cdd) for r in session.exec(select(DegreeDayYear))}
    required = settings_service.get_value(session=session, key=setting_keys.UPGRADE_SAVING_PCT)
    counted = verified = meeting = 0.0
    for _record_id, building_id, area_m2, completed_on, heating_type in rows:
        counted += area_m2
        if not completed_on:
            continue
        try:
            result = measured_saving(
                completed_on=completed_on,
                heating_type=heating_type,
                years=years.get(building_id, {}),
                degree_days=degree_days,
            )
        except ValidationFailed:
            continue
        if result.saving_rate_pct is None:
            continue
        verified += area_m2
        if meets_requirement(result.saving_rate_pct, required):
            meeting += area_m2
    return {
        "records": len(rows),
        "counted_area_m2": counted,
        "verified_area_m2": verified,
        "meeting_requirement_area_m2": meeting,
    }
