"""What the two import pages share: who may import, where an upload waits between its
preview and its confirmation, and the upload's job (queue, progress, cancel, failure).

The building import (`web.imports`) and the meter-data import (`web.meter_imports`) differ
in what they check and show; an upload waits in UPLOAD_DIR/imports under the user's id and
the file's SHA-256 for both, so a commit stores exactly the file that was previewed.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, jsonify, redirect, url_for
from flask_login import current_user

from registry.auth import actor_of
from registry.extensions import get_session
from registry.queue import enqueue_import
from registry.services import permissions
from registry.services.imports import jobs as import_jobs
from registry.services.imports import progress as import_progress
from registry.web import display

INLINE_PREVIEW_BYTES = import_jobs.INLINE_BYTES  # larger files are previewed by the worker


def importer():
    """The signed-in user, who must be allowed to import."""
    actor = actor_of(current_user)
    permissions.require_importer(actor)
    return actor


def folder() -> Path:
    found = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    found.mkdir(parents=True, exist_ok=True)
    return found


def stored_path(actor, sha256: str) -> Path | None:
    """Where the actor's upload of this digest waits; None for a text that is no digest
    (a form sent by hand), which the pages answer as an upload gone."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        return None
    return import_jobs.upload_path(folder(), actor.id, sha256)


def waiting(actor, sha256: str) -> Path | None:
    """The stored upload of this digest, if it is still there."""
    path = stored_path(actor, sha256)
    return path if path is not None and path.exists() else None


def queue(
    actor,
    *,
    kind: str,
    path: Path,
    sha256: str,
    filename: str,
    endpoint: str,
    mapping: dict | None = None,
    data: bytes | None = None,
):
    """Queue the stored upload's job and send the user to its page (`endpoint`). `data`: a
    new upload, screened before it is queued (a file previewed or queued once was screened
    then), so a file the reader would refuse at once is not queued."""
    job = import_jobs.start_import(
        session=get_session(),
        actor=actor,
        kind=kind,
        sha256=sha256,
        filename=filename,
        size_bytes=path.stat().st_size,
        mapping=mapping,
        locale=str(display.locale()),
        enqueue=enqueue_import,
        data=data,
    )
    return redirect(url_for(endpoint, job_id=job.id), 303)


def job_of(job_id: int, kinds: tuple):
    """The actor's job of one of these kinds (`import_jobs.get_job` refuses others')."""
    return import_jobs.get_job(session=get_session(), actor=importer(), job_id=job_id, kinds=kinds)


def job_error(found) -> str | None:
    """What a job page says of a job that failed or was cancelled; None otherwise."""
    if found.state == "failed":
        return display.message(found.error_code or "import.file_unreadable", found.error_params)
    if found.state == "cancelled":
        return display.message("import.cancelled")
    return None


def progress(job_id: int, kinds: tuple):
    """The job's progress for the page's bar (polled every second)."""
    return jsonify(import_progress.progress_of(job=job_of(job_id, kinds), folder=folder()))


def cancel(job_id: int, kinds: tuple, endpoint: str):
    """Stop the job (a commit's one transaction is rolled back, nothing is stored) and show
    its page again."""
    import_jobs.cancel_import(
        session=get_session(), actor=importer(), job_id=job_id, folder=folder(), kinds=kinds
    )
    return redirect(url_for(endpoint, job_id=job_id), 303)
