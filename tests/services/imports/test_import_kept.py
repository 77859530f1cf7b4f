"""A commit on another worker process than its dry run's (issue 23): the dry run is written
down beside the upload (`kept.share`) and read by that process (`kept.adopt`) only when it
is signed by this registry's secret and code; then confirmed as its own, else made again.
Real forks, files and databases throughout; "another process" is this one after letting
go of the dry run it kept in memory."""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from bench.bench_import import build_csv
from registry.domain import dates
from registry.models import ImportBatch, ImportJob
from registry.services.imports import jobs, kept
from tests.services.imports.test_import_jobs import _start

SECRET = "the registry's secret"


@pytest.fixture(autouse=True)
def _day_held(monkeypatch):
    """The dry run is kept for its day only: the day held still."""
    monkeypatch.setattr(dates, "today", lambda: date(2024, 6, 1))


def _run(engine, folder: Path, actor, data: bytes, kind: str, *, secret=SECRET) -> ImportJob:
    with Session(engine, expire_on_commit=False) as session:
        job = _start(session, actor, folder, data, kind)
    state = jobs.run_import(engine=engine, folder=folder, job_id=job.id, worker="w", secret=secret)
    with Session(engine) as session:
        finished = session.get(ImportJob, job.id)
        assert state == "done", (finished.error_code, finished.error_params)
        return finished


def _written_down(folder: Path, actor, data: bytes) -> Path:
    """The file of `data`'s dry run, once its forked writer is done."""
    upload = jobs.upload_path(folder, actor.id, hashlib.sha256(data).hexdigest())
    path = kept.path_for(upload)
    marker = kept.marker_for(path)
    deadline = time.monotonic() + 60
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not marker.exists() and path.exists()
    return path


def _new_buildings(engine, job: ImportJob) -> int:
    with Session(engine) as session:
        return session.get(ImportBatch, job.batch_id).new_buildings


def test_a_commit_on_another_process_takes_the_dry_run_written_down(
    stored_by, sorted_rows, tmp_path
):
    """Its every row of every table, ids included, is what a commit without any dry run
    stores; not one row sorted again; the file goes with the upload."""
    data = build_csv(2_500)  # new buildings with labels, duplicates, refused rows
    written = {}
    for other_process in (True, False):

        def commit(engine, _session, importer, other_process=other_process):
            if other_process:
                _run(engine, tmp_path, importer, data, "preview")
                path = _written_down(tmp_path, importer, data)
                kept.keep(None)  # the other process keeps nothing in memory
            sorted_rows.clear()
            commit = _run(engine, tmp_path, importer, data, "commit")
            assert sum(sorted_rows) == (0 if other_process else 2_500)
            assert commit.rows_checked == commit.rows_read == 2_500 - commit.result["skipped"]
            if other_process:
                assert not path.exists() and not path.with_name(path.name[:-5]).exists()

        written[other_process] = stored_by(commit)
    assert written[True] == written[False]
    assert len(written[True]["buildings"]) > 2_000


def _forged(path: Path) -> None:
    """The file rewritten with a dry run that leaves out all but one of its rows to store,
    under the signature it had: what someone who can write to the folder might try."""
    data = path.read_bytes()
    found = pickle.loads(data[32:])
    found.run.preview.plan = found.run.preview.plan[:1]
    path.write_bytes(data[:32] + pickle.dumps(found))


@pytest.mark.parametrize("change", ["forged", "cut short", "another secret", "other code"])
def test_a_dry_run_written_down_is_read_only_under_its_signature(
    engine, session, make_user, sorted_rows, tmp_path, monkeypatch, change
):
    """Else the commit makes its dry run again, and stores every row the file holds."""
    importer = make_user(session, role="admin", username="importer")
    data = build_csv(300)
    _run(engine, tmp_path, importer, data, "preview")
    path = _written_down(tmp_path, importer, data)
    kept.keep(None)
    secret = SECRET
    if change == "forged":
        _forged(path)
    elif change == "cut short":
        path.write_bytes(path.read_bytes()[:-100])
    elif change == "another secret":
        secret = "another registry's secret"
    else:  # a worker updated since it wrote the file
        monkeypatch.setattr(kept, "_code_digest", hashlib.blake2b(b"other code").digest())
    sorted_rows.clear()
    commit = _run(engine, tmp_path, importer, data, "commit", secret=secret)
    assert sum(sorted_rows) == 300
    assert _new_buildings(engine, commit) == commit.result["counts"]["new_building"] > 250


