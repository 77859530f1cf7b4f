"""Tally PDFs made ahead of time: a job per period, filter and language, its file cached.

A document is current while the data stamp (`tally_index.stamp`, bumped in the same
transaction as every change that can move a tally, including the evidence figures printed
beside two targets: measured years, degree-days, the required saving, a cited saving-rate
check, a saving parameter), the data date and the report's template
version are those it was made from; then it is served as a file. Otherwise it is made again:
in the request when the tally is small, else by the worker, with its progress on the row
(`rows_done` of `rows_total`), and a request meanwhile learns that a newer document is being
prepared, never the stale one. The worker's sweep remakes every document asked for lately
once the data moves, so the next download finds it ready.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import or_, update
from sqlmodel import Session, select

from registry.config import Config
from registry.documents import tally_report
from registry.domain import dates
from registry.i18n import DEFAULT_LOCALE, locale_of
from registry.models import TallyDocument
from registry.services import document_jobs
from registry.services.tally import index as tally_index
from registry.services.tally import presented as tally_presented
from registry.services.tally import tallies as tally_service

log = logging.getLogger(__name__)

# A tally with at most this many counted rows is made within the request (the summary pages
# and a short appendix take about a second); a longer one is a job for the worker.
MAKE_IN_REQUEST_ROWS = 1_000
# Documents asked for within this many days are remade by the worker after each change.
KEEP_WARM_DAYS = 30
ENDED = ("ready", "failed")


@dataclass(frozen=True)
class Request:
    """Which document: a period, the filters and the language."""

    start: date
    end: date
    district: str | None
    building_type: str | None
    locale: str
    # The public base URL of the request that asked (its QR codes point there); one cached
    # document per host, so a reader never gets a QR code to a host they did not use.
    base_url: str = ""

    def __post_init__(self):
        # One document per language, however the language was written ("zh", a Babel
        # Locale, "zh_Hans_CN"): the key, and so the cache, is the catalogue's name for it.
        object.__setattr__(self, "locale", locale_of(self.locale))

    @property
    def key(self) -> str:
        parts = (self.start, self.end, self.district or "", self.building_type or "", self.locale)
        key = "pdf|" + "|".join(str(p) for p in parts)
        if self.base_url:
            key += "|" + hashlib.sha256(self.base_url.encode()).hexdigest()[:16]
        return key

    @classmethod
    def of(cls, row: TallyDocument) -> Request:
        return cls(
            row.start_on,
            row.end_on,
            row.district_code,
            row.building_type,
            row.locale,
            row.public_base_url,
        )


def is_current(row: TallyDocument, stamp: int, today: date) -> bool:
    return (
        row.status == "ready"
        and row.stamp == stamp
        and row.as_of == today
        and row.template_version == tally_report.tally_template_version()
    )


def file_path(config: Config, row: TallyDocument) -> Path:
    return Path(config.REPORT_DIR) / row.file_name


def _row(session: Session, request: Request) -> TallyDocument:
    return document_jobs.row_for(
        session,
        TallyDocument,
        request.key,
        start_on=request.start,
        end_on=request.end,
        district_code=request.district,
        building_type=request.building_type,
        locale=request.locale,
        public_base_url=request.base_url,
    )


def _queue(session: Session, row: TallyDocument, stamp: int) -> bool:
    """Mark the document queued for `stamp` unless a job for it is queued or running
    already; True when this call queued it (and so must send it to the worker)."""
    table = TallyDocument.__table__
    done = session.connection().execute(
        update(table)
        .where(
            table.c.id == row.id,
            or_(table.c.status.in_(ENDED), table.c.stamp != stamp),
        )
        .values(status="queued", stamp=stamp, rows_done=0, error=None, requested_at=dates.now_utc())
    )
    session.commit()
    session.refresh(row)
    return done.rowcount == 1


def get_document(
    *,
    session: Session,
    config: Config,
    request: Request,
    enqueue: Callable[[int], str | None] | None,
) -> TallyDocument:
    """The document for `request`: current (status ready, its file there), or being made.

    A small tally is made here and now; a long one is queued for the worker through
    `enqueue` (`registry.queue.enqueue_tally_document`).
    """
    row = _row(session, request)
    stamp, today = tally_index.stamp(session), dates.today()
    if is_current(row, stamp, today) and file_path(config, row).is_file():
        session.execute(
            update(TallyDocument)
            .where(TallyDocument.id == row.id)
            .values(requested_at=dates.now_utc())
        )
        session.commit()
        return row
    if row.status in ("queued", "running") and row.stamp == stamp:
        return row  # under way
    rows = tally_service.compute(
        session=session,
        start=request.start,
        end=request.end,
        district=request.district,
        building_type=request.building_type,
        rows=0,
    ).row_count
    queued = _queue(session, row, stamp)
    if rows <= MAKE_IN_REQUEST_ROWS or enqueue is None:
        if queued or row.status == "queued":
            make(session=session, config=config, document_id=row.id, worker="web")
            session.refresh(row)
        return row
    if queued:
        error = enqueue(row.id)
        if error:
            log.warning("tally document %s not sent to the worker: %s", row.id, error)
    return row


def pending(*, session: Session, request: Request) -> TallyDocument | None:
    """The document for `request` when a newer one than the current data's is being made."""
    row = session.exec(select(TallyDocument).where(TallyDocument.key == request.key)).first()
    if row is None or is_current(row, tally_index.stamp(session), dates.today()):
        return None
    return row if row.status in ("queued", "running") else None


