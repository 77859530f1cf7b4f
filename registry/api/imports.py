"""Bulk import and export over the API: a multipart file in, a JSON report out; CSV/XLSX out."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, stream_with_context

from registry.api import import_jobs as shared_jobs
from registry.api.buildings import LIST_QUERY
from registry.api.buildings import _filters as building_filters
from registry.api.common import actor, documented, flag_args, register_schema, token_required
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import DEFAULT_LOCALE, parse_locale, render
from registry.models import ImportBatch, ImportBatchPublic
from registry.services import permissions
from registry.services.imports import exports
from registry.services.imports import jobs as import_jobs
from registry.services.imports.commit import commit_import
from registry.services.imports.error_file import error_file_xlsx
from registry.services.imports.messages import batch_message
from registry.services.imports.preview import preview_import
from registry.services.imports.template import template_xlsx
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
            "records": {
                "type": "integer",
                "description": "Records added in all, on new and on known buildings.",
            },
            "columns": {"type": "object", "additionalProperties": {"type": "string"}},
            "unknown_columns": {"type": "array", "items": {"type": "string"}},
            "mapping": {
                "type": "array",
                "description": "How each column is read, in sheet order: its field (or "
                "`ignore`) and status: read, shared (another column feeds the same field), "
                "ignored, or unknown (not recognised, so ignored). Send `mapping` to change it.",
                "items": {
                    "type": "object",
                    "properties": {
                        "header": {"type": "string"},
                        "field": {"type": "string"},
                        "status": {
                            "type": "string",
                            "enum": ["read", "shared", "ignored", "unknown"],
                        },
                    },
                },
            },
            "warnings": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Columns sharing one field, columns ignored.",
            },
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
                "description": "A JSON object naming the field of any column, e.g. "
                '{"Project title": "name", "Label type": "ignore"}; the report\'s `mapping` '
                "lists each column's field.",
            },
        },
    },
)

register_schema(
    "ImportJob",
    {
        "type": "object",
        "description": "An import run by the worker (a file over 1 MB, or any commit asked "
        "with async=1): its state (queued, running, done, failed, cancelled), rows read, "
        "checked and written, the fraction done and seconds left; once done, `report` holds "
        "the ImportReport.",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["preview", "commit"]},
            "state": {"type": "string"},
            "step": {
                "type": ["string", "null"],
                "enum": ["reading", "checking", "writing", "finishing", None],
                "description": "While running: reading the file, checking rows, writing "
                "them (a commit), or writing their audit events and the tally index.",
            },
            "rows_read": {"type": "integer"},
            "rows_checked": {"type": "integer"},
            "rows_written": {"type": "integer"},
            "rows_total": {"type": "integer"},
            "fraction": {"type": "number"},
            "seconds_left": {"type": ["integer", "null"]},
            "batch_id": {"type": ["integer", "null"]},
            "repeated": {"type": "boolean"},
            "error_code": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "status_url": {"type": "string"},
            "report": {"anyOf": [{"$ref": "#/components/schemas/ImportReport"}, {"type": "null"}]},
        },
    },
)

IMPORT_QUERY = (
    (
        "dry_run",
        {"type": "integer", "enum": [0, 1], "default": 0},
        "1: only report what each row would become; nothing is stored.",
    ),
    (
        "async",
        {"type": "integer", "enum": [0, 1], "default": 0},
        "1: run on the worker and answer 202 with the ImportJob at once (a file over 1 MB "
        "always is); poll /api/v1/imports/jobs/{id}.",
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
    accepted="ImportJob",
    query=IMPORT_QUERY,
    errors=(400, 403, 409, 413, 422),
)
@token_required
def create_import():
    """Import a CSV or XLSX sent as multipart field `file` (optional `mapping` JSON).

    A file over 1 MB, or any request with async=1, is run by the worker: the answer is
    202 with the ImportJob, whose `status_url` gives its progress and, once done, its report.
    """
    permissions.require_importer(actor())
    switches = flag_args("dry_run", "async")
    dry_run = switches["dry_run"]
    data, filename, mapping = _upload()
    locale = request_locale()
    session = get_session()
    if switches["async"] or len(data) > import_jobs.INLINE_BYTES:
        return shared_jobs.queue(
            data=data,
            filename=filename,
            kind="preview" if dry_run else "commit",
            mapping=mapping,
            status_endpoint="api_imports.show_job",
            body=_job_body,
        )
    if dry_run:
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
    body = _report(result.preview.as_dict(), result.batch, result.repeated, locale)
    return jsonify(body), 201 if result.batch and not result.repeated else 200


def _report(preview: dict, batch: ImportBatch | None, repeated: bool, locale) -> dict:
    body = {**preview, "dry_run": False, "batch": None, "repeated": repeated}
    body.pop("locale", None)
    if batch is None:
        body["message"] = render("import.nothing_new", {}, locale)
        return body
    public = ImportBatchPublic.model_validate(batch).model_dump(mode="json")
    body.update(
        batch=public,
        message=render(*batch_message(batch, repeated=repeated), locale),
    )
    return body


def _job_body(job) -> dict:
    return shared_jobs.job_body(job, status_endpoint="api_imports.show_job", report=_job_report)


def _job_report(job) -> dict:
    if job.kind == "preview":
        report = {**job.result, "dry_run": True, "batch": None, "message": ""}
        report.pop("locale", None)
        return report
    batch = get_session().get(ImportBatch, job.batch_id) if job.batch_id else None
    return _report(job.result, batch, job.repeated, request_locale())


@bp.get("/imports/jobs/<int:job_id>")
@documented(response="ImportJob", errors=(403, 404))
@token_required
def show_job(job_id: int):
    """An import job's state and progress; once done, its report."""
    job = import_jobs.get_job(session=get_session(), actor=actor(), job_id=job_id)
    return jsonify(_job_body(job))


@bp.post("/imports/jobs/<int:job_id>/cancel")
@documented(response="ImportJob", errors=(403, 404))
@token_required
def cancel_job(job_id: int):
    """Cancel an import job: a queued one at once, a running one within a second; a
    cancelled commit stores nothing."""
    job = import_jobs.cancel_import(
        session=get_session(), actor=actor(), job_id=job_id, folder=shared_jobs.upload_folder()
    )
    return jsonify(_job_body(job))


@bp.get("/imports/template")
@documented(
    response={"content": {XLSX: _FILE}},
    errors=(403,),
    headers={"Content-Disposition": "attachment; filename=import-template.xlsx"},
)
@token_required
def import_template():
    """The import template: headers in Chinese and English, an example row, a column guide."""
    permissions.require_importer(actor())
    return Response(
        template_xlsx(locale=request_locale()),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=import-template.xlsx"},
    )


@bp.post("/imports/errors")
@documented(
    request_body="ImportUpload",
    request_media_type="multipart/form-data",
    response={"content": {XLSX: _FILE}},
    errors=(400, 403, 413, 422),
    headers={"Content-Disposition": "attachment; filename=refused.xlsx"},
)
@token_required
def import_errors():
    """The refused rows of a file as XLSX, with a reason column, to fix and import again."""
    permissions.require_importer(actor())
    data, filename, mapping = _upload()
    body = error_file_xlsx(
        session=get_session(),
        actor=actor(),
        data=data,
        filename=filename,
        mapping=mapping,
        locale=request_locale(),
    )
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": "attachment; filename=refused.xlsx"}
    )


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