def test_the_same_file_signed_as_written_is_read(engine, session, make_user, sorted_rows, tmp_path):
    """The counterpart of the test above: its checks fail for the change, not for the
    file (a file put back byte for byte is taken)."""
    importer = make_user(session, role="admin", username="importer")
    data = build_csv(300)
    _run(engine, tmp_path, importer, data, "preview")
    path = _written_down(tmp_path, importer, data)
    path.write_bytes(path.read_bytes())
    kept.keep(None)
    sorted_rows.clear()
    commit = _run(engine, tmp_path, importer, data, "commit")
    assert sum(sorted_rows) == 0
    assert _new_buildings(engine, commit) > 250


def test_a_commit_that_comes_while_the_dry_run_is_written_waits_for_it(
    engine, session, make_user, sorted_rows, tmp_path
):
    importer = make_user(session, role="admin", username="importer")
    data = build_csv(300)
    _run(engine, tmp_path, importer, data, "preview")
    path = _written_down(tmp_path, importer, data)
    kept.keep(None)
    # Still being written: the marker there, the file not yet.
    aside = path.rename(tmp_path / "aside")
    marker = kept.marker_for(path)
    marker.touch()

    def finish_writing():
        time.sleep(0.5)
        aside.rename(path)
        marker.unlink()

    writer = threading.Thread(target=finish_writing)
    writer.start()
    upload = path.with_name(path.name.removesuffix(".kept"))
    assert kept.adopt(upload, secret=SECRET, sha256=hashlib.sha256(data).hexdigest())
    writer.join()
    # A marker left by a writer that died is waited for `WRITE_WAIT_S` from its time only.
    kept.keep(None)
    path.unlink()
    marker.touch()
    old = time.time() - kept.WRITE_WAIT_S - 1
    os.utime(marker, (old, old))
    started = time.monotonic()
    assert not kept.adopt(upload, secret=SECRET, sha256=hashlib.sha256(data).hexdigest())
    assert time.monotonic() - started < 1


def test_dry_runs_written_down_long_ago_are_removed(
    engine, session, make_user, sorted_rows, tmp_path
):
    importer = make_user(session, role="admin", username="importer")
    old, recent = tmp_path / "1-old.kept", tmp_path / "1-recent.kept"
    # Left behind by a writer killed midway, long ago.
    marker, scratch = tmp_path / "1-gone.kept.writing", tmp_path / "1-gone.kept.99.tmp"
    for path, age_s in (
        (old, kept.KEPT_FOR_S + 60),
        (recent, kept.KEPT_FOR_S - 60),
        (marker, kept.KEPT_FOR_S + 60),
        (scratch, kept.KEPT_FOR_S + 60),
    ):
        path.write_bytes(b"a dry run")
        then = time.time() - age_s
        os.utime(path, (then, then))
    _run(engine, tmp_path, importer, build_csv(100), "preview")
    assert recent.exists()
    assert not old.exists() and not marker.exists() and not scratch.exists()


def test_without_the_registrys_secret_nothing_is_written_down(
    engine, session, make_user, sorted_rows, tmp_path
):
    importer = make_user(session, role="admin", username="importer")
    _run(engine, tmp_path, importer, build_csv(100), "preview", secret=None)
    assert not list(tmp_path.glob("*.kept*"))


def test_a_dry_run_that_cannot_be_written_down_is_still_done(
    engine, session, make_user, sorted_rows, tmp_path, monkeypatch
):
    """Writing it down only saves a commit time: a fork refused (no memory, no process
    left) leaves the preview done and no marker that a commit would wait for."""

    def refused(_work):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(kept.forked, "detached", refused)
    importer = make_user(session, role="admin", username="importer")
    job = _run(engine, tmp_path, importer, build_csv(100), "preview")
    assert job.result["counts"]["new_building"] > 50
    assert not list(tmp_path.glob("*.kept*"))