def make(*, session: Session, config: Config, document_id: int, worker: str) -> bool:
    """Make a queued document (the worker's task, or the request for a small one): read the
    tally at one data stamp, lay it out with progress on the row, store the file; True if
    this call made it. Safe to run twice: the row decides who makes it."""
    claimed = document_jobs.claim(
        session, TallyDocument, document_id, worker, attempts=TallyDocument.attempts + 1
    )
    if not claimed:
        return False
    request = Request.of(session.get(TallyDocument, document_id))
    progress = document_jobs.progress_writer(session, TallyDocument, document_id)

    try:
        stamp = tally_index.stamp(session)  # read first: a later change makes it stale
        today = dates.today()
        tally = tally_service.compute(
            session=session,
            start=request.start,
            end=request.end,
            district=request.district,
            building_type=request.building_type,
            as_of=today,
            evidence=True,
        )
        session.rollback()  # ends the read; nothing was written in it
        progress(0, tally.row_count)
        context = tally_presented.context(
            tally,
            generated_at=dates.now_utc(),
            locale=request.locale,
            public_base_url=request.base_url or config.PUBLIC_BASE_URL,
        )
        pdf = tally_report.tally_pdf(context, progress=progress)
        version = tally_report.tally_template_version()
        # The digest covers the counted rows only; the evidence figures printed beside them
        # name the file too, so two documents of the same rows never share one file.
        evidence = hashlib.sha256(repr(sorted(tally.evidence.items())).encode()).hexdigest()
        name = f"tally-{tally.digest[:24]}-{evidence[:8]}-{request.locale}-{version}.pdf"
        document_jobs.store_file(Path(config.REPORT_DIR), name, pdf)
        values = {
            "status": "ready",
            "stamp": stamp,
            "as_of": today,
            "template_version": version,
            "digest": tally.digest,
            "file_name": name,
            "size_bytes": len(pdf),
            "rows_total": tally.row_count,
            "rows_done": tally.row_count,
            "finished_at": dates.now_utc(),
        }
    except Exception as exc:  # recorded on the row; the sweep queues it again
        log.exception("tally document %s failed", document_id)
        session.rollback()
        values = {"status": "failed", "error": f"{exc.__class__.__name__}: {exc}"[:500]}
    session.execute(
        update(TallyDocument)
        .where(TallyDocument.id == document_id, TallyDocument.status == "running")
        .values(**values)
    )
    session.commit()
    return values["status"] == "ready"


def default_request(session: Session) -> Request:
    """What the dashboard opens on: this year's city-wide tally, in Chinese."""
    year = tally_service.default_year(session=session)
    return Request(date(year, 1, 1), date(year, 12, 31), None, None, DEFAULT_LOCALE)


def sweep(*, session: Session, config: Config, enqueue: Callable[[int], str | None]) -> int:
    """Queue again every document asked for lately (and the default one) that is no longer
    current, and every job whose worker went silent; returns how many were sent."""
    _row(session, default_request(session))
    stamp, today = tally_index.stamp(session), dates.today()
    now = dates.now_utc()
    wanted_since = now - timedelta(days=KEEP_WARM_DAYS)
    silent_since = now - timedelta(seconds=config.STALE_AFTER_S)
    default_key = default_request(session).key
    sent = 0
    rows = session.exec(
        select(TallyDocument).where(
            or_(TallyDocument.requested_at >= wanted_since, TallyDocument.key == default_key)
        )
    ).all()
    for row in rows:
        if is_current(row, stamp, today):
            continue
        stale_job = row.status == "running" and (
            row.heartbeat_at is None or _aware(row.heartbeat_at) < silent_since
        )
        if stale_job:
            session.execute(
                update(TallyDocument)
                .where(TallyDocument.id == row.id, TallyDocument.status == "running")
                .values(status="failed", error="worker went silent")
            )
            session.commit()
            session.refresh(row)
        if row.status in ("queued", "running") and row.stamp == stamp:
            lost = row.status == "queued" and _aware(row.requested_at) < silent_since
            if lost and not enqueue(row.id):  # the broker may have lost it; a claim decides
                sent += 1
            continue
        if _queue(session, row, stamp) and not enqueue(row.id):
            sent += 1
    return sent


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
