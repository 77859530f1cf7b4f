"""An energy record cites a saving-rate check as its evidence; the reviewer sees whether the
check meets the record's level, and (by a setting) a record whose evidence falls short is not
approved."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.domain.saving.evidence import BACKED_LEVELS, meets
from registry.errors import Conflict, ValidationFailed
from registry.i18n import Locale, render
from registry.models import Check, CheckSavingRate, Record, RecordSavingEvidence, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.buildings.claims import building_of, get_record
from registry.services.saving.runs import is_saving_check
from registry.services.tally import index as tally_index


def _backed(record: Record) -> bool:
    return record.kind == "energy" and record.level in BACKED_LEVELS


def cite_check(*, session: Session, actor: User, record_id: int, check_id: int) -> Record:
    """Make `check_id` the record's evidence (replacing any earlier one), audited once."""
    record = get_record(session=session, record_id=record_id)
    building = building_of(session, record.building_id)
    permissions.require_writer(actor)
    permissions.require_edit_building(actor, building)
    if not _backed(record):
        raise ValidationFailed({"check_id": ("saving.evidence_wrong_record", {})})
    check = session.get(Check, check_id)
    rates = session.exec(
        select(CheckSavingRate).where(CheckSavingRate.check_id == check_id)
    ).first()
    if (
        check is None
        or check.building_id != record.building_id
        or check.status != "done"
        or not is_saving_check(check.options)
        or rates is None
    ):
        raise ValidationFailed(
            {"check_id": ("saving.evidence_not_saving_check", {"check": check_id})}
        )
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
        after={"check_id": check_id, "level_met": rates.level_met},
    )
    session.commit()
    return record


def citable_records(session: Session, actor: User, check: Check) -> list[Record]:
    """The energy records of the check's building this user may make it the evidence of."""
    building = building_of(session, check.building_id)
    if not permissions.can_edit_building(actor, building):
        return []
    rows = session.exec(
        select(Record)
        .where(Record.building_id == check.building_id, Record.kind == "energy")
        .order_by(Record.id)
    ).all()
    return [row for row in rows if _backed(row)]


def _rates(session: Session, record_id: int):
    return session.exec(
        select(CheckSavingRate)
        .join(RecordSavingEvidence, RecordSavingEvidence.check_id == CheckSavingRate.check_id)
        .where(RecordSavingEvidence.record_id == record_id)
    ).first()


def evidence_line(session: Session, record: Record, locale: Locale, level_name) -> dict | None:
    """What the reviewer reads beside an energy record: the cited check, its rates and whether
    it meets the record's level; None for records a check cannot back."""
    if not _backed(record):
        return None
    rates = _rates(session, record.id)
    if rates is None:
        return {
            "check_id": None,
            "meets": False,
            "text": render("saving.evidence_missing", {}, locale),
        }
    ok = meets(rates.level_met, record.level)
    params = {
        "check": rates.check_id,
        "itself": f"{rates.itself_pct:.1f}",
        "comprehensive": f"{rates.comprehensive_pct:.1f}",
        "renewable": f"{rates.renewable_pct:.1f}",
        "level": level_name(record.level),
        "met": level_name(rates.level_met),
    }
    code = "saving.evidence_meets" if ok else "saving.evidence_falls_short"
    return {"check_id": rates.check_id, "meets": ok, "text": render(code, params, locale)}


def require_evidence(session: Session, record: Record) -> None:
    """Refuse approval of an energy level whose cited check does not meet it (or none cited);
    called by the approval only while the setting is on."""
    if not _backed(record):
        return
    rates = _rates(session, record.id)
    if rates is None:
        raise Conflict("saving.approval_no_evidence", {})
    if not meets(rates.level_met, record.level):
        raise Conflict(
            "saving.approval_evidence_short",
            {
                "check": rates.check_id,
                "itself": f"{rates.itself_pct:.1f}",
                "comprehensive": f"{rates.comprehensive_pct:.1f}",
            },
        )


# Records that count as the registry's energy levels: under notice or published.
COUNTED_STATUSES = ("notice", "approved", "published")


def backed_area(session: Session) -> dict:
    """How much of the registered ultra-low, nearly-zero and zero-energy area is backed by a
    saving-rate check that meets its level: {records, area_m2, backed_records, backed_area_m2}.
    """
    rows = session.exec(
        select(Record, CheckSavingRate.level_met)
        .join(RecordSavingEvidence, RecordSavingEvidence.record_id == Record.id, isouter=True)
        .join(
            CheckSavingRate,
            CheckSavingRate.check_id == RecordSavingEvidence.check_id,
            isouter=True,
        )
        .where(
            Record.kind == "energy",
            Record.level.in_(BACKED_LEVELS),
            Record.status.in_(COUNTED_STATUSES),
        )
    ).all()
    backed = [r for r, met in rows if met is not None and meets(met, r.level)]
    return {
        "records": len(rows),
        "area_m2": sum(r.counted_area_m2 for r, _met in rows),
        "backed_records": len(backed),
        "backed_area_m2": sum(r.counted_area_m2 for r in backed),
    }
