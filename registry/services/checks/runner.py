"""Energy checks, the worker side: claim a check, validate, run EnergyPlus, store results once.

Every state change is a guarded UPDATE on the check row, so a message delivered twice, a
worker killed mid-run, or two workers sweeping at once never run or store a check twice.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.config import Config
from registry.domain.saving.errors import SavingRejected
from registry.models import (
    Building,
    Check,
    WeatherFile,
    utcnow,
)
from registry.services.checks import stored, turns
from registry.services.saving import designer
from registry.services.saving import residential as saving_residential
from registry.services.saving import runs as saving_runs

log = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
# How often a running check looks for a cancel: one read of one row by primary key, so the
# engine stops within this (plus a kill) of the user's click rather than of the next beat.
CANCEL_POLL_S = 0.2


def _guarded(engine: Engine, check_id: int, worker: str, **values) -> bool:
    """Update the row only while this worker still owns it."""
    with engine.begin() as conn:
        result = conn.execute(
            update(Check).where(Check.id == check_id, Check.worker == worker).values(**values)
        )
    return result.rowcount == 1


def _fail(engine, check_id, worker, code, params=None, **extra) -> str:
    _guarded(
        engine,
        check_id,
        worker,
        status="failed",
        error_code=code,
        error_params=params or {},
        finished_at=utcnow(),
        engine_pid=None,
        **extra,
    )
    return "failed"


class _Heartbeat(threading.Thread):
    """Beats on the row while the engine runs; kills the engine if the user cancels."""

    def __init__(self, engine: Engine, check_id: int, worker: str):
        super().__init__(name=f"heartbeat-{check_id}", daemon=True)
        self.engine, self.check_id, self.worker = engine, check_id, worker
        self.stop = threading.Event()
        # A saving-rate check runs two engines at once (design and reference).
        self.pids: list[int] = []
        self.cancelled = False

    def started(self, pid: int) -> None:
        """The engine's process began: a cancel that came before it ends it at once."""
        self.pids.append(pid)
        if self.cancelled:
            self._kill()

    def run(self) -> None:
        next_beat = time.monotonic() + HEARTBEAT_S
        while not self.stop.wait(CANCEL_POLL_S):
            try:
                with Session(self.engine) as session:
                    found = session.exec(
                        select(Check.worker, Check.cancel_requested).where(
                            Check.id == self.check_id
                        )
                    ).first()
                if found is None or found[0] != self.worker:
                    self._kill()
                    return
                if found[1]:
                    self.cancelled = True
                    self._kill()
                    return
                if time.monotonic() >= next_beat:
                    _guarded(self.engine, self.check_id, self.worker, heartbeat_at=utcnow())
                    next_beat = time.monotonic() + HEARTBEAT_S
            except Exception:  # a missed look is retried; the sweeper tolerates missed beats
                log.exception("heartbeat failed for check %s", self.check_id)

    def _kill(self) -> None:
        for pid in list(self.pids):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def weather_path(config: Config, weather: WeatherFile) -> Path:
    if weather.path.startswith("wheel:"):
        from registry.domain.checks.energyplus import weather_data_dir

        return weather_data_dir() / Path(weather.path[len("wheel:") :]).name
    if weather.path.startswith("generated:"):
        from registry.services.checks.weather_seed import ensure_generated

        return ensure_generated(Path(config.WEATHER_DIR), weather)
    return Path(config.WEATHER_DIR) / Path(weather.path).name


def execute_check(
    *,
    engine: Engine,
    config: Config,
    check_id: int,
    worker: str,
    enqueue: Callable[[int], str | None] | None = None,
) -> str:
    """Run one check if it is still queued and its owner has a free turn; return what
    happened ('done', 'failed', 'cancelled', 'deferred', 'skipped').

    `enqueue` (`registry.queue.enqueue_check`) sends the owner's next waiting check when this
    one ends; without it the sweeper does, later.
    """
    claimed = turns.claim(engine, check_id, worker, config.CHECK_MAX_RUNNING_PER_USER)
    if claimed != turns.CLAIMED:
        return claimed
    try:
        return _run(engine, config, check_id, worker)
    finally:
        if enqueue is not None:
            turns.send_next(engine, check_id, enqueue)


