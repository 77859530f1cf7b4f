"""Real Celery workers (subprocesses) on the embedded SQLite broker and on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.db import make_engine
from registry.migrate import upgrade
from registry.models import Check
from registry.services.checks import weather_seed
from tests.conftest import REDIS_URL, make_config, redis_available, require_service

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "energyplus_models"


def sample_model(name: str) -> bytes:
    return (MODELS / name).read_bytes()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.requires_redis)])
def broker_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    require_service("Redis", redis_available(), REDIS_URL)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def pipeline(tmp_path, broker_url):
    """A migrated SQLite registry with weather seeded, and a way to start real workers."""
    database_url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    upgrade(database_url)
    config = make_config(tmp_path, database_url, CELERY_BROKER_URL=broker_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        weather_seed.seed(session)
    from registry import queue as job_queue

    job_queue.configure(config)
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "REGISTRY_INSTANCE_DIR": str(config.INSTANCE_DIR),
            "SECRET_KEY": "test",
            "REGISTRY_SWEEP_INTERVAL_S": "1",
            "REGISTRY_STALE_AFTER_S": "4",
            "REGISTRY_REQUEUE_AFTER_S": "5",
        }
    )
    workers: list[subprocess.Popen] = []

    @contextmanager
    def worker(name: str = "w1", concurrency: int = 1):
        proc = start_worker(env, tmp_path / f"{name}.log", name, concurrency)
        workers.append(proc)
        try:
            yield proc
        finally:
            stop_worker(proc)

    yield type(
        "Pipeline",
        (),
        {"config": config, "engine": engine, "worker": worker, "env": env, "tmp_path": tmp_path},
    )
    for proc in workers:
        stop_worker(proc)
    engine.dispose()


def start_worker(env: dict, log: Path, name: str, concurrency: int) -> subprocess.Popen:
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "registry.jobs:celery_app",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "-Q",
                "checks",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(proc: subprocess.Popen) -> None:
    """As `registry worker-stop` does (registry.jobs.stop_worker_process), then reaped."""
    from registry.jobs import stop_worker_process

    if proc.poll() is None:
        stop_worker_process(proc.pid)
    proc.wait()


def wait_for(engine, check_id: int, states: set[str], timeout_s: float = 120) -> Check:
    deadline = time.monotonic() + timeout_s
    while True:
        with Session(engine) as session:
            check = session.exec(select(Check).where(Check.id == check_id)).one()
        if check.status in states:
            return check
        if time.monotonic() > deadline:
            raise AssertionError(f"check {check_id} still {check.status} after {timeout_s} s")
        time.sleep(0.3)
