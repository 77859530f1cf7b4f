"""Record and programme records through their life: draft → submitted → approved /
rejected → revoked, with corrections as audited events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings import records as rules
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Building, Record, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot
from registry.services.tally import index as tally_index

EDITABLE_FIELDS = (
    "kind",
    "level",
    "stage",
    "label_number",
    "issued_on",
    "started_on",
    "completed_on",
    "counted_area_m2",
    "notes",
)


def get_record(*, session: Session, record_id: int) -> Record:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("record.not_found", {"id": record_id})
    return record


def _building(session: Session, building_id: int) -> Building:
    building = session.get(Building, building_id)
    if building is None:
        raise ValidationFailed({"building_id": ("building.not_found", {"id": building_id})})
    return building


def _checked_fields(raw: dict, building: Building, today: date) -> dict[str, Any]:
    record, problems = rules.parse_record_input(raw)
    if record is not None:
        for field, problem in rules.record_problems(
            record, building_floor_area_m2=building.floor_area_m2, today=today
        ).items():
            problems.setdefault(field, problem)
    if problems:
        raise ValidationFailed(problems)
    fields = {f: getattr(record, f) for f in EDITABLE_FIELDS if f != "notes"}
    fields["notes"] = str(raw.get("notes") or "")[: rules.NOTES_MAX_CHARS]
    if fields["kind"] == rules.RETROFIT:
        fields["label_number"] = fields["label_number"] or None
    if fields["counted_area_m2"] is None:
        fields["counted_area_m2"] = building.floor_area_m2
    return fields


def _label_taken(session: Session, label: str | None, exclude_id: int | None) -> None:
    if not label:
        return
    query = select(Record.id).where(Record.label_number == label)
    if exclude_id:
        query = query.where(Record.id != exclude_id)
    other = session.exec(query).first()
    if other is not None:
        raise Conflict(
            "record.label_number_taken",
            {"label_number": label, "other_id": other},
            field_errors={
                "label_number": (
                    "record.label_number_taken",
                    {"label_number": label, "other_id": other},
                )
            },
        )


def _flush_unique(session: Session, label: str | None) -> None:
    """Flush, turning a lost race on the label number's unique index into a clear message."""
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        if label:
            other = session.exec(select(Record.id).where(Record.label_number == label)).first()
            if other is not None:
                raise Conflict(
                    "record.label_number_taken",
                    {"label_number": label, "other_id": other},
                    field_errors={
                        "label_number": (
                            "record.label_number_taken",
                            {"label_number": label, "other_id": other},
                        )
                    },
                ) from exc
        raise


def add_record(
    *,
    session: Session,
    actor: User,
    building_id: int,
    data: dict[str, Any],
    today: date | None = None,
    import_id: int | None = None,
    commit: bool = True,
) -> Record:
    """Attach a draft record to a building."""
    building = _building(session, building_id)
    permissions.require_writer(actor)
    permissions.require_edit_building(actor, building)
    fields = _checked_fields(data, building, today or dates.today())
    _label_taken(session, fields["label_number"], None)
    record = Record(**fields, building_id=building.id, created_by_id=actor.id, import_id=import_id)
    session.add(record)
    _flush_unique(session, fields["label_number"])
    record_event(
        session=session,
        actor=actor,
        entity="record",
        entity_id=record.id,
        building_id=building.id,
        action="create",
        after=snapshot(record),
        import_id=import_id,
    )
    if commit:
        session.commit()
    return record


def update_draft(
    *,
    session: Session,
    actor: User,
    record_id: int,
    data: dict[str, Any],
    today: date | None = None,
) -> Record:
    """Edit a record that is not yet approved (draft, submitted or rejected)."""
    record = get_record(session=session, record_id=record_id)
    building = _building(session, record.building_id)
    permissions.require_edit_building(actor, building)
    if "edit" not in rules.actions_from(record.status):
        raise Conflict("record.not_editable")
    return _apply_changes(session, actor, record, building, data, today, action="update")


def correct_record(
    *,
    session: Session,
    actor: User,
    record_id: int,
    data: dict[str, Any],
    reason: str,
    today: date | None = None,
) -> Record:
    """Correct an approved record: a reviewer's audited event with a reason, never a silent edit."""
    record = get_record(session=session, record_id=record_id)
    building = _building(session, record.building_id)
    permissions.require_review(actor, building)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ("record.reason_required", {})})
    if len(reason.strip()) > rules.REASON_MAX_CHARS:
        raise ValidationFailed({"reason": ("field.too_long", {"max": rules.REASON_MAX_CHARS})})
    if "correct" not in rules.actions_from(record.status):
        raise Conflict("record.bad_transition", {"status": record.status, "action": "correct"})
    return _apply_changes(
        session, actor, record, building, data, today, action="correct", reason=reason.strip()
    )