def _run(engine: Engine, config: Config, check_id: int, worker: str) -> str:
    from registry.domain.checks import energyplus, idf, results

    with Session(engine, expire_on_commit=False) as session:
        check = session.get(Check, check_id)
        building = session.get(Building, check.building_id)
        weather = session.get(WeatherFile, check.weather_id)
    from registry.services.checks.uploads import stored_model_path

    model_path = stored_model_path(config, check)
    try:
        data = model_path.read_bytes()
    except OSError as exc:
        return _fail(engine, check_id, worker, "check.model_missing", {"error": str(exc)})
    try:
        model = idf.validate_idf(data, max_bytes=config.MAX_UPLOAD_BYTES)
    except idf.IdfRejected as exc:
        return _fail(engine, check_id, worker, exc.code, exc.params)
    try:
        prepared = idf.prepare_for_check(model)
    except idf.IdfRejected as exc:
        return _fail(engine, check_id, worker, exc.code, exc.params)
    saving = saving_runs.is_saving_check(check.options)
    # A residential building's level is judged from the design's own demands (no reference).
    residential = saving and saving_residential.is_residential_check(check.options)
    reference = None
    designer_findings = None
    if residential:
        from registry.domain.saving.residential import (
            has_ideal_loads,
            with_demand_outputs,
            zones_without_ideal_loads,
        )

        if not has_ideal_loads(prepared):
            return _fail(engine, check_id, worker, "saving.residential_needs_ideal_loads")
        # Refused, not flagged: the other zones' floor area would dilute the demands per m².
        if missing := zones_without_ideal_loads(prepared):
            return _fail(
                engine,
                check_id,
                worker,
                "saving.residential_partial_ideal_loads",
                {"zones": ", ".join(missing)},
            )
        prepared = with_demand_outputs(prepared)
        saving_params = saving_residential.parameters(engine)
    elif saving:
        try:
            if designer.reference_sha256(check.options):  # compared before any engine run
                reference, saving_params, designer_findings = designer.designer_reference_for(
                    engine, config, model_path, model
                )
            else:
                reference, saving_params = saving_runs.reference_for(engine, prepared)
        except SavingRejected as exc:
            return _fail(engine, check_id, worker, exc.code, exc.params)
    facts = model.facts if isinstance(model.facts, dict) else dict(model.facts.__dict__)
    warnings = (check.warnings or []) + [
        {"code": code, "params": params} for code, params in model.warnings
    ]
    _guarded(
        engine,
        check_id,
        worker,
        status="running",
        model_facts=facts,
        warnings=warnings or None,
        heartbeat_at=utcnow(),
    )

    try:
        epw = weather_path(config, weather)
        workdir = Path(tempfile.mkdtemp(prefix=f"check-{check_id}-"))
    except OSError as exc:
        # An unwritable or full temp dir fails this check with the reason, not the worker.
        return _fail(engine, check_id, worker, "check.workdir_error", {"error": str(exc)})
    heartbeat = _Heartbeat(engine, check_id, worker)

    def on_start(pid: int) -> None:
        heartbeat.started(pid)
        _guarded(engine, check_id, worker, engine_pid=pid)

    heartbeat.start()
    started = time.monotonic()

    def run(text: str, folder: Path):
        return energyplus.run_energyplus(
            text,
            epw,
            workdir=folder,
            timeout_s=config.CHECK_TIMEOUT_S,
            cpu_limit_s=config.CHECK_TIMEOUT_S,
            binary=config.ENERGYPLUS_BINARY,
            memory_limit_bytes=config.CHECK_MEMORY_LIMIT_MB * 1024 * 1024,
            on_start=on_start,
        )

    try:
        try:
            if reference is None:
                outcome = run(prepared, workdir)
            else:
                outcome, reference_outcome = saving_runs.run_both(
                    lambda text, sub: run(text, workdir / sub),
                    prepared,
                    reference.text,
                    parallel=saving_runs.second_slot_free(engine, check_id, worker),
                )
        except OSError as exc:
            # Disk full or an unwritable temp dir: the check fails with the reason.
            return _fail(engine, check_id, worker, "check.workdir_error", {"error": str(exc)})
        finally:
            heartbeat.stop.set()
        if heartbeat.cancelled:
            _guarded(
                engine, check_id, worker, status="cancelled", finished_at=utcnow(), engine_pid=None
            )
            return "cancelled"
        err = outcome.err.as_dict() if hasattr(outcome.err, "as_dict") else outcome.err
        if outcome.timed_out:
            return _fail(
                engine,
                check_id,
                worker,
                "energyplus.timeout",
                {"seconds": config.CHECK_TIMEOUT_S},
                err_summary=err,
            )
        if not outcome.succeeded and _disk_full(workdir):
            # The engine says nothing useful (exit 0, an empty .err) when its writes fail.
            return _fail(
                engine,
                check_id,
                worker,
                "check.workdir_error",
                {"error": f"{os.strerror(errno.ENOSPC)}: {workdir}"},
            )
        if not outcome.succeeded:
            return _fail(
                engine,
                check_id,
                worker,
                "energyplus.failed",
                {"returncode": outcome.returncode},
                err_summary=err,
            )
        _guarded(
            engine,
            check_id,
            worker,
            status="reading",
            heartbeat_at=utcnow(),
            err_summary=err,
            engine_pid=None,
        )
        extra = []
        if reference is not None and not reference_outcome.succeeded:
            reference_err = reference_outcome.err
            return _fail(
                engine,
                check_id,
                worker,
                "saving.reference_failed",
                {"returncode": reference_outcome.returncode},
                err_summary=reference_err.as_dict()
                if hasattr(reference_err, "as_dict")
                else reference_err,
            )
        try:
            annual = results.read_results(outcome.sql_path)
            if reference is not None:
                extra.append(
                    saving_runs.rate_row(
                        check_id=check_id,
                        design=annual,
                        reference_annual=results.read_results(reference_outcome.sql_path),
                        reference_outcome=reference_outcome,
                        reference=reference,
                        reference_text=reference.text,
                        params=saving_params,
                        design_sql=outcome.sql_path,
                        n50=(check.options or {}).get("n50"),
                    )
                )
                if designer_findings is not None:
                    designer.mark_designer(extra[-1], designer_findings)
            if residential:
                extra.append(
                    saving_residential.demand_row(
                        check_id=check_id,
                        annual=annual,
                        sql_path=outcome.sql_path,
                        epw_path=epw,
                        params=saving_params,
                        n50=(check.options or {}).get("n50"),
                    )
                )
        except results.ResultsUnavailable as exc:
            return _fail(engine, check_id, worker, exc.code, getattr(exc, "params", {}))
        stored.store_results(
            engine,
            check,
            building,
            annual,
            worker,
            run_seconds=time.monotonic() - started,
            extra=extra,
        )
        stored.pin_verdict(engine, check_id)
        return "done"
    except Exception as exc:
        log.exception("check %s failed unexpectedly", check_id)
        return _fail(
            engine, check_id, worker, "check.internal_error", {"error": exc.__class__.__name__}
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _disk_full(path: Path) -> bool:
    try:
        return os.statvfs(path).f_bavail == 0
    except OSError:
        return False
