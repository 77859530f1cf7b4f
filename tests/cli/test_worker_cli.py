"""`registry worker-start` and `worker-stop`, as `make run` uses them, on real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def registry(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("registry")), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.slow
def test_worker_stop_ends_an_idle_worker_and_its_pool_with_a_warm_shutdown(tmp_path):
    """Sent to the worker's whole process group, SIGTERM killed the pool processes too: the
    main process then hung at exit on billiard's queue lock, for good, and `worker-stop` gave
    up after 10 s with the worker still there."""
    instance = tmp_path / "instance"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        "REGISTRY_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "test-secret",
    }
    assert registry(env, "init").returncode == 0
    log = tmp_path / "worker.log"
    started = registry(env, "worker-start", "--log", str(log))
    assert started.returncode == 0, started.stdout + started.stderr
    pid = int((instance / "worker.pid").read_text())
    deadline = time.monotonic() + 90
    while b"ready." not in log.read_bytes():
        assert time.monotonic() < deadline and alive(pid), log.read_text()[-3000:]
        time.sleep(0.2)
    pool = [
        int(p)
        for p in subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    assert pool  # the prefork pool's processes

    try:
        stopped = registry(env, "worker-stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert not alive(pid) and not any(alive(p) for p in pool), log.read_text()[-3000:]
        assert not (instance / "worker.pid").exists()
        text = log.read_text()
        assert "Warm shutdown" in text and "Cold shutdown" not in text.title()
        assert "exited with 'signal 15" not in text  # the pool was stopped by its own master
    finally:
        for leftover in [pid, *pool]:
            if alive(leftover):
                os.kill(leftover, 9)
