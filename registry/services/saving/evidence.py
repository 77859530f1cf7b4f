"""An energy record cites a saving-rate check as its evidence; the reviewer sees whether the
check meets the record's level, and (by a setting) a record whose evidence falls short is not
approved."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain.saving import residential
from registry.domain.saving.evidence import BACKED_LEVELS, meets
from registry.errors import Conflict, ValidationFailed
from registry.i18n import Locale, render
from registry.models import (
    Check,
    CheckResidentialDemand,
    CheckSavingRate,
    Record,
    RecordSavingEvidence,
    User,
    utcnow,
)
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.buildings.claims import building_of, get_record
from registry.services.saving import residential as saving_residential
from registry.services.saving.runs import is_saving_check
from registry.services.tally import index as tally_index


def _backed(record: Record) -> bool:
    return record.kind == "energy" and record.level in BACKED_LEVELS


def _kind_refusal(building, check: Check) -> str | None:
    """A residential building's record cites a residential check, a public building's a
    public one (the building's type may have changed since the check ran)."""
    residential_building = saving_residential.is_residential_building(building)
    if residential_building == saving_residential.is_residential_check(check.options):
        return None
    if residential_building:
        return "saving.evidence_public_check_for_residential"
    return "saving.evidence_residential_check_for_public"


def cite_check(*, session: Session, actor: User, record_id: int, check_id: int) -> Record:
    """Make `check_id` the record's evidence (replacing any earlier one), audited once."""
    record = get_record(session=session, record_id=record_id)
    building = building_of(session, record.building_id)
    permissions.require_writer(actor)
    permissions.require_edit_building(actor, building)
    if not _backed(record):
        raise ValidationFailed({"check_id": ("saving.evidence_wrong_record", {})})
    check = session.get(Check, check_id)
    found = _judged(session, check_id)
    if (
        check is None
        or check.building_id != record.building_id
        or check.status != "done"
        or not is_saving_check(check.options)
        or found is None
    ):
        raise ValidationFailed(
            {"check_id": ("saving.evidence_not_saving_check", {"check": check_id})}
        )
    if refusal := _kind_refusal(building, check):
        raise ValidationFailed({"check_id": (refusal, {"check": check_id})})
    # The record's row lock: two citations at once end one after the other.
    session.exec(select(Record).where(Record.id == record.id).with_for_update()).one()
    row = session.exec(
        select(RecordSavingEvidence).where(RecordSavingEvidence.record_id == record.id)
    ).first()
    before = {"check_id": row.check_id} if row else None
    if row is None:
        row = RecordSavingEvidence(record_id=record.id, check_id=check_id, cited_by_id=actor.id)
    else:
        row.check_id, row.cited_by_id, row.cited_at = check_id, actor.id, utcnow()
    session.add(row)
    tally_index.bump_stamp(session.connection())  # the tally's backed ultra-low area moves
    record_event(
        session=session,
        actor=actor,
        entity="record",
        entity_id=record.id,
        building_id=record.building_id,
        action="cite_saving_check",
        before=before,
        after={"check_id": check_id, "level_met": found.level_met},
    )
    session.commit()
    return record


def citable_records(session: Session, actor: User, check: Check) -> list[Record]:
    """The energy records of the check's building this user may make it the evidence of."""
    building = building_of(session, check.building_id)
    if not permissions.can_edit_building(actor, building) or _kind_refusal(building, check):
        return []
    rows = session.exec(
        select(Record)
        .where(Record.building_id == check.building_id, Record.kind == "energy")
        .order_by(Record.id)
    ).all()
    return [row for row in rows if _backed(row)]


def _judged(session: Session, check_id: int) -> CheckSavingRate | CheckResidentialDemand | None:
    """The check's verdict row: a public building's rates or a residential one's demands."""
    return (
        session.exec(select(CheckSavingRate).where(CheckSavingRate.check_id == check_id)).first()
        or session.exec(
            select(CheckResidentialDemand).where(CheckResidentialDemand.check_id == check_id)
        ).first()
    )


def _cited(session: Session, record_id: int):
    row = session.exec(
        select(RecordSavingEvidence).where(RecordSavingEvidence.record_id == record_id)
    ).first()
    return None if row is None else _judged(session, row.check_id)


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _params(found, record_level: str, level_name) -> dict:
    """The figures the reviewer reads: a public check's rates, a residential check's demands
    against the limits of the record's level (the highest the check judges for zero energy),
    and its n50."""
    params = {
        "check": found.check_id,
        "level": level_name(record_level),
        "met": level_name(found.level_met),
    }
    if isinstance(found, CheckSavingRate):
        return {
            **params,
            "itself": f"{found.itself_pct:.1f}",
            "comprehensive": f"{found.comprehensive_pct:.1f}",
            "renewable": f"{found.renewable_pct:.1f}",
        }
    judged = found.judgement or {}
    limit_level = record_level if record_level in residential.LEVELS else residential.LEVELS[-1]
    return {
        **params,
        "heating": _number(found.heating_demand_kwh_m2),
        "heating_limit": _number(judged.get("heating_limit_kwh_m2", {}).get(limit_level)),
        "cooling": _number(found.cooling_demand_kwh_m2),
        "cooling_limit": _number(judged.get("cooling_limit_kwh_m2", {}).get(limit_level)),
        "n50": _number(found.n50_declared, 2),
        "n50_max": _number(judged.get("n50_max"), 2),
    }


def evidence_line(session: Session, record: Record, locale: Locale, level_name) -> dict | None:
    """What the reviewer reads beside an energy record: the cited check, its rates (or a
    residential check's demands, limits and n50) and whether it meets the record's level;
    None for records a check cannot back."""
    if not _backed(record):
        return None
    found = _cited(session, record.id)
    if found is None:
        return {
            "check_id": None,
            "meets": False,
            "text": render("saving.evidence_missing", {}, locale),
        }
    ok = meets(found.level_met, record.level)
    residential_check = isinstance(found, CheckResidentialDemand)
    code = {
        (False, True): "saving.evidence_meets",
        (False, False): "saving.evidence_falls_short",
        (True, True): "saving.evidence_residential_meets",
        (True, False): "saving.evidence_residential_falls_short",
    }[(residential_check, ok)]
    return {
        "check_id": found.check_id,
        "meets": ok,
        "residential": residential_check,
        "text": render(code, _params(found, record.level, level_name), locale),
    }


def require_evidence(session: Session, record: Record) -> None:
    """Refuse approval of an energy level whose cited check does not meet it (or none cited);
    called by the approval only while the setting is on."""
    if not _backed(record):
        return
    found = _cited(session, record.id)
    if found is None:
        raise Conflict("saving.approval_no_evidence", {})
    if not meets(found.level_met, record.level):
        if isinstance(found, CheckResidentialDemand):
            raise Conflict(
                "saving.approval_residential_evidence_short",
                _params(found, record.level, str),
            )
        raise Conflict(
            "saving.approval_evidence_short",
            {
                "check": found.check_id,
                "itself": f"{found.itself_pct:.1f}",
                "comprehensive": f"{found.comprehensive_pct:.1f}",
            },
        )
