"""The meter data import page (能耗数据导入, issue 20): upload the monitoring platform's
export → dry run with each refused row's reasons → confirm → commit, in one transaction.

Same path as the building import (issue 23): the upload waits in UPLOAD_DIR/imports named
by the user's id and its SHA-256, so the commit stores exactly the file previewed. A file
up to `import_uploads.INLINE_PREVIEW_BYTES` is previewed within the request; a larger one, and every
commit, runs on the worker as an import job (kinds `meter_preview`, `meter_commit`), whose
page shows a live progress bar and a cancel button.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, render_template, request

from registry.errors import RegistryError
from registry.extensions import get_session
from registry.services.imports import jobs as import_jobs
from registry.services.imports import progress as import_progress
from registry.services.metered import report_text
from registry.services.metered.import_commit import stored_message
from registry.services.metered.imports import preview_meter_import
from registry.web import display
from registry.web import import_uploads as uploads

bp = Blueprint("meter_imports", __name__)

KINDS = import_jobs.METER_KINDS


def _report_page(report: dict, *, filename: str, committed: bool, job=None, status: int = 200):
    message = ""
    if committed:
        message = stored_message(report["counts"], job.batch_id, job.repeated, display.locale())
    return render_template(
        "metered/import_report.html",
        report=report,
        counts=report_text.counts(report, committed=committed, locale=display.locale()),
        rows=report_text.refused_rows(report, display.locale()),
        filename=filename,
        committed=committed,
        message=message,
    ), status


def _upload_page(error=None, status: int = 200):
    return render_template("metered/import_upload.html", error=error), status


def _queue(actor, kind: str, path, sha256: str, filename: str, data: bytes | None = None):
    return uploads.queue(
        actor,
        kind=kind,
        path=path,
        sha256=sha256,
        filename=filename,
        endpoint="meter_imports.job",
        data=data,
    )


@bp.route("/metered/imports", methods=["GET", "POST"])
def upload():
    """Upload the platform's export and see what each row would become."""
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
            return _queue(actor, "meter_preview", path, sha256, file.filename, data)
        report = preview_meter_import(
            session=get_session(),
            actor=actor,
            data=data,
            filename=file.filename,
            locale=display.locale(),
        )
    except RegistryError as exc:
        path.unlink(missing_ok=True)
        return _upload_page(display.message(exc.code, exc.params), exc.status)
    finally:
        get_session().rollback()  # the dry run wrote nothing; end its read transaction
    return _report_page(report.as_dict(), filename=file.filename, committed=False)


@bp.route("/metered/imports/commit", methods=["POST"])
def commit():
    """Queue the commit of the previewed file (every accepted building-year, or nothing)."""
    actor = uploads.importer()
    path = uploads.waiting(actor, request.form.get("sha256", ""))
    if path is None:
        return _upload_page(display.message("import.upload_expired"), 410)
    filename = request.form.get("filename", "")
    return _queue(actor, "meter_commit", path, request.form["sha256"], filename)


@bp.route("/metered/imports/jobs/<int:job_id>")
def job(job_id: int):
    """A meter import job: its progress while it runs, then the dry run or the result."""
    found = uploads.job_of(job_id, KINDS)
    if found.state == "done" and found.result is not None:
        return _report_page(
            found.result,
            filename=found.filename,
            committed=found.kind == "meter_commit",
            job=found,
        )
    progress = import_progress.progress_of(job=found, folder=uploads.folder())
    error = uploads.job_error(found)
    return render_template("imports/job.html", job=found, progress=progress, error=error)


@bp.route("/metered/imports/jobs/<int:job_id>.json")
def job_progress(job_id: int):
    """The job's progress for the page's bar (polled every second)."""
    return uploads.progress(job_id, KINDS)


@bp.route("/metered/imports/jobs/<int:job_id>/cancel", methods=["POST"])
def cancel(job_id: int):
    """Stop the job; a commit's one transaction is rolled back, nothing is stored."""
    return uploads.cancel(job_id, KINDS, "meter_imports.job")
