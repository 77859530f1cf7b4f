"""Parcels over JSON: list (with each parcel's status), record, show, link buildings, add
conditions, and the breach list."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from registry.api.common import (
    SCHEMAS,
    actor,
    created,
    documented,
    json_body,
    register_schema,
    token_required,
)
from registry.domain.buildings import districts
from registry.errors import ValidationFailed
from registry.extensions import get_session
from registry.services.parcels import compliance as compliance_service
from registry.services.parcels import parcels as parcel_service

bp = Blueprint("api_parcels", __name__, url_prefix="/api/v1")

_STATUS = {"type": "string", "enum": ["met", "pending", "breached"]}
_BUILDING_STATUS = {"type": "string", "enum": ["met", "pending", "short", "overdue", "revoked"]}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}

register_schema(
    "ParcelCondition",
    {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"type": "string", "enum": ["min_star", "min_ultra_low_m2", "min_prefab_pct"]},
            "value": {"type": ["number", "string", "null"]},
            "building_type": _TEXT_OR_NULL,
            "status": {
                "type": "string",
                "description": "verified, or unverified (stated, not yet verified)",
            },
            "clause": {"type": "string"},
            "document": {"type": "string"},
            "document_date": _TEXT_OR_NULL,
        },
    },
)
register_schema(
    "ParcelCreate",
    {
        "type": "object",
        "required": ["number", "district_code"],
        "properties": {
            "number": {"type": "string", "description": "The parcel number, in any written form."},
            "district_code": {"type": "string", "description": "District code or name."},
            "contract_number": {"type": "string"},
            "land_use": {"type": "string"},
            "site_area_m2": {"type": ["number", "string", "null"]},
            "sale_date": _TEXT_OR_NULL,
            "developer_name": {"type": "string"},
            "developer_credit_code": _TEXT_OR_NULL,
            "conditions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ParcelCondition"},
            },
        },
    },
)
register_schema(
    "ParcelLink",
    {
        "type": "object",
        "required": ["building_id"],
        "properties": {
            "building_id": {"type": "integer", "minimum": 1},
            "completed_on": {**_TEXT_OR_NULL, "description": "Completion date, YYYY-MM-DD."},
        },
    },
)
register_schema(
    "ParcelReport",
    {
        "type": "object",
        "required": ["number", "district_code", "status", "conditions", "buildings"],
        "properties": {
            "number": {"type": "string"},
            "id": {"type": "integer"},
            "district_code": {"type": "string"},
            "status": _STATUS,
            "site_area_m2": _NUMBER_OR_NULL,
            "floor_area_m2": {"type": "number"},
            "failing_area_m2": {"type": "number"},
            "weighted_shortfall_stars": {"type": "number"},
            "conditions": {"type": "array", "items": {"type": "object"}},
            "buildings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "status", "shortfall_stars"],
                    "properties": {
                        "id": {"type": "integer"},
                        "status": _BUILDING_STATUS,
                        "shortfall_stars": {"type": "integer"},
                        "required_stars": {"type": ["integer", "null"]},
                        "held_stars": {"type": ["integer", "null"]},
                        "deadline": _TEXT_OR_NULL,
                    },
                },
            },
        },
    },
)

LIST_QUERY = (
    ("district_code", {"type": "string"}, "District code or name."),
    ("status", _STATUS, "Only parcels in this status."),
)


def _district() -> str | None:
    value = request.args.get("district_code") or None
    if value is None:
        return None
    try:
        return districts.normalise_district(value).code
    except districts.UnknownDistrict:
        raise ValidationFailed({"district_code": ("district.unknown", {"value": value})}) from None


@bp.get("/parcels")
@documented(response=["ParcelReport"], query=LIST_QUERY, errors=(422,))
@token_required
def list_parcels():
    """List parcels with their status and their buildings'."""
    session = get_session()
    status = request.args.get("status")
    if status not in (None, "met", "pending", "breached"):
        raise ValidationFailed({"status": ("field.choice_unknown", {"value": status})})
    rows = parcel_service.list_parcels(session=session, district_code=_district())
    reports = compliance_service.evaluate(session=session, parcels=rows)
    return jsonify([r for r in reports if status is None or r["status"] == status])


