"""Two worker hosts (network namespaces) share the queue; one is cut off mid-batch.

Each namespace reaches PostgreSQL and Redis on the host through a TCP relay on its veth
link, exactly as a second machine would reach the database server. The check row is the
source of truth: when a host goes silent, another worker's sweeper re-enqueues its check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from registry import queue as job_queue
from registry.models import Check, CheckResult
from tests.conftest import REDIS_URL, redis_available, require, require_service
from tests.faults.conftest import (
    ROOT,
    Registry,
    office_variant,
    write_figures,
)
from tests.faults.netns import create_hosts, delete_hosts, netns_available

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.requires_redis,
    pytest.mark.energyplus,
    pytest.mark.slow,
]

BATCH = 8
STALE_AFTER_S = 8
REDIS_DB = 13  # not the jobs tests' database: they flush theirs


REDIS = urlsplit(REDIS_URL)


def _redis_url(host: str | None = None) -> str:
    """The scale-out's Redis database, directly (host None) or through a relay on `host`."""
    netloc = f"{host}:{REDIS.port or 6379}" if host else REDIS.netloc
    return f"redis://{netloc}/{REDIS_DB}"


def _via(database_url: str, host: str) -> str:
    return make_url(database_url).set(host=host).render_as_string(hide_password=False)


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout=15) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass


