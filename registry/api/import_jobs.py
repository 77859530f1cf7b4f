"""What the two import APIs share (buildings and records, `api/imports.py`; meter data,
`api/metered.py`): a file over 1 MB, or any request with async=1, is stored and queued for
the worker and answered 202 with its job; a job's JSON is its progress, the message of a
failed or cancelled job and, once done, the report that each import writes its own way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from flask import current_app, jsonify, url_for

from registry.api.common import actor
from registry.errors import RegistryError
from registry.extensions import get_session, request_locale
from registry.i18n import render
from registry.models import ImportJob
from registry.queue import enqueue_import
from registry.services.imports import jobs as import_jobs
from registry.services.imports import progress as import_progress


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue(
    *,
    data: bytes,
    filename: str,
    kind: str,
    mapping: dict | None,
    status_endpoint: str,
    body: Callable[[ImportJob], dict],
):
    """Store the upload and queue its job of `kind`: 202 with `body(job)` and its address.
    A file refused at once (unreadable, too many rows) is not kept."""
    sha256 = hashlib.sha256(data).hexdigest()
    stored = import_jobs.upload_path(upload_folder(), actor().id, sha256)
    stored.write_bytes(data)
    try:
        job = import_jobs.start_import(
            session=get_session(),
            actor=actor(),
            kind=kind,
            sha256=sha256,
            filename=filename,
            size_bytes=len(data),
            mapping=mapping,
            locale=str(request_locale()),
            enqueue=enqueue_import,
            data=data,
        )
    except RegistryError:
        stored.unlink(missing_ok=True)
        raise
    response = jsonify(body(job))
    response.headers["Location"] = url_for(status_endpoint, job_id=job.id)
    return response, 202


def job_body(job: ImportJob, *, status_endpoint: str, report: Callable[[ImportJob], dict]) -> dict:
    """A job's JSON: state and progress, `status_url`, and `message`: why it failed, that it
    was cancelled, or (once done) the message of `report(job)`, which is the `report`."""
    locale = request_locale()
    body = {
        **import_progress.progress_of(job=job, folder=upload_folder()),
        "status_url": url_for(status_endpoint, job_id=job.id),
        "report": None,
        "message": "",
    }
    body.pop("error_params", None)
    if job.state == "failed":
        body["message"] = render(
            job.error_code or "import.file_unreadable", job.error_params or {}, locale
        )
    elif job.state == "cancelled":
        body["message"] = render("import.cancelled", {}, locale)
    elif job.state == "done" and job.result is not None:
        body["report"] = report(job)
        body["message"] = body["report"]["message"]
    return body
