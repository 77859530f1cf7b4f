"""The CLI tests' shared fixture: `registry ARGS...` run by click against the test app."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import update

import registry.cli.common
from registry.cli import main
from registry.models import Check


@pytest.fixture
def cli(app, runner, monkeypatch):
    """Run `registry ARGS...` against the test app; returns click's Result. A command may end
    with SystemExit (its exit code); any other exception, or a traceback shown, fails."""
    monkeypatch.setattr(registry.cli.common, "_app", app)

    def invoke(*args):
        result = runner.invoke(main, [str(arg) for arg in args])
        assert "Traceback" not in result.output
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), result.exception
        return result

    return invoke


def model_file(tmp_path: Path, data: bytes, name: str = "model.idf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@contextmanager
def failed_by_a_worker(engine, tick_s: float):
    """No worker here: another thread fails the queued check, as a worker would, every
    `tick_s` until it finds one, while the CLI waits."""
    stop = threading.Event()

    def fail_the_check():
        while not stop.wait(tick_s):
            with engine.begin() as conn:
                moved = conn.execute(
                    update(Check)
                    .where(Check.status == "queued")
                    .values(
                        status="failed",
                        error_code="energyplus.failed",
                        error_params={"returncode": 1},
                    )
                )
            if moved.rowcount:
                return

    ender = threading.Thread(target=fail_the_check)
    ender.start()
    try:
        yield
    finally:
        stop.set()
        ender.join()
