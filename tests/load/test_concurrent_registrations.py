"""Fifty API clients register buildings and records at once against gunicorn on PostgreSQL.

What a city IT department asks: how many requests a second, how long each takes, and
whether anything is lost, doubled, or answered with a server error under contention.
A fifth of the records reuse one of ten shared label numbers, so clients race for them:
exactly one wins each, the others get 409, never 500.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text
from sqlmodel import Session

from registry.db import make_engine
from registry.services import users as user_service
from tests.conftest import building_data
from tests.faults.conftest import ROOT, write_figures

pytestmark = [pytest.mark.requires_postgres, pytest.mark.slow]

CLIENTS = int(os.environ.get("REGISTRY_LOAD_CLIENTS", "50"))
REQUESTS_PER_CLIENT = int(os.environ.get("REGISTRY_LOAD_REQUESTS", "100"))
SHARED_LABELS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path, fresh_pg_url):
    """gunicorn -w 4 --threads 2 on a free port; yields (port, database url)."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": fresh_pg_url,
            "REGISTRY_INSTANCE_DIR": str(tmp_path / "inst"),
            "SECRET_KEY": "load-test",
            "WTF_CSRF_ENABLED": "true",
        }
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-w",
                "4",
                "--threads",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "registry.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/api/openapi.json")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, fresh_pg_url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tokens(database_url: str, make_user, count: int) -> list[str]:
    engine = make_engine(database_url)
    tokens = []
    with Session(engine, expire_on_commit=False) as session:
        for index in range(count):
            role = "officer" if index % 2 else "designer"
            user = make_user(
                session,
                role=role,
                districts=("370202",) if role == "officer" else (),
                username=f"load{index}",
            )
            tokens.append(user_service.issue_api_token(session=session, actor=user, user=user))
    engine.dispose()
    return tokens


