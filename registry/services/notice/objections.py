"""Objections to a record under public notice: lodged by anyone, resolved by its reviewers.

An open objection holds publication back (`review.publish_record`); an upheld one sends the
record back (rejected, with the resolution as the reason) in the same transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings.records import REASON_MAX_CHARS
from registry.domain.notice.objections import OBJECTION_STATUSES, OUTCOMES  # noqa: F401
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import NoticeObjection, Record, User, utcnow
from registry.models.notice import CONTACT_MAX_CHARS
from registry.services import permissions
from registry.services.audit import record_event
from registry.services.buildings import review
from registry.services.buildings.claims import building_of


def _text(value, limit: int, field: str, problems: dict) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        problems[field] = ("field.required", {})
    elif len(text) > limit:
        problems[field] = ("field.too_long", {"max": limit})
    elif any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in text):
        problems[field] = ("field.control_characters", {})
    return text


def lodge(
    *, session: Session, record_id: int, reason: str, contact: str, today: date | None = None
) -> NoticeObjection:
    """Lodge an objection (anyone, no account) against a record during its notice."""
    today = today or dates.today()
    problems: dict[str, tuple[str, dict]] = {}
    reason = _text(reason, REASON_MAX_CHARS, "reason", problems)
    contact = _text(contact, CONTACT_MAX_CHARS, "contact", problems)
    if problems:
        raise ValidationFailed(problems)
    # Held like a review step, so an objection and a publication never pass each other.
    held = session.execute(
        update(Record)
        .where(
            Record.id == record_id,
            Record.status == "notice",
            Record.approved_on <= today,
            Record.notice_end_on >= today,
        )
        .values(status=Record.status)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        session.rollback()
        raise Conflict("objection.not_under_notice")
    record = session.get(Record, record_id)
    objection = NoticeObjection(record_id=record_id, reason=reason, contact=contact)
    session.add(objection)
    session.flush()
    record_event(
        session=session,
        actor=None,
        actor_name="public",
        entity="objection",
        entity_id=objection.id,
        building_id=record.building_id,
        action="lodge",
        after={"record_id": record_id, "reason": reason},
    )
    session.commit()
    return objection


def for_records(*, session: Session, record_ids: list[int]) -> dict[int, list[NoticeObjection]]:
    found: dict[int, list[NoticeObjection]] = {}
    if record_ids:
        query = (
            select(NoticeObjection)
            .where(NoticeObjection.record_id.in_(record_ids))
            .order_by(NoticeObjection.id)
        )
        for row in session.exec(query):
            found.setdefault(row.record_id, []).append(row)
    return found


def resolve(
    *, session: Session, actor: User, objection_id: int, outcome: str, note: str
) -> NoticeObjection:
    """Resolve an open objection (the record's reviewers): dismissed, or upheld, which
    rejects the record with `note` as the reason. Audited; a second resolution gets a 409."""
    objection = session.get(NoticeObjection, objection_id)
    if objection is None:
        raise NotFound("objection.not_found", {"id": objection_id})
    record = session.get(Record, objection.record_id)
    permissions.require_review(actor, building_of(session, record.building_id))
    problems: dict[str, tuple[str, dict]] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = ("objection.outcome_unknown", {})
    note = _text(note, REASON_MAX_CHARS, "note", problems)
    if problems:
        raise ValidationFailed(problems)
    now = utcnow()
    taken = session.execute(
        update(NoticeObjection)
        .where(NoticeObjection.id == objection_id, NoticeObjection.status == "open")
        .values(status=outcome, resolution=note, resolved_at=now, resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        session.rollback()
        raise Conflict("objection.already_resolved")
    if outcome == "upheld" and record.status == "notice":
        review.reject_record(
            session=session, actor=actor, record_id=record.id, reason=note, commit=False
        )
    record_event(
        session=session,
        actor=actor,
        entity="objection",
        entity_id=objection_id,
        building_id=record.building_id,
        action=outcome,
        before={"status": "open"},
        after={"status": outcome, "resolution": note},
        reason=note,
    )
    session.commit()
    session.refresh(objection)
    return objection