class Cluster:
    """Namespaced worker hosts, the relay, and the logs to show when something fails."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.pg = make_url(database_url)
        self.hosts = []
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self, count: int, registry: Registry) -> None:
        self.hosts = create_hosts(count)
        pairs = [
            f"{h.host_ip}:{port}={target}:{port}"
            for h in self.hosts
            for target, port in (
                (self.pg.host, self.pg.port or 5432),
                (REDIS.hostname, REDIS.port or 6379),
            )
        ]
        relay = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.relay", *pairs],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.procs.append(relay)
        assert relay.stdout.readline().strip() == "ready"
        for host in self.hosts:
            env = dict(os.environ)
            env.update(
                {
                    "DATABASE_URL": _via(self.database_url, host.host_ip),
                    "CELERY_BROKER_URL": _redis_url(host.host_ip),
                    "REGISTRY_INSTANCE_DIR": str(registry.config.INSTANCE_DIR),
                    "SECRET_KEY": "test",
                    "REGISTRY_SWEEP_INTERVAL_S": "1",
                    "REGISTRY_STALE_AFTER_S": str(STALE_AFTER_S),
                    "REGISTRY_REQUEUE_AFTER_S": "20",
                }
            )
            log = self.tmp_path / f"{host.name}.log"
            self.logs.append(log)
            with log.open("wb") as out:
                self.procs.append(
                    subprocess.Popen(
                        [
                            *host.exec_prefix(),
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "registry.jobs:celery_app",
                            "worker",
                            "--loglevel=INFO",
                            "--concurrency=1",
                            "-Q",
                            "checks",
                            "-n",
                            f"worker@{host.name}",
                            "--without-gossip",
                            "--without-mingle",
                        ],
                        env=env,
                        cwd=ROOT,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + 60
        while not all(b"ready." in log.read_bytes() for log in self.logs):
            assert time.monotonic() < deadline, self.log_tails()
            assert all(p.poll() is None for p in self.procs), self.log_tails()
            time.sleep(0.2)

    def log_tails(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
            for log in self.logs
            if log.exists()
        )

    def close(self) -> None:
        for proc in reversed(self.procs):
            # A worker cut off from Redis may not hear SIGTERM out; it gets SIGKILL then.
            _stop(proc, timeout=3)
            if proc.stdout is not None:
                proc.stdout.close()
        delete_hosts(self.hosts)


@pytest.fixture
def cluster(tmp_path, fresh_pg_url, request):
    ok, reason = netns_available()
    require(ok, reason)
    require_service("Redis", redis_available(), REDIS_URL)
    import redis

    redis.Redis.from_url(_redis_url()).flushdb()
    admin = sa_create_engine(fresh_pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # What a production server should set too: a client that vanishes mid-transaction
        # must not hold its row locks until TCP keepalive notices (two hours by default).
        conn.execute(
            text(
                f'ALTER DATABASE "{admin.url.database}" '
                "SET idle_in_transaction_session_timeout = '10s'"
            )
        )
    admin.dispose()
    registry = Registry(tmp_path, fresh_pg_url, CELERY_BROKER_URL=_redis_url())
    previous = job_queue.current_config()
    job_queue.configure(registry.config)
    nodes = Cluster(tmp_path, fresh_pg_url)
    try:
        nodes.start(2, registry)
        yield registry, nodes
    finally:
        nodes.close()
        job_queue.configure(previous)
        registry.engine.dispose()


def _submit(registry, make_user, make_building, label: str) -> list[int]:
    return [
        registry.submit(make_user, make_building, office_variant(f"{label}-{n}"), enqueue=True).id
        for n in range(BATCH)
    ]


def _rows(registry, ids) -> list[Check]:
    with Session(registry.engine) as session:
        return list(session.exec(select(Check).where(Check.id.in_(ids)).order_by(Check.id)))


def _wait_all(registry, ids, nodes, timeout_s: float) -> list[Check]:
    deadline = time.monotonic() + timeout_s
    while True:
        rows = _rows(registry, ids)
        if all(row.status in {"done", "failed", "cancelled"} for row in rows):
            return rows
        assert time.monotonic() < deadline, (
            [(r.id, r.status, r.worker) for r in rows],
            nodes.log_tails(),
        )
        time.sleep(0.3)


def _result_counts(registry, ids) -> Counter:
    with Session(registry.engine) as session:
        return Counter(
            dict(
                session.exec(
                    select(CheckResult.check_id, func.count())
                    .where(CheckResult.check_id.in_(ids))
                    .group_by(CheckResult.check_id)
                ).all()
            )
        )


def _host_of(worker: str) -> str:
    # "worker@registry-1a2b-a:12345" -> "registry-1a2b-a"
    return worker.split("@", 1)[1].rsplit(":", 1)[0]


def test_two_hosts_share_a_batch_and_survive_one_being_cut_off(cluster, make_user, make_building):
    registry, nodes = cluster
    host_a, host_b = (h.name for h in nodes.hosts)

    started = time.monotonic()
    first = _submit(registry, make_user, make_building, "batch1")
    rows = _wait_all(registry, first, nodes, timeout_s=180)
    first_s = time.monotonic() - started
    assert [r.status for r in rows] == ["done"] * BATCH, [
        (r.id, r.status, r.error_code, r.error_params) for r in rows
    ]
    split = Counter(_host_of(r.worker) for r in rows)
    assert set(split) == {host_a, host_b}, split
    assert _result_counts(registry, first) == Counter(dict.fromkeys(first, 1))

    # Second batch: wait until host B is running one, then cut its link.
    started = time.monotonic()
    second = _submit(registry, make_user, make_building, "batch2")
    deadline = time.monotonic() + 120
    while True:
        on_b = [
            r
            for r in _rows(registry, second)
            if r.status in {"validating", "running"} and _host_of(r.worker or "@x:0") == host_b
        ]
        if on_b:
            break
        assert time.monotonic() < deadline, nodes.log_tails()
        time.sleep(0.05)
    stranded = on_b[0].id
    nodes.hosts[1].cut()
    cut_at, cut_clock = time.monotonic(), datetime.now(UTC)
    rows = _wait_all(registry, second, nodes, timeout_s=240)
    all_done_s = time.monotonic() - cut_at
    assert [r.status for r in rows] == ["done"] * BATCH, [
        (r.id, r.status, r.error_code, r.error_params) for r in rows
    ]
    assert _result_counts(registry, second) == Counter(dict.fromkeys(second, 1))
    rescued = next(r for r in rows if r.id == stranded)
    assert _host_of(rescued.worker) == host_a and rescued.attempts >= 2, (
        rescued.worker,
        rescued.attempts,
    )
    finished = rescued.finished_at
    if finished.tzinfo is None:
        finished = finished.replace(tzinfo=UTC)
    recovered_s = (finished - cut_clock).total_seconds()
    second_split = Counter(_host_of(r.worker) for r in rows)

    # Nothing was stored twice anywhere, and nothing is left queued or running.
    with Session(registry.engine) as session:
        active = session.exec(
            select(func.count()).select_from(Check).where(Check.status.not_in(["done"]))
        ).one()
    assert active == 0
    write_figures(
        "scale_out",
        {
            "batch": BATCH,
            "hosts": 2,
            "worker_concurrency": 1,
            "stale_after_s": STALE_AFTER_S,
            "batch1_seconds": round(first_s, 2),
            "batch1_split": dict(split),
            "batch2_split": dict(second_split),
            "cut_after_s": round(cut_at - started, 2),
            "stranded_check_done_after_cut_s": round(recovered_s, 2),
            "batch2_done_after_cut_s": round(all_done_s, 2),
        },
    )
    print(
        f"\nscale-out: batch 1 of {BATCH} in {first_s:.1f} s, split {dict(split)}; "
        f"batch 2 split {dict(second_split)}; host B cut off {cut_at - started:.1f} s in, "
        f"its check {stranded} re-run on A (attempt {rescued.attempts}) and done "
        f"{recovered_s:.1f} s after the cut; the whole batch finished "
        f"{all_done_s:.1f} s after the cut (stale after {STALE_AFTER_S} s)"
    )
