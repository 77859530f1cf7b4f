"""Import pages (upload → preview with reasons and column choices → confirm) and exports.

The uploaded file waits in UPLOAD_DIR/imports between the preview and the confirmation,
named by the user's id and the file's SHA-256, so the commit stores exactly the file
that was previewed. The commit always runs on the worker, and so does the preview of a
file over `import_uploads.INLINE_PREVIEW_BYTES`: the request queues a job and redirects to its page,
which shows a live progress bar (`/imports/jobs/<id>.json`) and a cancel button.
"""

from __future__ import annotations

import hashlib
import json
import re

from flask import (
    Blueprint,
    Response,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext

from registry.domain.imports.headers import (
    FIELD_NAMES,
    HEADER_ALIASES,
    IGNORE,
    guess_field,
    normalise_header,
)
from registry.errors import RegistryError, ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import locale_of
from registry.models import ImportBatch
from registry.services.imports import exports
from registry.services.imports import jobs as import_jobs
from registry.services.imports import progress as import_progress
from registry.services.imports.commit import CommitResult
from registry.services.imports.error_file import error_file_xlsx
from registry.services.imports.messages import batch_message
from registry.services.imports.outcomes import Preview
from registry.services.imports.preview import preview_import, save_mapping
from registry.services.imports.template import template_xlsx
from registry.web import display, started
from registry.web import import_uploads as uploads
from registry.web.buildings import _filters as list_filters

bp = Blueprint("imports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = import_jobs.BUILDING_KINDS


def field_choices() -> list[tuple[str, str]]:
    """The fields a column can be mapped to, as (value, label)."""
    return [(name, gettext(label)) for name, label in FIELD_NAMES.items()]


def _queue(actor, kind: str, path, sha256: str, filename: str, mapping: dict, data=None):
    return uploads.queue(
        actor,
        kind=kind,
        path=path,
        sha256=sha256,
        filename=filename,
        endpoint="imports.job",
        mapping=mapping,
        data=data,
    )


def _mapping_from_form() -> dict[str, str]:
    """{header: field} from the preview page's selects named map:<index>."""
    mapping = {}
    for key, header in request.form.items():
        if key.startswith("header:"):
            choice = request.form.get("map:" + key.removeprefix("header:"), "")
            if choice:
                mapping[header] = choice
    return mapping


def _mapping_token(pairs) -> str:
    """A digest of (header, field) choices: says whether the confirmed choices are the
    previewed ones (a browser may send a header's line break as CR LF)."""
    canonical = sorted((normalise_header(header), name) for header, name in pairs)
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:32]


def _preview_page(
    actor, data: bytes, filename: str, mapping: dict, status: int = 200, notice: str = ""
):
    preview = preview_import(
        session=get_session(),
        actor=actor,
        data=data,
        filename=filename,
        mapping=mapping,
        locale=display.locale(),
    )
    previewed = _mapping_token((column.header, column.field) for column in preview.mapping)
    return render_template(
        "imports/preview.html",
        preview=preview,
        filename=filename,
        mapping=mapping,
        previewed=previewed,
        notice=notice,
        field_choices=field_choices(),
        ignore=IGNORE,
    ), status


def _upload_page(error=None, status: int = 200):
    """The upload form, with the headers each field is recognised by."""
    aliases = [
        (label, HEADER_ALIASES[name]) for name, label in field_choices() if name in HEADER_ALIASES
    ]
    return render_template("imports/upload.html", error=error, aliases=aliases), status


@bp.route("/imports", methods=["GET", "POST"])
def upload():
    """Upload a spreadsheet and see what each row would become."""
    actor = uploads.importer()
    if request.method == "GET":
        return _upload_page()
    file = request.files.get("file")
    if file is None or not file.filename:
        return _upload_page(display.message("field.required"), 422)
    data = file.read()
    sha256 = hashlib.sha256(data).hexdigest()
    path = uploads.stored_path(actor, sha256)
    path.write_bytes(data)
    try:
        if len(data) > uploads.INLINE_PREVIEW_BYTES:
            return _queue(actor, "preview", path, sha256, file.filename, {}, data)
        return _preview_page(actor, data, file.filename, {})
    except RegistryError as exc:
        return _upload_page(display.message(exc.code, exc.params), exc.status)


@bp.route("/imports/template.xlsx")
def template():
    """Download the import template: headers in Chinese and English, an example, a guide."""
    uploads.importer()
    return Response(
        template_xlsx(locale=display.locale()),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=import-template.xlsx"},
    )


@bp.route("/imports/preview", methods=["POST"])
def remap():
    """Preview the uploaded file again with the columns mapped by hand (and maybe saved)."""
    actor = uploads.importer()
    path = uploads.waiting(actor, request.form.get("sha256", ""))
    if path is None:
        return _upload_page(display.message("import.upload_expired"), 410)
    mapping = _mapping_from_form()
    # Only the choices that differ from what the headers say alone are worth remembering.
    chosen = {header: name for header, name in mapping.items() if name != _default(header)}
    if request.form.get("save_mapping") and chosen:
        save_mapping(session=get_session(), actor=actor, mapping=chosen)
    filename = request.form.get("filename", "")
    if path.stat().st_size > uploads.INLINE_PREVIEW_BYTES:
        return _queue(actor, "preview", path, request.form["sha256"], filename, mapping)
    return _preview_page(actor, path.read_bytes(), filename, mapping)


def _default(header: str) -> str:
    return guess_field(header) or IGNORE


@bp.route("/imports/errors.xlsx", methods=["POST"])
def error_file():
    """Download the refused rows with their reasons, to fix and upload again."""
    actor = uploads.importer()
    path = uploads.waiting(actor, request.form.get("sha256", ""))
    if path is None:
        return _upload_page(display.message("import.upload_expired"), 410)
    filename = request.form.get("filename", "")
    data = error_file_xlsx(
        session=get_session(),
        actor=actor,
        data=path.read_bytes(),
        filename=filename,
        mapping=_mapping_from_form(),
        locale=display.locale(),
    )
    stem = re.sub(r"[^\w.-]+", "_", filename.rsplit(".", 1)[0], flags=re.ASCII) or "import"
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={stem}-refused.xlsx"},
    )


