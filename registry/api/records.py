"""Record and programme records over JSON: add, edit drafts, and move them through review."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from registry.api.common import (
    actor,
    created,
    date_value,
    documented,
    dump,
    json_body,
    register_schema,
    text_value,
    token_required,
)
from registry.extensions import get_session
from registry.models import NoticeObjectionPublic, RecordBase, RecordPublic
from registry.services import permissions
from registry.services.buildings import records as record_service
from registry.services.buildings.registration import get_building
from registry.services.notice import objections as objection_service

bp = Blueprint("api_records", __name__, url_prefix="/api/v1")

register_schema(
    "RecordCreate",
    RecordBase,
    required=["kind", "level"],
    description="Levels and stages may be codes or Chinese names. counted_area_m2 defaults "
    "to the building's floor area. label_number is unique across the registry (409 if taken).",
)
register_schema(
    "RecordUpdate",
    RecordBase,
    required=None,
    description="Only the fields present change; the record is checked as a whole.",
)
_REASON = {"type": "string", "minLength": 1, "maxLength": 1000}
# null, like an absent date, means today (Beijing time).
_DATE = {"type": ["string", "null"], "format": "date"}
register_schema(
    "ApproveRequest",
    {
        "type": "object",
        "properties": {"date": _DATE},
        "description": "Review date; today (Beijing time) when absent. The body may be empty. "
        "A label or an energy level enters its public notice from this date (working days); "
        "a retrofit record is approved. Refused (403) to whoever drafted or submitted the "
        "record while maker-checker is on.",
    },
)
register_schema(
    "PublishRequest",
    {
        "type": "object",
        "properties": {"date": _DATE},
        "description": "Publication date, after the notice's last day; today when "
        "absent. Refused (409) while an objection is open.",
    },
)
register_schema("NoticeObjectionPublic", NoticeObjectionPublic)
register_schema(
    "ObjectionResolution",
    {
        "type": "object",
        "required": ["outcome", "note"],
        "properties": {
            "outcome": {"type": "string", "enum": ["dismissed", "upheld"]},
            "note": _REASON,
        },
        "description": "upheld sends the record back (rejected, with the note as reason).",
    },
)
register_schema(
    "ReasonRequest",
    {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": _REASON},
    },
)
register_schema(
    "RevokeRequest",
    {
        "type": "object",
        "required": ["reason", "date"],
        "properties": {"reason": _REASON, "date": _DATE},
        "description": "The record leaves every tally from `date` (not before its issue date).",
    },
)
register_schema(
    "CorrectionRequest",
    {
        "type": "object",
        "required": ["reason"],
        "allOf": [{"$ref": "#/components/schemas/RecordUpdate"}],
        "properties": {"reason": _REASON},
        "description": "Corrects an approved record: the fields to change, and why.",
    },
)

_ACTION_ERRORS = (400, 403, 404, 409, 422)


def _record_response(record):
    return jsonify(dump(RecordPublic, record))


@bp.post("/buildings/<int:building_id>/records")
@documented(
    request_body="RecordCreate",
    response="RecordPublic",
    status=201,
    errors=(400, 403, 404, 409, 422),
)
@token_required
def add_record(building_id: int):
    """Add a draft record to a building."""
    session = get_session()
    # The building is in the path, so a missing one is a 404 rather than a field error.
    get_building(session=session, building_id=building_id)
    record = record_service.add_record(
        session=session, actor=actor(), building_id=building_id, data=json_body()
    )
    return created(dump(RecordPublic, record), url_for(".show_record", record_id=record.id))


@bp.get("/records/<int:record_id>")
@documented(response="RecordPublic", errors=(404,))
@token_required
def show_record(record_id: int):
    """Show one record."""
    return _record_response(record_service.get_record(session=get_session(), record_id=record_id))


@bp.patch("/records/<int:record_id>")
@documented(request_body="RecordUpdate", response="RecordPublic", errors=(400, 403, 404, 409, 422))
@token_required
def update_record(record_id: int):
    """Edit a record that is not yet approved."""
    record = record_service.update_draft(
        session=get_session(), actor=actor(), record_id=record_id, data=json_body()
    )
    return _record_response(record)


@bp.post("/records/<int:record_id>/submit")
@documented(response="RecordPublic", errors=_ACTION_ERRORS)
@token_required
def submit(record_id: int):
    """Submit a draft or rejected record for review."""
    record = record_service.submit_record(session=get_session(), actor=actor(), record_id=record_id)
    return _record_response(record)


@bp.post("/records/<int:record_id>/approve")
@documented(
    request_body="ApproveRequest",
    body_optional=True,
    response="RecordPublic",
    errors=_ACTION_ERRORS,
)
@token_required
def approve(record_id: int):
    """Pass a submitted record's review (officers of its district, admins; not whoever
    drafted or submitted it): a label or an energy level enters its public notice."""
    body = json_body(optional=True)
    record = record_service.approve_record(
        session=get_session(), actor=actor(), record_id=record_id, on=date_value(body, "date")
    )
    return _record_response(record)


@bp.post("/records/<int:record_id>/publish")
@documented(request_body="PublishRequest", response="RecordPublic", errors=_ACTION_ERRORS)
@token_required
def publish(record_id: int):
    """Publish a label or an energy level whose public notice ended without open objection."""
    body = json_body(optional=True)
    record = record_service.publish_record(
        session=get_session(), actor=actor(), record_id=record_id, on=date_value(body, "date")
    )
    return _record_response(record)


@bp.get("/records/<int:record_id>/objections")
@documented(response=["NoticeObjectionPublic"], errors=(403, 404))
@token_required
def objections(record_id: int):
    """The objections lodged during the record's public notice (its reviewers)."""
    session = get_session()
    record = record_service.get_record(session=session, record_id=record_id)
    permissions.require_review(
        actor(), get_building(session=session, building_id=record.building_id)
    )
    rows = objection_service.for_records(session=session, record_ids=[record_id]).get(record_id, [])
    return jsonify([dump(NoticeObjectionPublic, row) for row in rows])


