"""An import job's live progress (issue 23): what the worker reports and the page shows.

The dry run and the commit report rows read, checked and written to `Progress`, which
rewrites a small JSON file beside the upload at most every `PROGRESS_EVERY_S`: on SQLite
the commit holds the database's write lock from its duplicate check to its last insert, so
nothing else could update the job's row meanwhile. A cancel is a marker file beside it for
the same reason; `Progress` looks for it as it writes, and raises `ImportCancelled`.
`progress_of` reads both back into what the page and the API show.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from registry.models import ImportJob

PROGRESS_EVERY_S = 0.25
COMMITS = ("commit", "meter_commit")  # kinds that write, and so report rows written


class ImportCancelled(Exception):
    """Raised inside the run when the user asked to cancel; the transaction rolls back."""


def progress_path(folder: Path, job_id: int) -> Path:
    return Path(folder) / f"job-{job_id}.json"


def cancel_path(folder: Path, job_id: int) -> Path:
    return Path(folder) / f"job-{job_id}.cancel"


def progress_of(*, job: ImportJob, folder: Path) -> dict:
    """What the page shows: state, rows read / checked / written, fraction and time left."""
    live = {}
    if job.state == "running":
        try:
            live = json.loads(progress_path(folder, job.id).read_text())
        except (OSError, ValueError):
            live = {}
    read = live.get("read", job.rows_read)
    checked = live.get("checked", job.rows_checked)
    written = live.get("written", job.rows_written)
    total = live.get("total") or 0
    to_write = live.get("to_write")
    # A commit checks every row, then writes what the check planned (buildings and records:
    # a number known only once the check is done), then what follows them (the commit
    # says how much: audit events, the tally), so its bar is two halves, each filled by its
    # own count: it never goes back when those numbers become known, both at once.
    checking = checked / total if total else 0.0
    if job.kind in COMMITS:
        work = (to_write or 0) + (live.get("finishing_total") or 0)
        writing = (written + live.get("finishing", 0)) / work if work else 0.0
        fraction = (checking + writing) / 2
    else:
        fraction = checking
    fraction = 1.0 if job.state == "done" else min(fraction, 0.99)
    step = None  # what a running job is doing, for the page's words beside the bar
    if job.state == "running":
        if not read:  # opening the file (an XLSX's sheet takes seconds) and its first rows
            step = "reading"
        elif job.kind in COMMITS and to_write is not None:
            finishing = live.get("finishing_total") is not None and written >= to_write
            step = "finishing" if finishing else "writing"
        else:
            step = "checking"
    elapsed = live.get("elapsed_s", 0.0)
    left = None
    if job.state == "running" and 0 < fraction < 1:
        left = round(elapsed * (1 - fraction) / fraction)
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "step": step,
        "rows_read": read,
        "rows_checked": checked,
        "rows_written": written,
        "rows_total": total or job.rows_checked,
        "fraction": round(fraction, 3),
        "seconds_left": left,
        "batch_id": job.batch_id,
        "repeated": job.repeated,
        "error_code": job.error_code,
        "error_params": job.error_params or {},
    }


class Progress:
    """The callback the dry run and the commit report to; writes the progress file."""

    def __init__(self, folder: Path, job: ImportJob, total: int):
        self.path = progress_path(folder, job.id)
        self.cancel = cancel_path(folder, job.id)
        self.counts = {"read": 0, "checked": 0, "written": 0, "finishing": 0}
        self.total, self.to_write, self.finishing_total = total, None, None
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, phase: str, count: int) -> None:
        if phase == "planned":  # the commit's dry run is over: this many rows to store
            self.to_write = count
            self.last = 0.0
            return
        if phase == "finishing_planned":  # and this much work after them
            self.finishing_total = count
            return
        self.counts[phase] += count
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_S:
            self.last = now
            if self.cancel.exists():
                raise ImportCancelled()
            self.write()

    def write(self) -> None:
        data = {
            **self.counts,
            "total": self.total,
            "to_write": self.to_write,
            "finishing_total": self.finishing_total,
            "elapsed_s": round(time.monotonic() - self.started, 2),
        }
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(data))
        os.replace(scratch, self.path)
