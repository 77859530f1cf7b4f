"""Full-row tally exports at city scale: CSV, XLSX and the API's JSON, streamed.

`bench_tally`'s generator makes BENCH_TALLY_RECORDS (1,000,000) records, loaded into SQLite
and PostgreSQL and indexed. Each export of the year (every counted row) runs in its own
process, reading the stream as a client would: time to the first byte, to the last, bytes,
and the process's peak RSS against its RSS when the first byte left (constant memory: the
peak does not grow with the rows).

Goals: first byte ≤ 1 s, the whole ≤ 5 s, on SQLite and PostgreSQL, in constant memory.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import text

from bench.bench_tally import (
    RECORDS,
    YEAR,
    build_index,
    generate,
    load_postgres,
    load_sqlite,
)
from bench.databases import WITH_POSTGRES, postgres_database
from bench.goals import goal

FIRST_BYTE_GOAL_S = 1.0
WHOLE_GOAL_S = 5.0
# Memory that may grow while streaming: buffers, caches of names; not the rows.
CONSTANT_MB = 64
EXPORTS = (("csv", "records"), ("xlsx", "summary"), ("json", "summary"))


def _rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM: ru_maxrss would carry the
    parent's over the exec that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export(url: str, fmt: str, table: str, out) -> None:
    from registry.db import make_engine
    from registry.services.tally import exports

    engine = make_engine(url)
    with engine.connect() as conn:  # connect before the clock, as a pooled server would
        conn.execute(text("SELECT 1"))
    base_mb = _rss_mb()
    started = time.perf_counter()
    cpu = time.process_time()
    first = None
    size = 0
    first_mb = 0.0
    for chunk in exports.stream(
        engine=engine,
        year=YEAR,
        district=None,
        building_type=None,
        locale="zh",
        fmt=fmt,
        table=table,
    ):
        if first is None and chunk:
            first = time.perf_counter() - started
            first_mb = _rss_mb()
        size += len(chunk)
    whole = time.perf_counter() - started
    out.send((first, whole, time.process_time() - cpu, size, base_mb, first_mb, _rss_mb()))
    engine.dispose()


def run_export(url: str, fmt: str, table: str) -> tuple:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_export, args=(url, fmt, table, send))
    process.start()
    result = receive.recv()
    process.join()
    return result


def main() -> None:
    started = time.perf_counter()
    buildings, record_rows = generate(RECORDS)
    print(f"generated {len(record_rows):,} records in {time.perf_counter() - started:.1f} s")
    results = []
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        url = f"sqlite:///{Path(folder) / 'tally.sqlite3'}"
        load_sqlite(url, buildings, record_rows)
        print(f"SQLite: loaded and indexed, tally index {build_index(url):.1f} s")
        databases = [("SQLite", url)]
        if WITH_POSTGRES:
            pg_url = stack.enter_context(postgres_database("bench_tally_full"))
            load_postgres(pg_url, buildings, record_rows)
            print(f"PostgreSQL: loaded and indexed, tally index {build_index(pg_url):.1f} s")
            databases.append(("PostgreSQL", pg_url))
        del buildings, record_rows
        for db, db_url in databases:
            for fmt, table in EXPORTS:
                first, whole, cpu, size, base_mb, first_mb, peak_mb = run_export(db_url, fmt, table)
                results.append((db, fmt, first, whole, cpu, size, first_mb, peak_mb))
                print(
                    f"{db:11} {fmt:5} first byte {first:5.2f} s, whole {whole:6.2f} s "
                    f"(this process's CPU {cpu:6.2f} s), "
                    f"{size / 1e6:7.1f} MB; RSS at start {base_mb:.0f} MB, at the first byte "
                    f"{first_mb:.0f} MB, peak {peak_mb:.0f} MB",
                    flush=True,
                )
    for db, fmt, first, whole, cpu, size, first_mb, peak_mb in results:
        goal(
            f"tally_full {fmt} ({db})",
            f"{RECORDS:,} records, first byte {first:.2f} s, whole {whole:.2f} s "
            f"(CPU {cpu:.2f} s), "
            f"{size / 1e6:.0f} MB, peak RSS {peak_mb:.0f} MB ({peak_mb - first_mb:+.0f} MB "
            "after the first byte)",
            f"first byte ≤ {FIRST_BYTE_GOAL_S:.0f} s, whole ≤ {WHOLE_GOAL_S:.0f} s, "
            f"constant memory (≤ +{CONSTANT_MB} MB)",
            first <= FIRST_BYTE_GOAL_S
            and whole <= WHOLE_GOAL_S
            and peak_mb - first_mb <= CONSTANT_MB,
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