@bp.post("/objections/<int:objection_id>/resolve")
@documented(
    request_body="ObjectionResolution", response="NoticeObjectionPublic", errors=_ACTION_ERRORS
)
@token_required
def resolve_objection(objection_id: int):
    """Dismiss or uphold an objection (the record's reviewers)."""
    body = json_body()
    row = objection_service.resolve(
        session=get_session(),
        actor=actor(),
        objection_id=objection_id,
        outcome=str(body.get("outcome") or ""),
        note=str(body.get("note") or ""),
    )
    return jsonify(dump(NoticeObjectionPublic, row))


@bp.post("/records/<int:record_id>/reject")
@documented(request_body="ReasonRequest", response="RecordPublic", errors=_ACTION_ERRORS)
@token_required
def reject(record_id: int):
    """Send a submitted record back with a reason."""
    body = json_body()
    record = record_service.reject_record(
        session=get_session(),
        actor=actor(),
        record_id=record_id,
        reason=text_value(body, "reason"),
    )
    return _record_response(record)


@bp.post("/records/<int:record_id>/revoke")
@documented(request_body="RevokeRequest", response="RecordPublic", errors=_ACTION_ERRORS)
@token_required
def revoke(record_id: int):
    """Revoke an approved record from a date, with a reason."""
    body = json_body()
    record = record_service.revoke_record(
        session=get_session(),
        actor=actor(),
        record_id=record_id,
        reason=text_value(body, "reason"),
        on=date_value(body, "date"),
    )
    return _record_response(record)


@bp.post("/records/<int:record_id>/correct")
@documented(request_body="CorrectionRequest", response="RecordPublic", errors=_ACTION_ERRORS)
@token_required
def correct(record_id: int):
    """Correct an approved record; the reason is kept in its history."""
    body = json_body()
    changes = {key: value for key, value in body.items() if key != "reason"}
    record = record_service.correct_record(
        session=get_session(),
        actor=actor(),
        record_id=record_id,
        data=changes,
        reason=text_value(body, "reason"),
    )
    return _record_response(record)
