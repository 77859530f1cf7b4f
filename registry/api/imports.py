"""Bulk import and export over the API: a multipart file in, a JSON report out; CSV/XLSX out."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, stream_with_context

from registry.api.buildings import LIST_QUERY
from registry.api.buildings import _filters as building_filters
from registry.api.common import actor, documented, register_schema, token_required
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import DEFAULT_LOCALE, parse_locale, render
from registry.models import ImportBatchPublic
from registry.services import permissions
from registry.services.imports import exports
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import
from registry.web import started

bp = Blueprint("api_imports", __name__, url_prefix="/api/v1")

register_schema("ImportBatchPublic", ImportBatchPublic)
register_schema(
    "ImportReport",
    {
        "type": "object",
        "description": "Each row's outcome (new_building, new_record, duplicate, rejected) with "
        "its problems by field; `batch` is null for a dry run or when nothing was new.",
        "properties": {
            "dry_run": {"type": "boolean"},
            "repeated": {
                "type": "boolean",
                "description": "The same file was committed before: `batch` is that first "
                "batch and nothing was stored again.",
            },
            "message": {"type": "string"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "rows": {"type": "array", "items": {"type": "object"}},
            "columns": {"type": "object", "additionalProperties": {"type": "string"}},
            "unknown_columns": {"type": "array", "items": {"type": "string"}},
            "batch": {
                "anyOf": [{"$ref": "#/components/schemas/ImportBatchPublic"}, {"type": "null"}]
            },
        },
    },
)

register_schema(
    "ImportUpload",
    {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "A CSV (UTF-8 or GB18030) or XLSX sheet, one building or record "
                "per row, headers in Chinese or English.",
            },
            "mapping": {
                "type": "string",
                "description": "A JSON object naming the field of unrecognised columns, e.g. "
                '{"Project title": "name"}.',
            },
        },
    },
)

IMPORT_QUERY = (
    (
        "dry_run",
        {"type": "integer", "enum": [0, 1], "default": 0},
        "1: only report what each row would become; nothing is stored.",
    ),
)
EXPORT_QUERY = (
    ("format", {"type": "string", "enum": ["csv", "xlsx"], "default": "csv"}, "File format."),
    ("lang", {"type": "string", "enum": ["zh", "en"], "default": "zh"}, "Header language."),
    *(entry for entry in LIST_QUERY if entry[0] not in {"page", "page_size"}),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE = {"type": "string", "format": "binary"}


def _upload() -> tuple[bytes, str, dict | None]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": ("field.required", {})})
    mapping = None
    if request.form.get("mapping"):
        try:
            mapping = json.loads(request.form["mapping"])
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict):
            raise ValidationFailed({"mapping": ("request.not_json", {})})
    return upload.read(), upload.filename, mapping


@bp.post("/imports")
@documented(
    request_body="ImportUpload",
    request_media_type="multipart/form-data",
    response="ImportReport",
    query=IMPORT_QUERY,
    errors=(400, 403, 409, 413, 422),
)
@token_required
def create_import():
    """Import a CSV or XLSX sent as multipart field `file` (optional `mapping` JSON)."""
    permissions.require_importer(actor())
    data, filename, mapping = _upload()
    locale = request_locale()
    session = get_session()
    if request.args.get("dry_run") in ("1", "true", "yes"):
        preview = preview_import(
            session=session,
            actor=actor(),
            data=data,
            filename=filename,
            mapping=mapping,
            locale=locale,
        )
        return jsonify({**preview.as_dict(), "dry_run": True, "batch": None, "message": ""})
    result = commit_import(
        session=session, actor=actor(), data=data, filename=filename, mapping=mapping, locale=locale
    )
    body = {**result.preview.as_dict(), "dry_run": False, "batch": None}
    body["repeated"] = result.repeated
    if result.batch is None:
        body["message"] = render("import.nothing_new", {}, locale)
        return jsonify(body)
    batch = ImportBatchPublic.model_validate(result.batch).model_dump(mode="json")
    body.update(
        batch=batch,
        message=render(
            "import.already_committed" if result.repeated else "import.committed",
            {
                "batch_id": batch["id"],
                "new_buildings": batch["new_buildings"],
                "new_records": batch["new_records"],
                "duplicates": batch["duplicates"],
                "rejected": batch["rejected"],
            },
            locale,
        ),
    )
    return jsonify(body), 200 if result.repeated else 201


@bp.get("/buildings/export")
@documented(
    response={"content": {"text/csv": _FILE, XLSX: _FILE}},
    query=EXPORT_QUERY,
    errors=(422,),
    headers={"Content-Disposition": "attachment; filename=buildings.csv (or .xlsx)"},
)
@token_required
def export_buildings():
    """Export the filtered buildings and their records as CSV (streamed) or XLSX."""
    filters, _, _ = building_filters()
    fmt = request.args.get("format", "csv")
    raw_lang = request.args.get("lang")
    lang = parse_locale(raw_lang) if raw_lang is not None else DEFAULT_LOCALE
    problems = {}
    if fmt not in ("csv", "xlsx"):
        problems["format"] = ("field.choice_unknown", {"value": fmt})
    if lang is None:
        problems["lang"] = ("field.choice_unknown", {"value": raw_lang})
    if problems:
        raise ValidationFailed(problems)
    session = get_session()
    if fmt == "xlsx":
        data = exports.export_xlsx(session=session, filters=filters, lang=lang)
        return Response(
            data,
            mimetype=XLSX,
            headers={"Content-Disposition": "attachment; filename=buildings.xlsx"},
        )
    stream = exports.export_csv(session=session, filters=filters, lang=lang)
    return Response(
        stream_with_context(started(stream)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=buildings.csv"},
    )
