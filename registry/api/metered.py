"""Measured energy over the API: a building's years (and entering one), the platform import,
and the city's quota list for a year."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from registry.api.common import (
    actor,
    documented,
    json_body,
    register_schema,
    text_value,
    token_required,
)
from registry.domain import dates
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import render
from registry.services.metered import quota_list as quota_list_service
from registry.services.metered import verdicts, years
from registry.services.metered.imports import commit_meter_import, preview_meter_import

bp = Blueprint("api_metered", __name__, url_prefix="/api/v1")

register_schema(
    "MeteredYears",
    {
        "type": "array",
        "description": "A building's current measured years, newest first: the values, the "
        "verdict (indicators with value, unit, band, margins, corrections, row key and version; "
        "or the reason there is none), the split method and notes, and every version.",
        "items": {"type": "object"},
    },
)
register_schema(
    "MeteredYearEntry",
    {
        "type": "object",
        "required": ["year"],
        "description": "Annual values (electricity_kwh, natural_gas_m3, district_heat_gj, "
        "oil_kg, lpg_kg, coal_kg, other_kgce, pv_generation_kwh, excluded_electricity_kwh, "
        "excluded_natural_gas_m3, heated_area_m2, operating_hours, occupants, "
        "excluded_area_m2) or `months` {1..12: values}; source platform|bill|audit; "
        "change_reason for a correction.",
        "properties": {
            "year": {"type": "integer"},
            "months": {"type": "object"},
            "source": {"type": "string", "enum": ["platform", "bill", "audit"]},
            "change_reason": {"type": "string"},
        },
    },
)
register_schema(
    "MeterImportReport",
    {
        "type": "object",
        "description": "counts (rows, accepted, rejected, years, incomplete_years), rejected rows "
        "with their problems by field, the building-years stored (or that would be), batch_id.",
    },
)
register_schema(
    "QuotaList",
    {
        "type": "object",
        "description": "entries (building id, name, district, type, indicators with values, "
        "units and bands, the worst band, margin_pct to the constraint value, action), "
        "over-constraint first; summary: count and area per band, by district and by type.",
    },
)


@bp.get("/buildings/<int:building_id>/metered")
@documented(response="MeteredYears", errors=(404,))
@token_required
def building_years(building_id: int):
    """A building's measured years with their verdicts and versions."""
    return jsonify(
        verdicts.building_years(
            session=get_session(), building_id=building_id, locale=request_locale()
        )
    )


@bp.post("/buildings/<int:building_id>/metered")
@documented(
    request_body="MeteredYearEntry", response="MeteredYears", status=201, errors=(403, 404, 422)
)
@token_required
def enter_year(building_id: int):
    """Enter (or correct, as a new version) one measured year of a building."""
    body = json_body()
    session = get_session()
    years.enter_year(
        session=session,
        actor=actor(),
        building_id=building_id,
        year=body.get("year"),
        values=body,
        months=body.get("months") or None,
        source=text_value(body, "source") or "platform",
        exclusions_note=text_value(body, "exclusions_note"),
        change_reason=text_value(body, "change_reason") or None,
    )
    found = verdicts.building_years(
        session=session, building_id=building_id, locale=request_locale()
    )
    return jsonify(found), 201


@bp.post("/metered/imports")
@documented(
    request_body="ImportUpload",
    request_media_type="multipart/form-data",
    response="MeterImportReport",
    query=(
        (
            "dry_run",
            {"type": "integer", "enum": [0, 1], "default": 0},
            "1: only report what each row would become; nothing is stored.",
        ),
    ),
    errors=(400, 403, 422),
)
@token_required
def import_meters():
    """Import the monitoring platform's export (CSV/XLSX, multipart field `file`)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": ("field.required", {})})
    data, locale, session = upload.read(), request_locale(), get_session()
    if request.args.get("dry_run") in ("1", "true", "yes"):
        result = preview_meter_import(
            session=session, actor=actor(), data=data, filename=upload.filename, locale=locale
        )
        return jsonify({**result.as_dict(), "dry_run": True, "batch_id": None})
    result, batch_id = commit_meter_import(
        session=session, actor=actor(), data=data, filename=upload.filename, locale=locale
    )
    message = render(
        "metered.import.committed" if batch_id else "metered.import.nothing",
        {"years": len(result.years), "rejected": result.rejected_count},
        locale,
    )
    return jsonify({**result.as_dict(), "dry_run": False, "batch_id": batch_id, "message": message})


@bp.get("/quota-list")
@documented(
    response="QuotaList",
    query=(
        (
            "year",
            {"type": "integer", "minimum": 2000, "maximum": 2100},
            "Year of the data; last year (Beijing time) when absent, as on the page.",
        ),
        ("district", {"type": "string"}, "District code."),
        ("building_type", {"type": "string"}, "Building type code."),
        ("band", {"type": "string"}, "Band code, e.g. gt_constraint."),
    ),
    errors=(422,),
)
@token_required
def quota_list():
    """The city's quota list (能耗限额管理) for a year."""
    year = request.args.get("year") or str(dates.today().year - 1)
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        raise ValidationFailed({"year": ("metered.import.year_invalid", {"value": year})})
    return jsonify(
        quota_list_service.quota_list(
            session=get_session(),
            year=int(year),
            district=request.args.get("district") or None,
            building_type=request.args.get("building_type") or None,
            band=request.args.get("band") or None,
            locale=request_locale(),
        )
    )