class Client(threading.Thread):
    """One API client on its own keep-alive connection: a building, then a record on it."""

    def __init__(self, index: int, port: int, token: str, tag: str, start: threading.Event):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.port, self.token, self.tag, self.start_gate = (
            index,
            port,
            token,
            tag,
            start,
        )
        self.calls: list[tuple[str, int, float, dict, str | None]] = []
        self.error: BaseException | None = None

    def _call(self, conn, path: str, body: dict) -> tuple[int, dict, float]:
        payload = json.dumps(body).encode()
        started = time.perf_counter()
        conn.request(
            "POST",
            path,
            body=payload,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = {"raw": data[:200].decode(errors="replace")}
        return response.status, parsed, elapsed

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.start_gate.wait()
        try:
            building_id = None
            for n in range(REQUESTS_PER_CLIENT):
                if n % 2 == 0:
                    body = building_data(name=f"负载测试 {self.tag} c{self.index} b{n // 2}")
                    status, reply, elapsed = self._call(conn, "/api/v1/buildings", body)
                    building_id = reply.get("id") if status == 201 else None
                    self.calls.append(("building", status, elapsed, reply, body["name"]))
                    continue
                record_no = n // 2
                if record_no % 5 == 0:
                    label = f"LOAD-{self.tag}-S{(record_no // 5) % SHARED_LABELS}"
                else:
                    label = f"LOAD-{self.tag}-C{self.index}-{record_no}"
                body = {
                    "kind": "green_label",
                    "level": "2",
                    "stage": "evaluation",
                    "label_number": label,
                    "issued_on": "2021-06-01",
                }
                status, reply, elapsed = self._call(
                    conn, f"/api/v1/buildings/{building_id}/records", body
                )
                self.calls.append(("record", status, elapsed, reply, label))
        except BaseException as exc:  # reported by the test, with the client's index
            self.error = exc
        finally:
            conn.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def test_concurrent_registrations_lose_nothing_and_never_500(server, make_user):
    port, database_url, log = server
    run = uuid.uuid4().hex[:6]
    tokens = _tokens(database_url, make_user, CLIENTS)
    gate = threading.Event()
    clients = [Client(i, port, tokens[i], run, gate) for i in range(CLIENTS)]
    for client in clients:
        client.start()
    started = time.perf_counter()
    gate.set()
    for client in clients:
        client.join(timeout=600)
    wall_s = time.perf_counter() - started
    assert not any(c.is_alive() for c in clients), "clients still running after 600 s"
    errors = [(c.index, repr(c.error)) for c in clients if c.error]
    assert not errors, errors

    calls = [call for c in clients for call in c.calls]
    assert len(calls) == CLIENTS * REQUESTS_PER_CLIENT
    statuses = Counter((kind, status) for kind, status, *_ in calls)
    server_errors = [(kind, status, reply) for kind, status, _, reply, _ in calls if status >= 500]
    assert not server_errors, (server_errors[:5], log.read_text()[-3000:])
    assert set(statuses) <= {("building", 201), ("record", 201), ("record", 409)}, statuses

    # Every accepted building and record is stored exactly once, as answered.
    buildings = {
        reply["id"]: name
        for kind, status, _, reply, name in calls
        if kind == "building" and status == 201
    }
    records = {
        reply["id"]: label
        for kind, status, _, reply, label in calls
        if kind == "record" and status == 201
    }
    engine = make_engine(database_url)
    with engine.connect() as conn:
        stored_buildings = dict(conn.execute(text("SELECT id, name FROM buildings")).all())
        stored_records = dict(conn.execute(text("SELECT id, label_number FROM certificates")).all())
        doubled = conn.execute(
            text(
                "SELECT label_number, count(*) FROM certificates GROUP BY label_number "
                "HAVING count(*) > 1"
            )
        ).all()
        unaudited = conn.execute(
            text(
                "SELECT count(*) FROM buildings b WHERE NOT EXISTS (SELECT 1 FROM audit_events e "
                "WHERE e.entity = 'building' AND e.entity_id = b.id)"
            )
        ).scalar_one()
    engine.dispose()
    assert stored_buildings == buildings
    assert stored_records == records
    assert doubled == []
    assert unaudited == 0

    # Each shared label went to exactly one client; every other attempt was a clear 409.
    by_label: dict[str, Counter] = defaultdict(Counter)
    for kind, status, _, reply, label in calls:
        if kind == "record":
            by_label[label][status] += 1
            if status == 409:
                assert reply["code"] == "record.label_number_taken", reply
                assert "label_number" in reply["errors"]
    shared = {label: counts for label, counts in by_label.items() if "-S" in label}
    assert shared and all(counts[201] == 1 for counts in shared.values()), shared
    assert all(counts[409] == 0 for label, counts in by_label.items() if "-S" not in label)

    latencies_ms = [elapsed * 1000 for _, _, elapsed, _, _ in calls]
    per_kind = {
        kind: {
            "p50_ms": round(_percentile(values, 0.50), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
        }
        for kind in ("building", "record")
        for values in [[e * 1000 for k, _, e, _, _ in calls if k == kind]]
    }
    figures = {
        "server": "gunicorn -w 4 --threads 2, PostgreSQL",
        "clients": CLIENTS,
        "requests": len(calls),
        "wall_seconds": round(wall_s, 2),
        "throughput_req_per_s": round(len(calls) / wall_s, 1),
        "p50_ms": round(_percentile(latencies_ms, 0.50), 1),
        "p95_ms": round(_percentile(latencies_ms, 0.95), 1),
        "p99_ms": round(_percentile(latencies_ms, 0.99), 1),
        "mean_ms": round(statistics.fmean(latencies_ms), 1),
        "by_kind": per_kind,
        "statuses": {f"{kind} {status}": n for (kind, status), n in sorted(statuses.items())},
        "cpu_count": os.cpu_count(),
    }
    path = write_figures("load", figures)
    print(
        f"\nload: {figures['requests']} requests from {CLIENTS} clients in "
        f"{figures['wall_seconds']} s = {figures['throughput_req_per_s']} req/s; "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms; "
        f"{figures['statuses']} -> {path.relative_to(ROOT)}"
    )