def _apply_changes(session, actor, record, building, data, today, *, action, reason=None):
    merged = {f: getattr(record, f) for f in EDITABLE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    fields = _checked_fields(merged, building, today or dates.today())
    _label_taken(session, fields["label_number"], record.id)
    before = snapshot(record)
    for key, value in fields.items():
        setattr(record, key, value)
    record.updated_at = utcnow()
    old, new = changed(before, snapshot(record))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if not new:
        session.rollback()
        return record
    session.add(record)
    _flush_unique(session, fields["label_number"])
    record_event(
        session=session,
        actor=actor,
        entity="record",
        entity_id=record.id,
        building_id=building.id,
        action=action,
        before=old,
        after=new,
        reason=reason,
    )
    tally_index.refresh(session, [building.id])
    session.commit()
    return record


def _transition(session, actor, record, action, *, reason=None, extra=None):
    if reason and len(reason) > rules.REASON_MAX_CHARS:
        raise ValidationFailed({"reason": ("field.too_long", {"max": rules.REASON_MAX_CHARS})})
    try:
        new_status = rules.transition(record.status, action)
    except ValueError:
        raise Conflict(
            "record.bad_transition", {"status": record.status, "action": action}
        ) from None
    before = snapshot(
        record, ("status", "approved_on", "rejected_reason", "revoked_on", "revoke_reason")
    )
    record.status = new_status
    for key, value in (extra or {}).items():
        setattr(record, key, value)
    record.updated_at = utcnow()
    session.add(record)
    after = snapshot(record, tuple(before))
    record_event(
        session=session,
        actor=actor,
        entity="record",
        entity_id=record.id,
        building_id=record.building_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
    tally_index.refresh(session, [record.building_id])
    session.commit()
    return record


def submit_record(*, session: Session, actor: User, record_id: int) -> Record:
    record = get_record(session=session, record_id=record_id)
    permissions.require_edit_building(actor, _building(session, record.building_id))
    return _transition(session, actor, record, "submit", extra={"submitted_at": utcnow()})


def approve_record(
    *, session: Session, actor: User, record_id: int, on: date | None = None
) -> Record:
    record = get_record(session=session, record_id=record_id)
    permissions.require_review(actor, _building(session, record.building_id))
    approved_on = on or dates.today()
    if approved_on > dates.today():
        raise ValidationFailed(
            {"date": ("record.date_in_future", {"date": approved_on.isoformat()})}
        )
    return _transition(
        session,
        actor,
        record,
        "approve",
        extra={"approved_on": approved_on, "approved_by_id": actor.id, "rejected_reason": None},
    )


def reject_record(*, session: Session, actor: User, record_id: int, reason: str) -> Record:
    record = get_record(session=session, record_id=record_id)
    permissions.require_review(actor, _building(session, record.building_id))
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ("record.reason_required", {})})
    return _transition(
        session,
        actor,
        record,
        "reject",
        reason=reason.strip(),
        extra={"rejected_reason": reason.strip()[: rules.REASON_MAX_CHARS]},
    )


def revoke_record(
    *, session: Session, actor: User, record_id: int, reason: str, on: date
) -> Record:
    """Revoke an approved record from `on`; its area leaves every tally from that date."""
    record = get_record(session=session, record_id=record_id)
    permissions.require_review(actor, _building(session, record.building_id))
    problems: dict[str, tuple[str, dict]] = {}
    if not (reason or "").strip():
        problems["reason"] = ("record.reason_required", {})
    if on is None:
        problems["date"] = ("field.required", {})
    else:
        effective = record.issued_on or record.started_on or record.approved_on
        if effective and on < effective:
            problems["date"] = (
                "record.revoked_before_issue",
                {"date": on.isoformat(), "issued": effective.isoformat()},
            )
        elif on > dates.today():
            problems["date"] = ("record.date_in_future", {"date": on.isoformat()})
    if problems:
        raise ValidationFailed(problems)
    return _transition(
        session,
        actor,
        record,
        "revoke",
        reason=reason.strip(),
        extra={"revoked_on": on, "revoke_reason": reason.strip()[: rules.REASON_MAX_CHARS]},
    )
