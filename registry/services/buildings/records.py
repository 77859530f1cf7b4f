"""Record and programme records through their life: draft → submitted → (notice →
published | approved) / rejected → revoked, with corrections as audited events.

This module adds and edits records; the review steps live in `review` and are offered here
too, so callers have one service to call. Every change first claims the record
(`claims.claim`), so two people acting at once never both succeed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.domain import dates
from registry.domain.buildings import records as rules
from registry.errors import Conflict, ValidationFailed
from registry.models import Building, Record, User, utcnow
from registry.services import permissions
from registry.services.audit import changed, record_event, snapshot
from registry.services.buildings.claims import bad_transition, building_of, claim, get_record
from registry.services.buildings.review import (  # noqa: F401  (one service for callers)
    approve_record,
    open_objections,
    publish_record,
    reject_record,
    revoke_record,
    submit_record,
)
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


def _checked_fields(raw: dict, building: Building, today: date) -> dict[str, Any]:
    record, problems = rules.parse_record_input(raw)
    if record is not None:
        for field, problem in rules.record_problems(
            record, building_floor_area_m2=building.floor_area_m2, today=today
        ).items():
            problems.setdefault(field, problem)
    if problems:
        raise ValidationFailed(problems)
    return stored_fields(record, raw.get("notes"), building.floor_area_m2)


def stored_fields(record, notes, floor_area_m2: float) -> dict[str, Any]:
    """The fields a record that passed `_checked_fields`' checks is stored with: its
    `RecordInput` values (`record` may be anything with those attributes), its notes cut to
    length, no label on a retrofit, the building's floor area counted unless it says less."""
    fields = {f: getattr(record, f) for f in EDITABLE_FIELDS if f != "notes"}
    fields["notes"] = str(notes or "")[: rules.NOTES_MAX_CHARS]
    if fields["kind"] == rules.RETROFIT:
        fields["label_number"] = fields["label_number"] or None
    if fields["counted_area_m2"] is None:
        fields["counted_area_m2"] = floor_area_m2
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
    building = building_of(session, building_id)
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
    building = building_of(session, record.building_id)
    permissions.require_edit_building(actor, building)
    if "edit" not in rules.actions_from(record.status):
        raise Conflict("record.not_editable")
    claim(session, record, rules.EDITS["edit"])
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
    building = building_of(session, record.building_id)
    permissions.require_review(actor, building)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ("record.reason_required", {})})
    if len(reason.strip()) > rules.REASON_MAX_CHARS:
        raise ValidationFailed({"reason": ("field.too_long", {"max": rules.REASON_MAX_CHARS})})
    if "correct" not in rules.actions_from(record.status):
        raise bad_transition(record.status, "correct")
    claim(session, record, rules.EDITS["correct"])
    return _apply_changes(
        session, actor, record, building, data, today, action="correct", reason=reason.strip()
    )


def _apply_changes(session, actor, record, building, data, today, *, action, reason=None):
    try:
        merged = {f: getattr(record, f) for f in EDITABLE_FIELDS}
        merged.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
        fields = _checked_fields(merged, building, today or dates.today())
        _label_taken(session, fields["label_number"], record.id)
    except Exception:
        session.rollback()
        raise
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
