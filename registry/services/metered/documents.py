"""The quota list's PDF and XLSX as jobs (issue 23): at 10,000 buildings the PDF takes
minutes and the XLSX seconds (`python -m bench metered`), so neither is made in a request.

The request builds the list (about a second at city scale) and its digest. A document whose
file holds that digest, made by this code with these words (`template_version`), is served
at once. Otherwise its row is queued for the worker (a guarded update: one job per
document, however many readers ask) and the reader is told it
is being prepared, never given a stale file; a list of at most `MAKE_IN_REQUEST_ENTRIES`
buildings is made within the request as before. The worker builds the list again, renders
it and records the digest of what it rendered, so a change meanwhile is caught by the next
request's digest. While the PDF's building table is laid out the row carries its progress
(`rows_done` of `rows_total`) and a heartbeat; the worker's sweep (`sweep`) sends again a
document queued and not taken, and queues again one whose worker went silent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from registry.documents import quota_list_report
from registry.domain import dates
from registry.i18n import locale_of
from registry.models import QuotaListDocument
from registry.services import document_jobs
from registry.services.metered.quota_list import quota_list

log = logging.getLogger(__name__)

# A list of at most this many buildings is rendered within the request (the PDF's summary
# pages and a short table take about a second); a longer one is a job for the worker.
MAKE_IN_REQUEST_ENTRIES = 1_000
# A queued document not taken for this long lost its message (a broker down): sent again.
RESEND_AFTER = timedelta(minutes=1)
# A running one whose heartbeat is older than this lost its worker: queued again. The PDF
# beats at least every `document_jobs.HEARTBEAT_S` while its table is laid out (10,000
# buildings: some seconds); the list itself and the summary pages take a few seconds before
# the first beat.
LOST_AFTER = timedelta(minutes=2)
ACTIVE = ("queued", "running")
MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Request:
    """Which document: format, year, filters and language."""

    fmt: str
    year: int
    district: str | None
    building_type: str | None
    band: str | None
    locale: str

    def __post_init__(self):
        # One document per language, however it was written: the catalogue's name for it.
        object.__setattr__(self, "locale", locale_of(self.locale))

    @property
    def key(self) -> str:
        parts = (self.fmt, self.year, self.district, self.building_type, self.band, self.locale)
        return "|".join("" if p is None else str(p) for p in parts)

    def report(self, session: Session) -> dict:
        return quota_list(
            session=session,
            year=self.year,
            district=self.district,
            building_type=self.building_type,
            band=self.band,
            locale=self.locale,
        )


@dataclass
class Outcome:
    """A file to send (`body` or `path`), or the row of a document being prepared."""

    body: bytes | None = None
    path: Path | None = None
    row: QuotaListDocument | None = None


def digest_of(report: dict) -> str:
    return quota_list_report.digest(report)


def _made_for(row: QuotaListDocument, digest: str) -> bool:
    """Whether the row's file (ready) or failure (failed) is of this data and this code."""
    return row.digest == digest and row.template_version == quota_list_report.template_version()


def render(
    report: dict,
    fmt: str,
    locale: str,
    progress: Callable[[int, int], None] | None = None,
    digest: str | None = None,
) -> bytes:
    if fmt == "xlsx":
        return quota_list_report.quota_list_xlsx(report, locale)
    return quota_list_report.quota_list_pdf(
        report,
        locale,
        generated_at=dates.shown(dates.now_utc()),
        digest_hex=digest,
        progress=progress,
    )


def file_path(folder: Path, row: QuotaListDocument) -> Path:
    return Path(folder) / row.file_name


def _row(session: Session, request: Request) -> QuotaListDocument:
    return document_jobs.row_for(
        session,
        QuotaListDocument,
        request.key,
        fmt=request.fmt,
        year=request.year,
        district_code=request.district,
        building_type=request.building_type,
        band=request.band,
        locale=request.locale,
    )


def _queue(session: Session, row: QuotaListDocument, digest: str, rows_total: int) -> bool:
    """Queue the document for `digest` unless a job for that digest and this code's version
    is under way (and not lost); True when this call queued it, and so must send it to the
    worker."""
    table = QuotaListDocument.__table__
    now = dates.now_utc()
    version = quota_list_report.template_version()
    done = session.connection().execute(
        update(table)
        .where(
            table.c.id == row.id,
            or_(
                table.c.status.notin_(ACTIVE),
                table.c.digest != digest,
                table.c.template_version != version,
                (table.c.status == "queued") & (table.c.requested_at < now - RESEND_AFTER),
                (table.c.status == "running") & (_beat(table) < now - LOST_AFTER),
            ),
        )
        .values(
            status="queued",
            digest=digest,
            template_version=version,
            rows_total=rows_total,
            rows_done=0,
            error=None,
            requested_at=now,
        )
    )
    session.commit()
    session.refresh(row)
    return done.rowcount == 1


