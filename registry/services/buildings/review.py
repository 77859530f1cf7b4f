"""The review steps: submit, approve (a label or an energy level enters its public notice),
publish, reject and revoke. Each claims the record (`claims.claim`), decides on the locked
row, then audits and recounts the tally in the same transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain import settings as setting_keys
from registry.domain.buildings import records as rules
from registry.domain.notice.calendar import NoticePeriod, publish_problem
from registry.errors import Conflict, ValidationFailed
from registry.models import Building, NoticeObjection, Record, User, utcnow
from registry.services import permissions
from registry.services import settings as settings_service
from registry.services.audit import changed, record_event, snapshot
from registry.services.buildings.claims import bad_transition, building_of, claim, get_record
from registry.services.notice import calendar as notice_calendar
from registry.services.saving import evidence as saving_evidence
from registry.services.tally import index as tally_index

# The review columns a transition may move, snapshot before and after for the history.
REVIEW_COLUMNS = (
    "status",
    "submitted_by_id",
    "approved_on",
    "approved_by_id",
    "notice_start_on",
    "notice_end_on",
    "published_on",
    "rejected_reason",
    "revoked_on",
    "revoke_reason",
)


def _move(session, actor, record, action, decide, *, reason=None, commit=True) -> Record:
    """Take `record` through `action`: claim it, let `decide(record)` check the locked row
    and name the columns to set, then audit and recount in the same transaction."""
    if reason and len(reason) > rules.REASON_MAX_CHARS:
        raise ValidationFailed({"reason": ("field.too_long", {"max": rules.REASON_MAX_CHARS})})
    allowed_from, _ = rules.TRANSITIONS[action]
    if record.status not in allowed_from:
        raise bad_transition(record.status, action)
    claim(session, record, allowed_from)
    # The building too (PostgreSQL's row lock; SQLite's write lock is already held): an edit
    # of its frozen facts and this step then happen one after the other, never across.
    session.execute(select(Building.id).where(Building.id == record.building_id).with_for_update())
    try:
        if record.status not in allowed_from:  # pragma: no cover - the claim's WHERE holds it
            raise bad_transition(record.status, action)
        extra = decide(record)
        new_status = rules.transition(record.status, action, record.kind)
    except Exception:
        session.rollback()
        raise
    before = snapshot(record, REVIEW_COLUMNS)
    record.status = new_status
    for key, value in extra.items():
        setattr(record, key, value)
    session.add(record)
    old, new = changed(before, snapshot(record, REVIEW_COLUMNS))
    record_event(
        session=session,
        actor=actor,
        entity="record",
        entity_id=record.id,
        building_id=record.building_id,
        action=action,
        before=old,
        after=new,
        reason=reason,
    )
    tally_index.refresh(session, [record.building_id])
    if commit:
        session.commit()
    return record


def _reviewed(session: Session, actor: User, record_id: int) -> Record:
    record = get_record(session=session, record_id=record_id)
    permissions.require_review(actor, building_of(session, record.building_id))
    return record


def submit_record(*, session: Session, actor: User, record_id: int) -> Record:
    record = get_record(session=session, record_id=record_id)
    permissions.require_edit_building(actor, building_of(session, record.building_id))
    return _move(
        session,
        actor,
        record,
        "submit",
        lambda _r: {"submitted_at": utcnow(), "submitted_by_id": actor.id},
    )


def _review_date(on: date | None, field: str = "date") -> date:
    day = on or dates.today()
    if day > dates.today():
        raise ValidationFailed({field: ("record.date_in_future", {"date": day.isoformat()})})
    return day


def approve_record(
    *, session: Session, actor: User, record_id: int, on: date | None = None
) -> Record:
    """Pass review on `on` (today by default): a retrofit record is approved; a label or an
    energy level enters its public notice, counted in working days from that date."""
    record = _reviewed(session, actor, record_id)
    maker_checker = settings_service.get_value(session=session, key=setting_keys.MAKER_CHECKER)

    needs_evidence = settings_service.get_value(
        session=session, key=setting_keys.SAVING_EVIDENCE_REQUIRED
    )

    def decide(row: Record) -> dict:
        permissions.require_second_person(actor, row, enforced=maker_checker)
        if needs_evidence:
            saving_evidence.require_evidence(session, row)
        approved_on = _review_date(on)
        extra = {"approved_on": approved_on, "approved_by_id": actor.id, "rejected_reason": None}
        if row.kind in rules.NOTICE_KINDS:
            days = settings_service.get_value(session=session, key=setting_keys.NOTICE_WORKING_DAYS)
            period = notice_calendar.notice_period(
                session=session, posted_on=approved_on, working_days=days
            )
            extra.update(notice_start_on=period.start, notice_end_on=period.end)
        return extra

    return _move(session, actor, record, "approve", decide)


def open_objections(session: Session, record_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(NoticeObjection)
        .where(NoticeObjection.record_id == record_id, NoticeObjection.status == "open")
    ).one()


def publish_record(
    *, session: Session, actor: User, record_id: int, on: date | None = None
) -> Record:
    """Publish (公布) a label or energy level whose notice ended without an open objection;
    it counts toward the targets from `on` (today by default)."""
    record = _reviewed(session, actor, record_id)

    def decide(row: Record) -> dict:
        published_on = on or dates.today()
        period = NoticePeriod(row.notice_start_on, row.notice_end_on)
        problem = publish_problem(period, published_on, dates.today())
        if problem:
            raise ValidationFailed({"date": problem})
        count = open_objections(session, row.id)
        if count:
            raise Conflict("notice.open_objections", {"count": count})
        return {"published_on": published_on}

    return _move(session, actor, record, "publish", decide)


def reject_record(
    *, session: Session, actor: User, record_id: int, reason: str, commit: bool = True
) -> Record:
    """Send a record back, from review or from its notice (an objection upheld); whatever
    its approval had set is cleared, so a rejected record never carries an approver."""
    record = _reviewed(session, actor, record_id)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ("record.reason_required", {})})
    reason = reason.strip()
    return _move(
        session,
        actor,
        record,
        "reject",
        lambda _r: {
            "rejected_reason": reason[: rules.REASON_MAX_CHARS],
            "approved_on": None,
            "approved_by_id": None,
            "notice_start_on": None,
            "notice_end_on": None,
        },
        reason=reason,
        commit=commit,
    )


def revoke_record(
    *, session: Session, actor: User, record_id: int, reason: str, on: date
) -> Record:
    """Revoke an approved or published record from `on`; its area leaves every tally from
    that date."""
    record = _reviewed(session, actor, record_id)
    if not (reason or "").strip():
        problems = {"reason": ("record.reason_required", {})}
        if on is None:
            problems["date"] = ("field.required", {})
        raise ValidationFailed(problems)
    if on is None:
        raise ValidationFailed({"date": ("field.required", {})})
    reason = reason.strip()

    def decide(row: Record) -> dict:
        effective = row.published_on or row.issued_on or row.started_on or row.approved_on
        if effective and on < effective:
            raise ValidationFailed(
                {
                    "date": (
                        "record.revoked_before_issue",
                        {"date": on.isoformat(), "issued": effective.isoformat()},
                    )
                }
            )
        _review_date(on)
        return {"revoked_on": on, "revoke_reason": reason[: rules.REASON_MAX_CHARS]}

    return _move(session, actor, record, "revoke", decide, reason=reason)
