"""Buildings over JSON: list with filters, register, read, change, their records and history."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from registry.api.common import (
    PAGE_QUERY,
    actor,
    created,
    documented,
    dump,
    int_arg,
    json_body,
    page_args,
    page_body,
    register_schema,
    token_required,
)
from registry.domain.buildings import districts
from registry.domain.buildings.records import REASON_MAX_CHARS
from registry.errors import ValidationFailed
from registry.extensions import get_session
from registry.models import AuditEventPublic, BuildingBase, BuildingPublic, RecordPublic
from registry.services.audit import building_history
from registry.services.buildings import registration as building_service

bp = Blueprint("api_buildings", __name__, url_prefix="/api/v1")

register_schema("BuildingPublic", BuildingPublic)
register_schema("RecordPublic", RecordPublic)
register_schema("AuditEventPublic", AuditEventPublic)
register_schema(
    "BuildingCreate",
    BuildingBase,
    description='Numbers may also be strings ("12,000"); district_code takes a GB/T 2260 '
    "code, a legacy code or a district name. Every problem is reported at once.",
)
register_schema(
    "BuildingUpdate",
    BuildingBase,
    required=None,
    description="Only the fields present are checked and changed.",
)

_TEXT_FILTERS = ("q", "building_type", "kind", "level", "status")
LIST_QUERY = (
    ("q", {"type": "string"}, "Words in the name, address, owner or a label number."),
    ("district_code", {"type": "string"}, "District code or name."),
    ("building_type", {"type": "string"}, "Building type code."),
    ("kind", {"type": "string"}, "Has a record of this kind."),
    ("level", {"type": "string"}, "Has a record of this level."),
    ("status", {"type": "string"}, "Has a record in this status."),
    (
        "year",
        {
            "type": "integer",
            "minimum": building_service.FILTER_YEARS[0],
            "maximum": building_service.FILTER_YEARS[1],
        },
        "Has a record issued, started or completed this year.",
    ),
    ("created_by_id", {"type": "integer", "minimum": 1}, "Registered by this user."),
    *PAGE_QUERY,
)


def _filters() -> tuple[building_service.BuildingFilters, int, int]:
    problems: dict = {}
    values = {name: request.args.get(name) or None for name in _TEXT_FILTERS}
    district = request.args.get("district_code") or None
    if district is not None:
        try:
            district = districts.normalise_district(district).code
        except districts.UnknownDistrict:
            problems["district_code"] = ("district.unknown", {"value": district})
    low, high = building_service.FILTER_YEARS
    year = int_arg("year", problems, low=low, high=high)
    created_by_id = int_arg("created_by_id", problems, low=1)
    page, page_size = page_args(problems)
    if problems:
        raise ValidationFailed(problems)
    filters = building_service.BuildingFilters(
        **values, district_code=district, year=year, created_by_id=created_by_id
    )
    return filters, page, page_size


@bp.get("/buildings")
@documented(response="BuildingPublic", paginated=True, query=LIST_QUERY, errors=(422,))
@token_required
def list_buildings():
    """List buildings, newest first, filtered and paged."""
    filters, page, page_size = _filters()
    result = building_service.list_buildings(
        session=get_session(), filters=filters, page=page, page_size=page_size
    )
    return jsonify(page_body(BuildingPublic, result))


@bp.post("/buildings")
@documented(
    request_body="BuildingCreate", response="BuildingPublic", status=201, errors=(400, 403, 422)
)
@token_required
def register_building():
    """Register a building."""
    building = building_service.register_building(
        session=get_session(), actor=actor(), data=json_body()
    )
    return created(
        dump(BuildingPublic, building), url_for(".show_building", building_id=building.id)
    )


@bp.get("/buildings/<int:building_id>")
@documented(response="BuildingPublic", errors=(404,))
@token_required
def show_building(building_id: int):
    """Show one building."""
    building = building_service.get_building(session=get_session(), building_id=building_id)
    return jsonify(dump(BuildingPublic, building))


register_schema(
    "BuildingCorrection",
    {
        "type": "object",
        "required": ["reason"],
        "allOf": [{"$ref": "#/components/schemas/BuildingUpdate"}],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX_CHARS}},
        "description": "An officer's correction of a building whose record passed review: the "
        "fields to change (name, district, type, floor area, parcel among them), and why.",
    },
)


@bp.patch("/buildings/<int:building_id>")
@documented(
    request_body="BuildingUpdate", response="BuildingPublic", errors=(400, 403, 404, 409, 422)
)
@token_required
def update_building(building_id: int):
    """Change some fields of a building (audited). Once a record of it passed review, its
    name, district, type, floor area and parcel are frozen: 409 (see /correct)."""
    building = building_service.update_building(
        session=get_session(), actor=actor(), building_id=building_id, data=json_body()
    )
    return jsonify(dump(BuildingPublic, building))


@bp.post("/buildings/<int:building_id>/correct")
@documented(
    request_body="BuildingCorrection",
    response="BuildingPublic",
    errors=(400, 403, 404, 409, 422),
)
@token_required
def correct_building(building_id: int):
    """Correct a building's frozen facts with a reason (officers of its district, admins)."""
    body = json_body()
    reason = body.get("reason")
    # A correction is the audited path for frozen facts: it always says why.
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed({"reason": ("field.required", {})})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationFailed({"reason": ("field.too_long", {"max": REASON_MAX_CHARS})})
    building = building_service.update_building(
        session=get_session(),
        actor=actor(),
        building_id=building_id,
        data={key: value for key, value in body.items() if key != "reason"},
        reason=reason,
    )
    return jsonify(dump(BuildingPublic, building))


@bp.get("/buildings/<int:building_id>/records")
@documented(response=["RecordPublic"], errors=(404,))
@token_required
def building_records(building_id: int):
    """List a building's records, oldest first."""
    session = get_session()
    building_service.get_building(session=session, building_id=building_id)
    rows = building_service.records_of(session=session, building_id=building_id)
    return jsonify([dump(RecordPublic, row) for row in rows])


@bp.get("/buildings/<int:building_id>/history")
@documented(response=["AuditEventPublic"], errors=(404,))
@token_required
def history(building_id: int):
    """List every audited change to a building and its records, oldest first."""
    session = get_session()
    building_service.get_building(session=session, building_id=building_id)
    events = building_history(session=session, building_id=building_id)
    return jsonify([dump(AuditEventPublic, event) for event in events])