def get_document(
    *,
    session: Session,
    folder: Path,
    request: Request,
    enqueue: Callable[[int], str | None],
    retry: bool = False,
) -> Outcome:
    """The file for `request` if the current list's is ready (or small enough to make now);
    else the row of the document being prepared. A document that failed for this data is
    made again only when the reader asks (`retry`), not at every refresh of the page."""
    report = request.report(session)
    if report["count"] <= MAKE_IN_REQUEST_ENTRIES:
        return Outcome(body=render(report, request.fmt, request.locale))
    digest = digest_of(report)
    row = _row(session, request)
    if row.status == "ready" and _made_for(row, digest) and file_path(folder, row).is_file():
        return Outcome(path=file_path(folder, row))
    if row.status == "failed" and _made_for(row, digest) and not retry:
        return Outcome(row=row)
    if _queue(session, row, digest, report["count"]):
        error = enqueue(row.id)
        if error:
            log.warning("quota list document %s not sent to the worker: %s", row.id, error)
    return Outcome(row=row)


def make(*, session: Session, folder: Path, document_id: int, worker: str) -> bool:
    """Make one document by id (the worker's task); False when another took it."""
    if not document_jobs.claim(session, QuotaListDocument, document_id, worker, rows_done=0):
        return False
    row = session.get(QuotaListDocument, document_id)
    request = Request(row.fmt, row.year, row.district_code, row.building_type, row.band, row.locale)
    progress = document_jobs.progress_writer(session, QuotaListDocument, document_id)

    try:
        report = request.report(session)
        session.rollback()  # a read: let SQLite's other writers in during the render
        progress(0, report["count"])
        digest = digest_of(report)  # printed on every page of the PDF and names the file
        body = render(report, request.fmt, request.locale, progress=progress, digest=digest)
    except Exception as error:  # noqa: BLE001  (recorded on the row; the reader is told)
        session.rollback()
        session.execute(
            update(QuotaListDocument)
            .where(QuotaListDocument.id == document_id, QuotaListDocument.status == "running")
            .values(status="failed", error=str(error)[:500], finished_at=dates.now_utc())
        )
        session.commit()
        log.exception("quota list document %s failed", document_id)
        return True
    name = f"quota-list-{document_id}-{digest[:16]}.{request.fmt}"
    folder = Path(folder)
    document_jobs.store_file(folder, name, body)
    old = row.file_name
    done = session.execute(
        update(QuotaListDocument)
        .where(QuotaListDocument.id == document_id, QuotaListDocument.status == "running")
        .values(
            status="ready",
            digest=digest,
            template_version=quota_list_report.template_version(),
            file_name=name,
            size_bytes=len(body),
            rows_total=report["count"],
            rows_done=report["count"],
            finished_at=dates.now_utc(),
        )
    )
    session.commit()
    if done.rowcount != 1:  # asked for anew meanwhile (the data moved): that job makes it
        (folder / name).unlink(missing_ok=True)
    elif old and old != name:
        (folder / old).unlink(missing_ok=True)  # the file of older data: no one is sent it
    return True


def _beat(table):
    """When a running job last showed life: its heartbeat, else its start."""
    return func.coalesce(table.c.heartbeat_at, table.c.started_at)


def sweep(*, session: Session, enqueue: Callable[[int], str | None]) -> int:
    """The worker's sweep: send again every document queued and not taken within
    `RESEND_AFTER` (its message lost: a broker down), and queue again and send every one
    running whose heartbeat is older than `LOST_AFTER` (its worker gone). A document sent
    twice is made once (the claim decides). Returns how many were sent."""
    table = QuotaListDocument.__table__
    now = dates.now_utc()
    lost = session.connection().execute(
        update(table)
        .where(table.c.status == "running", _beat(table) < now - LOST_AFTER)
        .values(status="queued", rows_done=0, requested_at=now, error=None)
        .returning(table.c.id)
    )
    requeued = [row_id for (row_id,) in lost]
    session.commit()
    waiting = session.exec(
        select(QuotaListDocument.id).where(
            QuotaListDocument.status == "queued",
            QuotaListDocument.requested_at < now - RESEND_AFTER,
        )
    ).all()
    sent = 0
    for document_id in [*requeued, *waiting]:
        error = enqueue(document_id)
        if error:
            log.warning("quota list document %s not sent to the worker: %s", document_id, error)
        else:
            sent += 1
    if sent:
        # Sent now: not sent again before another `RESEND_AFTER` has passed.
        session.execute(
            update(QuotaListDocument)
            .where(
                QuotaListDocument.id.in_(waiting),
                QuotaListDocument.status == "queued",
            )
            .values(requested_at=now)
        )
        session.commit()
    return sent
