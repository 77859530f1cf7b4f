"""Import commits (building and meter data) and the quota list's documents, queued as their
pages queue them and run by a real Celery worker (issue 23)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bench.bench_import import build_csv
from registry.models import AuditEvent, Building, ImportJob, Record, TallyEpisode
from registry.queue import enqueue_import
from registry.services import users as user_service
from registry.services.imports import checking, jobs

pytestmark = pytest.mark.slow


def test_a_worker_commits_a_queued_import(pipeline):
    # As long as a sheet that the worker checks and writes with a forked copy of its pool
    # process (`imports.forked`): the copy runs inside a real Celery worker here.
    data = build_csv(checking.FORK_FROM_ROWS + 1_000)  # its plan as long too
    folder = Path(pipeline.config.UPLOAD_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    with Session(pipeline.engine, expire_on_commit=False) as session:
        admin = user_service.create_user(
            session=session,
            actor=None,
            username="importer",
            password="correct-horse-battery",
            role="admin",
            districts=[],
        )
        sha256 = hashlib.sha256(data).hexdigest()
        jobs.upload_path(folder, admin.id, sha256).write_bytes(data)
        job = jobs.start_import(
            session=session,
            actor=admin,
            kind="commit",
            sha256=sha256,
            filename="sheet.csv",
            size_bytes=len(data),
            mapping=None,
            locale="en",
            enqueue=enqueue_import,
        )
    with pipeline.worker():
        deadline = time.monotonic() + 120
        while True:
            with Session(pipeline.engine) as session:
                row = session.get(ImportJob, job.id)
            if row.state not in jobs.ACTIVE or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert row.state == "done", (row.state, row.error_code)
    assert row.worker.startswith("worker:") and row.batch_id
    with Session(pipeline.engine) as session:
        stored = session.exec(select(func.count()).select_from(Record)).one()
        events = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.import_id.isnot(None))
        ).one()
        buildings = session.exec(select(func.count()).select_from(Building)).one()
        counted = session.exec(select(func.count()).select_from(TallyEpisode)).one()
    assert stored == row.result["counts"]["new_building"] + row.result["counts"]["new_record"]
    assert stored > 19_000 and events == buildings + stored and counted >= stored
    assert not (folder / f"{admin.id}-{sha256}").exists()  # the upload is used once


def test_a_worker_commits_a_queued_meter_import(pipeline):
    """The meter import's commit, queued as its page queues it, run by a real worker: the
    task dispatches on the job's kind."""
    from registry.models import MeteredYear
    from registry.services.buildings import registration as building_service
    from tests.conftest import building_data

    folder = Path(pipeline.config.UPLOAD_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    with Session(pipeline.engine, expire_on_commit=False) as session:
        admin = user_service.create_user(
            session=session,
            actor=None,
            username="meters",
            password="correct-horse-battery",
            role="admin",
            districts=[],
        )
        building = building_service.register_building(
            session=session, actor=admin, data=building_data()
        )
        lines = ["登记编号,年份,月份,用电量(kWh)"]
        lines += [f"{building.id},2023,{month},20000" for month in range(1, 13)]
        data = "\n".join(lines).encode()
        sha256 = hashlib.sha256(data).hexdigest()
        jobs.upload_path(folder, admin.id, sha256).write_bytes(data)
        job = jobs.start_import(
            session=session,
            actor=admin,
            kind="meter_commit",
            sha256=sha256,
            filename="meters.csv",
            size_bytes=len(data),
            mapping=None,
            locale="en",
            enqueue=enqueue_import,
        )
    with pipeline.worker():
        deadline = time.monotonic() + 120
        while True:
            with Session(pipeline.engine) as session:
                row = session.get(ImportJob, job.id)
            if row.state not in jobs.ACTIVE or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert row.state == "done", (row.state, row.error_code)
    assert row.worker.startswith("worker:") and row.batch_id and row.rows_written == 1
    assert row.rows_read == row.rows_checked == 12
    with Session(pipeline.engine) as session:
        stored = session.exec(select(MeteredYear)).one()
    assert (stored.building_id, stored.electricity_kwh, stored.complete) == (
        building.id,
        240_000,
        True,
    )
    assert not (folder / f"{admin.id}-{sha256}").exists()  # the upload is used once


def test_a_worker_makes_quota_list_documents_sent_and_lost(pipeline, monkeypatch):
    """The quota list's XLSX queued as its page queues it, and its PDF queued while the
    broker was down (the message never sent, five minutes ago): one real worker makes the
    first from its message and sweeps up the second (at its start and every tick)."""
    from datetime import timedelta

    from sqlalchemy import update

    from registry.domain import dates
    from registry.models import QuotaListDocument
    from registry.queue import enqueue_quota_document
    from registry.services.buildings import registration as building_service
    from registry.services.metered import documents, years
    from tests.conftest import building_data

    monkeypatch.setattr(documents, "MAKE_IN_REQUEST_ENTRIES", 0)
    folder = Path(pipeline.config.REPORT_DIR)
    with Session(pipeline.engine, expire_on_commit=False) as session:
        admin = user_service.create_user(
            session=session,
            actor=None,
            username="lister",
            password="correct-horse-battery",
            role="admin",
            districts=[],
        )
        building = building_service.register_building(
            session=session, actor=admin, data=building_data()
        )
        years.enter_year(
            session=session,
            actor=admin,
            building_id=building.id,
            year=2022,
            values={"electricity_kwh": "400000"},
        )
        sent = documents.Request("xlsx", 2022, None, None, None, "zh_Hans_CN")
        queued = documents.get_document(
            session=session, folder=folder, request=sent, enqueue=enqueue_quota_document
        )
        lost = documents.get_document(
            session=session,
            folder=folder,
            request=documents.Request("pdf", 2022, None, None, None, "zh_Hans_CN"),
            enqueue=lambda document_id: "broker down",
        )
        session.execute(
            update(QuotaListDocument)
            .where(QuotaListDocument.id == lost.row.id)
            .values(requested_at=dates.now_utc() - timedelta(minutes=5))
        )
        session.commit()
    assert queued.row is not None and queued.row.status == "queued"
    ids = (queued.row.id, lost.row.id)
    with pipeline.worker():
        deadline = time.monotonic() + 120
        while True:
            with Session(pipeline.engine) as session:
                rows = [session.get(QuotaListDocument, i) for i in ids]
            done = all(row.status in ("ready", "failed") for row in rows)
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    made, swept = rows
    assert made.status == "ready", (made.status, made.error)
    assert made.worker.startswith("worker:") and made.rows_total == 1
    with Session(pipeline.engine) as session:
        served = documents.get_document(
            session=session, folder=folder, request=sent, enqueue=enqueue_quota_document
        )
    assert served.path is not None and served.path.read_bytes()[:2] == b"PK"
    assert swept.status == "ready", (swept.status, swept.error)
    assert swept.rows_done == swept.rows_total == 1 and swept.heartbeat_at is not None
