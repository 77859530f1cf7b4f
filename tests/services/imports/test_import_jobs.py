"""Imports as jobs (issue 23): the worker's run, its live progress, and a cancel that
leaves nothing half-written."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

from sqlmodel import Session, func, select

from bench.bench_import import build_csv
from registry.models import AuditEvent, Building, ImportBatch, ImportJob, Record
from registry.services.imports import jobs
from registry.services.imports import progress as import_progress
from registry.services.imports.outcomes import Preview

ROWS = 6_000


def _start(session, actor, folder: Path, data: bytes, kind: str) -> ImportJob:
    sha256 = hashlib.sha256(data).hexdigest()
    jobs.upload_path(folder, actor.id, sha256).write_bytes(data)
    sent = []
    job = jobs.start_import(
        session=session,
        actor=actor,
        kind=kind,
        sha256=sha256,
        filename="bench.csv",
        size_bytes=len(data),
        mapping=None,
        locale="en",
        enqueue=sent.append,
    )
    assert sent == [job.id] and job.state == "queued"
    return job


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_commit_job_reports_progress_and_stores_its_batch(
    engine, session, make_user, tmp_path, monkeypatch
):
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(ROWS), "commit")
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)  # every chunk, to watch it move
    seen: list[dict] = []
    stop = threading.Event()

    def watch():
        path = tmp_path / f"job-{job.id}.json"
        while not stop.is_set():
            try:
                seen.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                pass
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    state = jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w")
    stop.set()
    watcher.join()
    assert state == "done"
    session.expire_all()
    finished = session.get(ImportJob, job.id)
    assert finished.state == "done" and finished.batch_id is not None
    assert finished.rows_checked == finished.rows_read > 0
    batch = session.get(ImportBatch, finished.batch_id)
    assert finished.rows_written == batch.new_buildings + batch.new_records
    assert _count(session, Record) == batch.new_records
    checked = [snapshot["checked"] for snapshot in seen]
    assert checked == sorted(checked) and len(set(checked)) > 2  # it moved
    assert any(snapshot["written"] for snapshot in seen)
    progress = import_progress.progress_of(job=finished, folder=tmp_path)
    assert progress["fraction"] == 1.0 and progress["state"] == "done"
    # Delivered twice: the row says it ran; nothing runs again.
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w2") == (
        "not-mine"
    )


def test_a_commits_bar_covers_its_audit_events_and_tally_and_never_goes_back(
    engine, session, make_user, tmp_path, monkeypatch
):
    """The writing half ends when the tally is counted, not when the last row is inserted:
    the audit events and the tally took a third of a 100,000-row commit with the bar full
    and "0 s left" (seen on the job page)."""
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(ROWS), "commit")
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)
    real_write = import_progress.Progress.write
    seen: list[tuple[dict, float]] = []

    def write_and_read(self):
        real_write(self)
        running = ImportJob(id=job.id, kind="commit", state="running")  # as the page reads it
        live = json.loads(self.path.read_text())
        shown = import_progress.progress_of(job=running, folder=tmp_path)
        seen.append((live, shown["fraction"]))
        if not steps or steps[-1] != shown["step"]:
            steps.append(shown["step"])

    steps: list[str] = []
    monkeypatch.setattr(import_progress.Progress, "write", write_and_read)
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == "done"
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 0.99
    # The words beside the bar follow the work, in order, never back.
    assert steps[-3:] == ["checking", "writing", "finishing"]
    assert steps[:-3] in ([], ["reading"])
    last = seen[-1][0]
    assert last["written"] == last["to_write"] > 0
    assert last["finishing"] == last["finishing_total"] == 2 * last["to_write"]
    # Every row written, the events and the tally still to come: the bar is not full.
    rows_done = [
        f for live, f in seen if live["written"] == live["to_write"] and not live["finishing"]
    ]
    assert rows_done and max(rows_done) < 0.7


def test_a_commit_cancelled_after_its_rows_leaves_nothing(
    engine, session, make_user, tmp_path, monkeypatch
):
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(ROWS), "commit")
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)
    real = import_progress.Progress.__call__

    def cancel_while_finishing(self, phase, count):
        if phase == "finishing":  # every row inserted, the audit events going in
            with Session(engine) as other:
                jobs.cancel_import(session=other, actor=admin, job_id=job.id, folder=tmp_path)
        return real(self, phase, count)

    monkeypatch.setattr(import_progress.Progress, "__call__", cancel_while_finishing)
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == (
        "cancelled"
    )
    session.expire_all()
    for model in (Building, Record, ImportBatch):
        assert _count(session, model) == 0, model
    imported = select(func.count()).select_from(AuditEvent).where(AuditEvent.import_id.is_not(None))
    assert session.exec(imported).one() == 0


def test_a_cancelled_commit_leaves_nothing(engine, session, make_user, tmp_path, monkeypatch):
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(ROWS), "commit")
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)
    real = import_progress.Progress.__call__

    def cancel_while_writing(self, phase, count):
        if phase == "written":  # the user clicks while rows are being inserted
            with Session(engine) as other:
                jobs.cancel_import(session=other, actor=admin, job_id=job.id, folder=tmp_path)
        return real(self, phase, count)

    monkeypatch.setattr(import_progress.Progress, "__call__", cancel_while_writing)
    state = jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w")
    assert state == "cancelled"
    session.expire_all()
    assert session.get(ImportJob, job.id).state == "cancelled"
    for model in (Building, Record, ImportBatch):
        assert _count(session, model) == 0, model
    imported = select(func.count()).select_from(AuditEvent).where(AuditEvent.import_id.is_not(None))
    assert session.exec(imported).one() == 0
    assert not list(tmp_path.glob("job-*"))  # progress and marker files gone


def test_a_queued_job_cancels_at_once_and_never_runs(engine, session, make_user, tmp_path):
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(50), "commit")
    jobs.cancel_import(session=session, actor=admin, job_id=job.id, folder=tmp_path)
    assert session.get(ImportJob, job.id).state == "cancelled"
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == (
        "not-mine"
    )
    assert _count(session, Building) == 0


def test_a_preview_job_keeps_the_preview_and_writes_nothing(engine, session, make_user, tmp_path):
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(1_000), "preview")
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == "done"
    session.expire_all()
    done = session.get(ImportJob, job.id)
    preview = Preview.from_dict(done.result)
    assert preview.counts["new_building"] > 900 and preview.rows
    assert preview.rows[0].outcome in ("new_building", "rejected", "duplicate")
    assert _count(session, Building) == 0


def test_a_refused_file_fails_the_job_with_its_reason(engine, session, make_user, tmp_path):
    admin = make_user(session, role="admin")
    data = "项目名称,建筑面积\n".encode() + b"x" * 40_000 + b",1\n"
    job = _start(session, admin, tmp_path, data, "preview")
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == "failed"
    session.expire_all()
    failed = session.get(ImportJob, job.id)
    assert failed.error_code == "import.cell_too_long" and failed.error_params["row"] == 2


def test_a_queued_job_whose_message_was_lost_is_sent_again_once(
    engine, session, make_user, tmp_path, monkeypatch
):
    from datetime import timedelta

    from registry.models import utcnow

    monkeypatch.setattr(jobs, "_resent", {})  # this process's memory of earlier test runs

    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(10), "commit")
    fresh = _start(session, admin, tmp_path, build_csv(11), "commit")
    job.created_at = utcnow() - timedelta(minutes=5)
    session.add(job)
    session.commit()
    sent: list[int] = []
    assert jobs.recover(engine=engine, enqueue=sent.append) == 1
    assert jobs.recover(engine=engine, enqueue=sent.append) == 0  # not again at once
    assert sent == [job.id] and fresh.id not in sent


def test_a_running_job_whose_worker_died_fails_and_stored_nothing(
    engine, session, make_user, tmp_path
):
    from datetime import timedelta

    from registry.models import utcnow

    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(10), "commit")
    assert jobs._claim(engine, job.id, "dead-worker")
    assert jobs.fail_lost(engine=engine, folder=tmp_path) == 0  # just started
    session.expire_all()
    row = session.get(ImportJob, job.id)
    row.started_at = utcnow() - timedelta(minutes=10)
    session.add(row)
    session.commit()
    assert jobs.fail_lost(engine=engine, folder=tmp_path) == 1
    session.expire_all()
    assert session.get(ImportJob, job.id).state == "failed"
    assert session.get(ImportJob, job.id).error_code == "import.worker_lost"
    assert _count(session, Building) == 0


def test_an_unexpected_error_fails_the_job_and_stores_nothing(
    engine, session, make_user, tmp_path, monkeypatch
):
    import pytest

    from registry.services.imports import commit as import_commit

    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(100), "commit")

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_commit, "write_plan", broken)
    with pytest.raises(RuntimeError):
        jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w")
    session.expire_all()
    assert session.get(ImportJob, job.id).state == "failed"
    assert session.get(ImportJob, job.id).error_code == "import.failed"
    assert _count(session, Building) == 0 and _count(session, ImportBatch) == 0


def test_a_meter_commit_cancelled_while_writing_leaves_nothing(
    engine, session, make_user, make_building, tmp_path, monkeypatch
):
    """The meter import on the same job rows: the worker dispatches on the kind, reports
    rows read, checked and building-years written, and a cancel rolls it all back."""
    from registry.models import ImportClaim, MeteredYear
    from registry.services.metered import imports as meter_imports

    admin = make_user(session, role="admin")
    ids = [make_building(session, admin).id for _ in range(3)]
    lines = ["登记编号,年份,用电量(kWh)"] + [
        f"{i},{y},100000" for i in ids for y in range(2015, 2024)
    ]
    data = "\n".join(lines).encode()
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)
    monkeypatch.setattr(meter_imports, "PROGRESS_ROWS", 5)
    done = _start(session, admin, tmp_path, data, "meter_preview")
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=done.id, worker="w") == "done"
    session.expire_all()
    previewed = session.get(ImportJob, done.id)
    assert previewed.rows_read == previewed.rows_checked == 27
    assert previewed.result["counts"]["years"] == 27 and _count(session, MeteredYear) == 0

    job = _start(session, admin, tmp_path, data, "meter_commit")
    real = import_progress.Progress.__call__

    def cancel_while_writing(self, phase, count):
        if phase == "written":
            with Session(engine) as other:
                jobs.cancel_import(
                    session=other,
                    actor=admin,
                    job_id=job.id,
                    folder=tmp_path,
                    kinds=jobs.METER_KINDS,
                )
        return real(self, phase, count)

    monkeypatch.setattr(import_progress.Progress, "__call__", cancel_while_writing)
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == (
        "cancelled"
    )
    session.expire_all()
    assert session.get(ImportJob, job.id).state == "cancelled"
    for model in (MeteredYear, ImportBatch, ImportClaim):
        assert _count(session, model) == 0, model
    imported = select(func.count()).select_from(AuditEvent).where(AuditEvent.import_id.is_not(None))
    assert session.exec(imported).one() == 0


def test_the_words_beside_the_bar_say_what_a_job_is_doing(tmp_path):
    """An XLSX's sheet takes seconds to open before its first row is read: the page says
    so rather than stand at 0 as "Running"; a job that has ended is doing nothing."""

    def step(kind, state, live=None):
        if live is not None:
            import_progress.progress_path(tmp_path, 7).write_text(json.dumps(live))
        job = ImportJob(id=7, kind=kind, state=state)
        return import_progress.progress_of(job=job, folder=tmp_path)["step"]

    assert step("preview", "running") == "reading"  # no progress written yet
    assert step("preview", "running", {"read": 1000, "checked": 0, "total": 5000}) == "checking"
    live = {"read": 5000, "checked": 5000, "total": 5000, "written": 10, "to_write": 4000}
    assert step("commit", "running", live) == "writing"
    live.update(written=4000, finishing=0, finishing_total=8000)
    assert step("commit", "running", live) == "finishing"
    assert step("commit", "done") is None and step("preview", "queued") is None


def test_the_bar_stays_full_while_the_result_is_stored(
    engine, session, make_user, tmp_path, monkeypatch
):
    """Between the end of the work and the row saying done, the page still reads the
    progress file: it showed an empty bar for as long as the result took to store (seen by
    the browser test), as the file was removed first."""
    admin = make_user(session, role="admin")
    job = _start(session, admin, tmp_path, build_csv(ROWS), "commit")
    monkeypatch.setattr(import_progress, "PROGRESS_EVERY_S", 0.0)
    shown: list[float] = []
    real_finish = jobs._finish

    def finish(engine_, job_id, **values):
        running = ImportJob(id=job_id, kind="commit", state="running")  # as the page reads it
        shown.append(import_progress.progress_of(job=running, folder=tmp_path)["fraction"])
        real_finish(engine_, job_id, **values)

    monkeypatch.setattr(jobs, "_finish", finish)
    assert jobs.run_import(engine=engine, folder=tmp_path, job_id=job.id, worker="w") == "done"
    assert shown == [0.99]  # the last the running job's page showed: not an empty bar
    assert not (tmp_path / f"job-{job.id}.json").exists()  # and then the file is gone
