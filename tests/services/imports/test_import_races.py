"""Three commits of the same sheet at the same moment store one batch (issue 24 item 2).

Before the claim and the lock, three simultaneous commits of a 2,000-row retrofit sheet
stored 6,000 records, and a sheet of buildings without label numbers stored each building
two or three times. Threads share an engine; processes each open their own; both run on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import threading
from datetime import date

from sqlmodel import Session, func, select

from registry.db import make_engine
from registry.models import Building, ImportBatch, ImportClaim, Record, User
from registry.services.imports.commit import commit_import

TODAY = date(2024, 6, 1)
N = 3
ROWS = 150


def retrofit_sheet(rows: int = ROWS, tag: str = "") -> bytes:
    """Retrofits without label numbers: only the dry run's duplicate rules can match them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["项目名称", "项目地址", "所在区（市）", "建筑类型", "建筑面积", "改造类型", "开工日期"]
    )
    for n in range(rows):
        writer.writerow(
            [
                f"{tag}小区{n}号楼",
                f"某路{n}号",
                "市南区",
                "住宅",
                10000,
                "老旧小区改造",
                "2023-03-01",
            ]
        )
    return out.getvalue().encode("utf-8")


def _commit(url: str, username: str, data: bytes, barrier, results) -> None:
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = session.exec(select(User).where(User.username == username)).one()
            barrier.wait(timeout=30)
            result = commit_import(
                session=session, actor=actor, data=data, filename="same.csv", today=TODAY
            )
            results.put((result.batch.id if result.batch else None, result.repeated))
    except Exception as error:  # reported to the test, which fails on it
        results.put(("error", repr(error)))
    finally:
        engine.dispose()


def _counts(url: str) -> tuple[int, int, int, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        counted = tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (ImportBatch, ImportClaim, Building, Record)
        )
    engine.dispose()
    return counted


def _admin(session, make_user) -> str:
    return make_user(session, role="admin").username


def _assert_one_batch(url: str, answers: list, rows: int = ROWS) -> None:
    assert not [a for a in answers if a[0] == "error"], answers
    batch_ids = {batch_id for batch_id, _ in answers}
    assert len(batch_ids) == 1 and None not in batch_ids, answers
    assert sorted(repeated for _, repeated in answers) == [False] + [True] * (N - 1)
    assert _counts(url) == (1, 1, rows, rows)


def test_three_threads_commit_one_batch(database_url, session, make_user):
    username = _admin(session, make_user)
    data = retrofit_sheet()
    barrier, answers = threading.Barrier(N), []

    class Sink:
        put = answers.append

    threads = [
        threading.Thread(target=_commit, args=(database_url, username, data, barrier, Sink))
        for _ in range(N)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == N
    _assert_one_batch(database_url, answers)


def test_three_processes_commit_one_batch(database_url, session, make_user):
    username = _admin(session, make_user)
    data = retrofit_sheet()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(N), context.Queue()
    processes = [
        context.Process(target=_commit, args=(database_url, username, data, barrier, results))
        for _ in range(N)
    ]
    for process in processes:
        process.start()
    answers = [results.get(timeout=180) for _ in range(N)]
    for process in processes:
        process.join(timeout=30)
    _assert_one_batch(database_url, answers)


def test_overlapping_sheets_without_keys_store_each_building_once(database_url, session, make_user):
    """Two different files naming the same buildings (no label numbers): the lock makes
    the second see the first's rows as duplicates, so each building is stored once."""
    username = _admin(session, make_user)
    first = retrofit_sheet()
    second = retrofit_sheet() + b"\n"  # other content, same rows
    barrier, answers = threading.Barrier(2), []

    class Sink:
        put = answers.append

    threads = [
        threading.Thread(target=_commit, args=(database_url, username, data, barrier, Sink))
        for data in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [a for a in answers if a[0] == "error"], answers
    assert len([batch_id for batch_id, _ in answers if batch_id is not None]) == 1, answers
    assert _counts(database_url)[2:] == (ROWS, ROWS)