@bp.route("/imports/commit", methods=["POST"])
def commit():
    """Queue the commit of the previewed file (every accepted row, or nothing)."""
    actor = uploads.importer()
    path = uploads.waiting(actor, request.form.get("sha256", ""))
    if path is None:
        return _upload_page(display.message("import.upload_expired"), 410)
    mapping = _mapping_from_form()
    filename = request.form.get("filename", "")
    previewed = request.form.get("previewed")
    if previewed and previewed != _mapping_token(mapping.items()):
        # The selects were changed after the preview: show what they do before storing.
        notice = display.message("import.mapping_changed")
        return _preview_page(actor, path.read_bytes(), filename, mapping, 409, notice)
    return _queue(actor, "commit", path, request.form["sha256"], filename, mapping)


@bp.route("/imports/jobs/<int:job_id>")
def job(job_id: int):
    """An import job: its progress while it runs, then the preview or the result."""
    found = uploads.job_of(job_id, KINDS)
    progress = import_progress.progress_of(job=found, folder=uploads.folder())
    if found.state == "done" and found.result is not None:
        preview = Preview.from_dict(found.result)
        if found.kind == "preview":
            return render_template(
                "imports/preview.html",
                preview=preview,
                filename=found.filename,
                mapping=found.mapping or {},
                previewed=_mapping_token((c.header, c.field) for c in preview.mapping),
                notice="",
                field_choices=field_choices(),
                ignore=IGNORE,
            )
        batch = found.batch_id and get_session().get(ImportBatch, found.batch_id)
        result = CommitResult(preview, batch or None, found.batch_id, repeated=found.repeated)
        return render_template(
            "imports/done.html", result=result, preview=preview, batch_message=batch_message
        )
    error = uploads.job_error(found)
    return render_template("imports/job.html", job=found, progress=progress, error=error)


@bp.route("/imports/jobs/<int:job_id>.json")
def job_progress(job_id: int):
    """The job's progress for the page's bar (polled every second)."""
    return uploads.progress(job_id, KINDS)


@bp.route("/imports/jobs/<int:job_id>/cancel", methods=["POST"])
def cancel(job_id: int):
    """Stop the job; a commit's one transaction is rolled back, nothing is stored."""
    return uploads.cancel(job_id, KINDS, "imports.job")


def _export_filters():
    filters, problems = list_filters()
    if problems:
        raise ValidationFailed(problems)
    # ?headers= chooses the sheet's language (not ?lang=, which would also switch the page's
    # for the session); without it, the reader's own.
    return filters, locale_of(request.args.get("headers") or request_locale())


@bp.route("/buildings/export.csv")
def export_csv():
    """Download the filtered building list with its records as CSV."""
    filters, lang = _export_filters()
    stream = exports.export_csv(session=get_session(), filters=filters, lang=lang)
    return Response(
        stream_with_context(started(stream)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=buildings.csv"},
    )


@bp.route("/buildings/export.xlsx")
def export_xlsx():
    """Download the filtered building list with its records as XLSX."""
    filters, lang = _export_filters()
    data = exports.export_xlsx(session=get_session(), filters=filters, lang=lang)
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": "attachment; filename=buildings.xlsx"}
    )