@bp.post("/parcels")
@documented(
    request_body="ParcelCreate", response="ParcelReport", status=201, errors=(400, 403, 409, 422)
)
@token_required
def add_parcel():
    """Record a parcel and its conditions (officers of its district, admins)."""
    body = json_body()
    conditions = body.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, dict) for c in conditions):
        raise ValidationFailed({"conditions": ("field.choice_unknown", {"value": "conditions"})})
    session = get_session()
    parcel = parcel_service.add_parcel(
        session=session,
        actor=actor(),
        data={k: v for k, v in body.items() if k != "conditions"},
        conditions=conditions,
    )
    report = compliance_service.parcel_report(session=session, parcel=parcel)
    return created(report, url_for(".show_parcel", number=parcel.number))


@bp.get("/parcel-breaches")
@documented(response=["ParcelReport"], query=LIST_QUERY[:1], errors=(422,))
@token_required
def breaches():
    """The breach list: parcels whose buildings or area conditions fall short."""
    return jsonify(compliance_service.breaches(session=get_session(), district_code=_district()))


@bp.get("/parcels/<number>")
@documented(response="ParcelReport", errors=(404,))
@token_required
def show_parcel(number: str):
    """Show a parcel, its conditions and each building's status with its shortfall."""
    session = get_session()
    parcel = parcel_service.get_parcel(session=session, number=number)
    return jsonify(compliance_service.parcel_report(session=session, parcel=parcel))


@bp.post("/parcels/<number>/buildings")
@documented(request_body="ParcelLink", response="ParcelReport", errors=(400, 403, 404, 409, 422))
@token_required
def link_building(number: str):
    """Put a building on the parcel."""
    body = json_body()
    building_id = body.get("building_id")
    if isinstance(building_id, bool) or not isinstance(building_id, int) or building_id < 1:
        raise ValidationFailed(
            {"building_id": ("field.not_an_integer", {"value": str(building_id)})}
        )
    session = get_session()
    parcel_service.link_building(
        session=session,
        actor=actor(),
        number=number,
        building_id=building_id,
        completed_on=body.get("completed_on"),
    )
    parcel = parcel_service.get_parcel(session=session, number=number)
    return jsonify(compliance_service.parcel_report(session=session, parcel=parcel))


@bp.post("/parcels/<number>/conditions")
@documented(
    request_body="ParcelCondition", response="ParcelReport", status=201, errors=(400, 403, 404, 422)
)
@token_required
def add_condition(number: str):
    """Add a condition (its clause, document and status) to the parcel."""
    session = get_session()
    parcel_service.add_condition(session=session, actor=actor(), number=number, raw=json_body())
    parcel = parcel_service.get_parcel(session=session, number=number)
    report = compliance_service.parcel_report(session=session, parcel=parcel)
    return created(report, url_for(".show_parcel", number=parcel.number))


register_schema(
    "ParcelUpdate",
    {
        "type": "object",
        "properties": {
            key: value
            for key, value in SCHEMAS["ParcelCreate"]["properties"].items()
            if key not in {"number", "conditions"}
        },
        "description": "Only the fields present are checked and changed; the number stays.",
    },
)
register_schema(
    "ConditionVerification",
    {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["verified", "unverified"]},
            "value": {"type": ["number", "string", "null"]},
        },
    },
)


@bp.patch("/parcels/<number>")
@documented(request_body="ParcelUpdate", response="ParcelReport", errors=(400, 403, 404, 422))
@token_required
def update_parcel(number: str):
    """Change some of a parcel's fields (officers of its district, admins; audited)."""
    session = get_session()
    body = {k: v for k, v in json_body().items() if k not in {"number", "conditions"}}
    parcel = parcel_service.update_parcel(session=session, actor=actor(), number=number, data=body)
    return jsonify(compliance_service.parcel_report(session=session, parcel=parcel))


@bp.post("/parcels/<number>/conditions/<int:condition_id>/verify")
@documented(
    request_body="ConditionVerification",
    body_optional=True,
    response="ParcelReport",
    errors=(400, 403, 404, 422),
)
@token_required
def verify_condition(number: str, condition_id: int):
    """Record that a condition was verified (with its value if it was not known), or mark
    it unverified (待核实) again."""
    body = json_body(optional=True)
    status = body.get("status", "verified")
    if status not in ("verified", "unverified"):
        raise ValidationFailed({"status": ("field.choice_unknown", {"value": str(status)})})
    session = get_session()
    parcel_service.set_condition_status(
        session=session,
        actor=actor(),
        condition_id=condition_id,
        status=status,
        value=body.get("value"),
        number=number,
    )
    parcel = parcel_service.get_parcel(session=session, number=number)
    return jsonify(compliance_service.parcel_report(session=session, parcel=parcel))
