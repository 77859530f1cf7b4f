"""Imports as worker jobs (issue 23): the commit, and the preview of a large file.

The web request stores the upload, writes an `ImportJob` row (queued) and sends its id to
the worker; it never parses the file. The worker claims the row (queued -> running, a
guarded update, so a message delivered twice runs once), runs the dry run or the commit,
and records the outcome on the row (done, failed or cancelled) with the result.

Live progress and cancelling are `imports.progress`'s: a file beside the upload and a
marker, which the worker looks for between chunks; the commit's one transaction is then
rolled back, so a cancelled import leaves nothing half-written.

The meter import (issue 20) runs on the same rows with its own kinds, `meter_preview` and
`meter_commit`: the worker's task dispatches on the kind, and each page or API looks only
at its own kinds (`BUILDING_KINDS`, `METER_KINDS`), so one never renders the other's report.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.domain.imports import bounds
from registry.domain.imports import files as import_files
from registry.errors import NotFound, PermissionDenied, RegistryError, Unprocessable
from registry.models import ImportJob, User, utcnow
from registry.services import permissions
from registry.services.imports import kept
from registry.services.imports.commit import CommitResult, commit_import
from registry.services.imports.outcomes import Preview
from registry.services.imports.preview import preview_import
from registry.services.imports.progress import (
    ImportCancelled,
    Progress,
    cancel_path,
    progress_path,
)
from registry.services.metered.import_commit import commit_meter_import
from registry.services.metered.imports import MeterImport, preview_meter_import

# A file up to this size (some 10,000 rows) is previewed within the request, in well under
# a second; a larger one only by the worker (the web page and the API queue a job).
INLINE_BYTES = 1_000_000
# A running job whose progress file has not changed for this long lost its worker: the
# slowest steps between two reports (one chunk of inserts, the tally refresh) take seconds.
STALE_AFTER_S = 300.0
BUILDING_KINDS = ("preview", "commit")
METER_KINDS = ("meter_preview", "meter_commit")
KINDS = BUILDING_KINDS + METER_KINDS
ACTIVE = ("queued", "running")


def upload_path(folder: Path, user_id: int, sha256: str) -> Path:
    return Path(folder) / f"{user_id}-{sha256}"


def start_import(
    *,
    session: Session,
    actor: User,
    kind: str,
    sha256: str,
    filename: str,
    size_bytes: int,
    mapping: dict | None,
    locale: str,
    enqueue,
    data: bytes | None = None,
) -> ImportJob:
    """Queue a preview or a commit of a stored upload; the worker runs it. With `data` (the
    upload), what can be refused without parsing is refused here, at once, not by the job."""
    permissions.require_importer(actor)
    if kind not in KINDS:
        raise ValueError(kind)
    if data is not None:  # a building or a meter file: both are read by the same reader
        try:
            import_files.screen(data, filename)
        except import_files.ImportFileError as error:
            raise Unprocessable(error.code, error.params) from None
    job = ImportJob(
        created_by_id=actor.id,
        kind=kind,
        filename=(filename or "")[:255],
        sha256=sha256,
        size_bytes=size_bytes,
        mapping=mapping or None,
        locale=str(locale),
    )
    session.add(job)
    session.commit()
    session.refresh(job)
    enqueue(job.id)  # a broker down: the row stays queued and `recover` sends it again
    return job


def get_job(
    *, session: Session, actor: User, job_id: int, kinds: tuple = BUILDING_KINDS
) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None or job.kind not in kinds:
        raise NotFound("import.job_not_found", {"id": job_id})
    if job.created_by_id != actor.id and actor.role != "admin":
        raise PermissionDenied("import.job_not_yours")
    return job


def cancel_import(
    *, session: Session, actor: User, job_id: int, folder: Path, kinds: tuple = BUILDING_KINDS
) -> ImportJob:
    """Ask the worker to stop; a job still queued is cancelled at once."""
    job = get_job(session=session, actor=actor, job_id=job_id, kinds=kinds)
    if job.state not in ACTIVE:
        return job
    cancel_path(folder, job.id).touch()
    if job.state == "running":
        # The worker sees the marker within `progress.PROGRESS_EVERY_S`. No write here: on
        # SQLite the running commit holds the write lock until it ends.
        return job
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.state == "queued")
        .values(state="cancelled", finished_at=utcnow())
    )
    session.commit()
    session.refresh(job)
    return job


def _claim(engine: Engine, job_id: int, worker: str) -> bool:
    with engine.begin() as connection:
        claimed = connection.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.state == "queued")
            .values(state="running", worker=worker[:200], started_at=utcnow())
        )
    return claimed.rowcount == 1


def _finish(engine: Engine, job_id: int, **values) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.state == "running")
            .values(finished_at=utcnow(), **values)
        )


def run_import(
    *, engine: Engine, folder: Path, job_id: int, worker: str, secret: str | bytes | None = None
) -> str:
    """Run one import job by id (the worker's task); its final state. With the registry's
    `secret`, a dry run is written down for its commit on any worker process (`kept`)."""
    if not _claim(engine, job_id, worker):
        return "not-mine"
    folder = Path(folder)
    try:
        return _run(engine, folder, job_id, secret)
    finally:
        # Only once the row says how the job ended: the page reads the progress file while
        # the row says running, and without it would show an empty bar for as long as the
        # result takes to store.
        progress_path(folder, job_id).unlink(missing_ok=True)


def _run(engine: Engine, folder: Path, job_id: int, secret: str | bytes | None) -> str:
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(ImportJob, job_id)
        kind, locale = job.kind, job.locale  # read now: a rollback below expires the row
        actor = session.get(User, job.created_by_id)
        path = upload_path(folder, job.created_by_id, job.sha256)
        try:
            data = path.read_bytes()
        except OSError:
            _finish(engine, job_id, state="failed", error_code="import.upload_expired")
            return "failed"
        rows_in_file = bounds.count_rows(data)
        progress = Progress(folder, job, rows_in_file)
        arguments = dict(
            session=session,
            actor=actor,
            data=data,
            filename=job.filename,
            locale=job.locale,
            progress=progress,
        )
        if job.kind in BUILDING_KINDS:
            # The worker's own process: a long sheet's rows may be checked in two at once.
            arguments.update(mapping=job.mapping, rows_in_file=rows_in_file)
        try:
            if job.kind == "commit":
                if secret is not None:  # its dry run, if another process made it
                    kept.adopt(path, secret=secret, sha256=job.sha256)
                result = commit_import(**arguments)
            elif job.kind == "meter_commit":
                result = commit_meter_import(**arguments)
            elif job.kind == "meter_preview":
                result = preview_meter_import(**arguments)
                session.rollback()
            else:
                result = preview_import(**arguments)
                session.rollback()
                if secret is not None:  # before the row says done: a commit may follow at once
                    kept.share(path, secret=secret)
        except ImportCancelled:
            session.rollback()
            _finish(engine, job_id, state="cancelled", **_counts(progress))
            return "cancelled"
        except RegistryError as error:
            session.rollback()
            _finish(
                engine,
                job_id,
                state="failed",
                error_code=error.code,
                error_params=_plain(error.params),
                **_counts(progress),
            )
            return "failed"
        except Exception:
            session.rollback()  # nothing stored; the page says so rather than spin for good
            _finish(engine, job_id, state="failed", error_code="import.failed", **_counts(progress))
            raise
        finally:
            cancel_path(folder, job_id).unlink(missing_ok=True)
    values = _counts(progress)
    if kind in METER_KINDS:
        report = result[0] if isinstance(result, tuple) else result
        if isinstance(result, tuple):
            values.update(batch_id=result[1], repeated=report.repeated)
            path.unlink(missing_ok=True)  # committed: the upload is no longer needed
        _finish(engine, job_id, state="done", result=meter_dict(report, locale), **values)
        return "done"
    if isinstance(result, CommitResult):
        preview = result.preview
        values.update(
            batch_id=result.batch.id if result.batch else None,
            repeated=result.repeated,
        )
        if not result.repeated:
            values["rows_written"] = progress.counts["written"]
        path.unlink(missing_ok=True)  # committed: the upload is no longer needed
        kept.path_for(path).unlink(missing_ok=True)
    else:
        preview = result
    _finish(engine, job_id, state="done", result=preview_dict(preview), **values)
    return "done"


def _counts(progress: Progress) -> dict:
    return {
        "rows_read": progress.counts["read"],
        "rows_checked": progress.counts["checked"],
        "rows_written": progress.counts["written"],
    }


def _plain(params: dict) -> dict:
    return {
        key: value if isinstance(value, int | float) else str(value)
        for key, value in params.items()
    }


def meter_dict(report: MeterImport, locale: str) -> dict:
    """The meter import's report as stored on the job row (its rows' reasons already in the
    user's language), enough to show its page again."""
    return {**report.as_dict(), "locale": locale}


def preview_dict(preview: Preview) -> dict:
    """The preview as stored on the job row, enough to show its page again."""
    return {**preview.as_dict(), "locale": str(preview.locale)}


_resent: dict[int, float] = {}  # job id -> when this process last sent it again


def fail_lost(*, engine: Engine, folder: Path, stale_after_s: float = STALE_AFTER_S) -> int:
    """Mark failed the running jobs whose worker went silent (no progress written for
    `stale_after_s`): a killed worker's transaction was rolled back by the database, so
    nothing was stored, and the user is told to start again instead of watching forever."""
    now = time.time()
    with Session(engine) as session:
        running = session.exec(select(ImportJob).where(ImportJob.state == "running")).all()
    lost = []
    for job in running:
        try:
            last = progress_path(folder, job.id).stat().st_mtime
        except OSError:
            last = job.started_at.timestamp() if job.started_at else 0.0
        if now - last > stale_after_s:
            lost.append(job.id)
    for job_id in lost:
        _finish(engine, job_id, state="failed", error_code="import.worker_lost")
    return len(lost)


def recover(*, engine: Engine, enqueue, older_than_s: float = 60.0) -> int:
    """Send queued jobs again whose message may have been lost (a broker down at upload),
    each at most once every `older_than_s` from this process: a job merely waiting behind
    a long one is not sent over and over (a second delivery would find it claimed anyway)."""
    now = time.monotonic()
    limit = utcnow().timestamp() - older_than_s
    with Session(engine) as session:
        queued = session.exec(select(ImportJob).where(ImportJob.state == "queued")).all()
        ids = [
            job.id
            for job in queued
            if job.created_at.timestamp() < limit and now - _resent.get(job.id, -1e9) > older_than_s
        ]
    for job_id in ids:
        _resent[job_id] = now
        enqueue(job_id)
    return len(ids)
