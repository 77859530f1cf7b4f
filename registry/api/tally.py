"""The targets tally over the API: JSON, or the same numbers as CSV, XLSX or PDF."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from registry import reports
from registry.api.common import documented, register_schema, token_required
from registry.domain import dates
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.services.tally import tallies as tally_service

bp = Blueprint("api_tally", __name__, url_prefix="/api/v1")

register_schema(
    "Tally",
    {
        "type": "object",
        "description": "Per target: added, removed, period (net), cumulative, value, percent and "
        "projection (straight-line path, pace, met, met_on); by_year, by_district (all ten), "
        "by_building_type, prefab, nzeb, rows (every counted record), later_revocations and "
        "digest (sha256 of the counted rows).",
    },
)

_QUERY = (
    (
        "year",
        {"type": "integer", "minimum": 2000, "maximum": 2100},
        "Calendar year; the current year when absent.",
    ),
    ("district", {"type": "string"}, "District code or name (legacy names accepted)."),
    ("building_type", {"type": "string"}, "Building type code."),
    (
        "format",
        {"type": "string", "enum": ["json", "csv", "xlsx", "pdf"], "default": "json"},
        "Answer format.",
    ),
    (
        "table",
        {"type": "string", "enum": list(tally_service.TABLE_NAMES), "default": "summary"},
        "For CSV: which table.",
    ),
)


@bp.get("/tally")
@token_required
@documented(
    response={
        "content": {
            "application/json": "Tally",
            **{
                media_type.split(";")[0]: {"type": "string", "format": "binary"}
                for name, media_type in reports.EXPORT_FORMATS.items()
                if name != "json"
            },
        }
    },
    query=_QUERY,
    errors=(422,),
    headers={"Content-Disposition": "For csv, xlsx and pdf: the file's name."},
)
def tally():
    """The tally of every pilot target for a year, optionally one district or building type."""
    args = request.args
    fmt = args.get("format", "json")
    table = args.get("table", "summary")
    problems: dict[str, tuple[str, dict]] = {}
    if fmt not in reports.EXPORT_FORMATS:
        problems["format"] = ("tally.format_unknown", {"value": fmt})
    if table not in tally_service.TABLE_NAMES:
        problems["table"] = ("field.choice_unknown", {"value": table})
    try:
        filters = tally_service.parse_filters(
            year=args.get("year"),
            district=args.get("district"),
            building_type=args.get("building_type"),
        )
    except ValidationFailed as exc:
        problems.update(exc.field_errors)
    if problems:
        raise ValidationFailed(problems)
    result = tally_service.compute(
        session=get_session(),
        year=filters["year"] or tally_service.default_year(session=get_session()),
        district=filters["district"],
        building_type=filters["building_type"],
    )
    context = tally_service.context(
        result,
        generated_at=dates.now_utc(),
        locale=request_locale(),
        public_base_url=current_app.extensions["registry.config"].PUBLIC_BASE_URL,
    )
    if fmt == "json":
        return jsonify(context)
    filename = reports.tally_filename(context, fmt)
    return Response(
        reports.tally_export(context, fmt, table),
        mimetype=reports.EXPORT_FORMATS[fmt].split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
