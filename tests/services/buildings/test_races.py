"""Review actions at the same moment (issue 24): one wins, the others get 409 and write nothing.

Threads go through the HTTP API of a threaded server, processes call the service each with
its own engine; both on SQLite and PostgreSQL. Before the conditional updates every
approval succeeded (four approve events on one record), and approve and reject both did.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import threading
from datetime import date

import pytest
from sqlmodel import Session, select

from registry.db import make_engine
from registry.models import AuditEvent, Record, User
from registry.services import users as user_service
from registry.services.buildings import records
from tests.conftest import building_data, serve

N = 4
TRIALS = 3


def _people(session, make_user, n):
    drafter = make_user(session, role="officer", districts=["370202"])
    reviewers = [make_user(session, role="officer", districts=["370202"]) for _ in range(n)]
    return drafter, reviewers


def _submitted_record(session, drafter, kind="green_label"):
    from registry.services.buildings import registration

    building = registration.register_building(session=session, actor=drafter, data=building_data())
    data = (
        {
            "kind": "green_label",
            "level": "3",
            "stage": "evaluation",
            "label_number": f"RACE-{building.id}",
            "issued_on": "2021-05-06",
        }
        if kind == "green_label"
        else {"kind": "retrofit", "level": "old_community", "started_on": "2021-04-01"}
    )
    record = records.add_record(session=session, actor=drafter, building_id=building.id, data=data)
    records.submit_record(session=session, actor=drafter, record_id=record.id)
    return record


def _events(session, record_id, action):
    query = select(AuditEvent).where(
        AuditEvent.entity == "record",
        AuditEvent.entity_id == record_id,
        AuditEvent.action == action,
    )
    return session.exec(query).all()


def _assert_consistent(record: Record):
    if record.status == "rejected":
        assert record.approved_by_id is None and record.approved_on is None
        assert record.notice_start_on is None and record.rejected_reason
    else:
        assert record.status in ("notice", "approved")
        assert record.rejected_reason is None and record.approved_by_id is not None


# ---------------------------------------------------------------------------------------
# Threads, over HTTP.


def _post_all(base_url, calls):
    """POST every (path, token, body) at once; [(status, body)] in the calls' order."""
    host, port = base_url.removeprefix("http://").split(":")
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def one(n, path, token, body):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        barrier.wait()
        connection.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        reply = connection.getresponse()
        answers[n] = (reply.status, json.loads(reply.read() or b"{}"))
        connection.close()

    threads = [threading.Thread(target=one, args=(n, *call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.fixture
def people_with_tokens(app_both, make_user):
    with Session(app_both.extensions["registry.engine"], expire_on_commit=False) as session:
        drafter, reviewers = _people(session, make_user, N)
        tokens = [user_service.issue_api_token(session=session, actor=r, user=r) for r in reviewers]
    return drafter, tokens


def test_concurrent_approvals_over_http_one_wins(app_both, people_with_tokens):
    drafter, tokens = people_with_tokens
    engine = app_both.extensions["registry.engine"]
    with serve(app_both) as base_url:
        for _trial in range(TRIALS):
            with Session(engine, expire_on_commit=False) as session:
                record = _submitted_record(session, drafter)
            path = f"/api/v1/records/{record.id}/approve"
            answers = _post_all(base_url, [(path, t, {"date": "2021-05-10"}) for t in tokens])
            statuses = sorted(status for status, _ in answers)
            assert statuses == [200] + [409] * (N - 1), answers
            for status, body in answers:
                if status == 409:
                    assert body["code"] in ("record.changed_meanwhile", "record.bad_transition")
                    assert "nothing was changed" in body["message"] or "未保存" in body["message"]
            with Session(engine) as session:
                assert len(_events(session, record.id, "approve")) == 1
                stored = session.get(Record, record.id)
                assert stored.status == "notice"
                _assert_consistent(stored)


def test_approve_and_reject_at_once_over_http(app_both, people_with_tokens):
    drafter, tokens = people_with_tokens
    engine = app_both.extensions["registry.engine"]
    with serve(app_both) as base_url:
        for _trial in range(TRIALS):
            with Session(engine, expire_on_commit=False) as session:
                record = _submitted_record(session, drafter, kind="retrofit")
            calls = [
                (f"/api/v1/records/{record.id}/approve", tokens[0], {}),
                (f"/api/v1/records/{record.id}/reject", tokens[1], {"reason": "材料不全"}),
            ]
            answers = _post_all(base_url, calls)
            assert sorted(status for status, _ in answers) == [200, 409], answers
            with Session(engine) as session:
                stored = session.get(Record, record.id)
                _assert_consistent(stored)
                moves = _events(session, record.id, "approve") + _events(
                    session, record.id, "reject"
                )
                assert len(moves) == 1


# ---------------------------------------------------------------------------------------
# Processes, each with its own engine.


def _act(url, username, record_id, action, barrier, results):
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = session.exec(select(User).where(User.username == username)).one()
            barrier.wait(timeout=60)
            try:
                if action == "approve":
                    records.approve_record(
                        session=session, actor=actor, record_id=record_id, on=date(2021, 5, 10)
                    )
                else:
                    records.reject_record(
                        session=session, actor=actor, record_id=record_id, reason="材料不全"
                    )
                results.put((action, 200, ""))
            except Exception as exc:  # the test reads what each process got
                results.put((action, getattr(exc, "status", 500), getattr(exc, "code", repr(exc))))
    finally:
        engine.dispose()


def _race(url, jobs):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [
        context.Process(target=_act, args=(url, username, record_id, action, barrier, results))
        for username, record_id, action in jobs
    ]
    for process in processes:
        process.start()
    got = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return got


@pytest.mark.slow
def test_concurrent_approvals_from_processes_one_wins(database_url, session, make_user):
    drafter, reviewers = _people(session, make_user, N)
    record = _submitted_record(session, drafter)
    got = _race(database_url, [(r.username, record.id, "approve") for r in reviewers])
    assert sorted(status for _, status, _ in got) == [200] + [409] * (N - 1), got
    session.expire_all()
    assert len(_events(session, record.id, "approve")) == 1
    _assert_consistent(session.get(Record, record.id))


@pytest.mark.slow
def test_approve_and_reject_from_processes(database_url, session, make_user):
    drafter, reviewers = _people(session, make_user, 2)
    record = _submitted_record(session, drafter, kind="retrofit")
    got = _race(
        database_url,
        [
            (reviewers[0].username, record.id, "approve"),
            (reviewers[1].username, record.id, "reject"),
        ],
    )
    assert sorted(status for _, status, _ in got) == [200, 409], got
    session.expire_all()
    _assert_consistent(session.get(Record, record.id))
    moves = _events(session, record.id, "approve") + _events(session, record.id, "reject")
    assert len(moves) == 1
