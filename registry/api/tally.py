"""The targets tally over the API: JSON, or the same numbers as CSV, XLSX or PDF.

JSON, CSV and XLSX stream every counted row as it is read; a PDF is served from the worker's
cache when current, else the answer is 202 with the job's progress (ask again).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, jsonify, request

from registry.api.common import documented, register_schema, token_required
from registry.documents import rendering, tally_report
from registry.errors import ValidationFailed
from registry.extensions import get_session, public_base_url, request_locale
from registry.i18n import render
from registry.queue import enqueue_tally_document
from registry.services import document_jobs
from registry.services.tally import documents
from registry.services.tally import exports as tally_exports
from registry.services.tally import tables as tally_tables
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
        {"type": "string", "enum": list(tally_tables.TABLE_NAMES), "default": "summary"},
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
                for name, media_type in rendering.EXPORT_FORMATS.items()
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
    if fmt not in rendering.EXPORT_FORMATS:
        problems["format"] = ("tally.format_unknown", {"value": fmt})
    if table not in tally_tables.TABLE_NAMES:
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
    config = current_app.extensions["registry.config"]
    year = filters["year"] or tally_service.default_year(session=get_session())
    locale = request_locale()
    names = {
        "year": year,
        "district": filters["district"],
        "building_type": filters["building_type"],
    }
    filename = tally_report.tally_filename(names, fmt)
    if fmt == "pdf":
        wanted = documents.Request(
            date(year, 1, 1),
            date(year, 12, 31),
            filters["district"],
            filters["building_type"],
            locale,
            public_base_url(),
        )
        row = documents.get_document(
            session=get_session(), config=config, request=wanted, enqueue=enqueue_tally_document
        )
        if row.status == "ready" and documents.file_path(config, row).is_file():
            path = documents.file_path(config, row)
            return Response(
                document_jobs.file_chunks(path),
                mimetype="application/pdf",
                headers={
                    "Content-Disposition": f'attachment; filename="{filename}"',
                    "Content-Length": str(path.stat().st_size),
                },
            )
        body = {
            "status": row.status,
            "rows_done": row.rows_done,
            "rows_total": row.rows_total,
            "message": render(
                "tally.document_preparing",
                {"done": f"{row.rows_done:,}", "total": f"{row.rows_total:,}"},
                locale,
            ),
        }
        return jsonify(body), 202, {"Retry-After": "2"}
    stream = tally_exports.stream(
        engine=get_session().get_bind(),
        year=year,
        district=filters["district"],
        building_type=filters["building_type"],
        locale=locale,
        fmt=fmt,
        table=table,
        public_base_url=public_base_url(),
    )
    headers = {} if fmt == "json" else {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(stream, mimetype=rendering.EXPORT_FORMATS[fmt].split(";")[0], headers=headers)
