"""The building list and search with 100,000 buildings on PostgreSQL, against a 100 ms p95 goal.

A throwaway PostgreSQL database is migrated and bulk-filled in SQL (generate_series, a
few seconds), gunicorn serves it as `make run` would, and each URL is measured for a few
seconds at a few concurrent connections with `wrk` (a Lua hook reports p50/p95/p99) or,
when wrk is missing, with a threaded Python client. Latencies are end to end over HTTP.

Environment: BENCH_DATABASE_URL (an admin URL; default the tests' PostgreSQL),
BENCH_BUILDINGS (100000), BENCH_SECONDS (8), BENCH_CONNECTIONS (4), BENCH_KEEP_DB=1.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from bench.databases import ADMIN_URL, create_admin

ROOT = Path(__file__).resolve().parent.parent
BUILDINGS = int(os.environ.get("BENCH_BUILDINGS", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
GOAL_P95_MS = 100.0
GUNICORN = ["-w", "4", "--threads", "2"]

# (label, path): what an officer opens first, what an API client pages through, and searches.
URLS = (
    ("list page   /buildings", "/buildings"),
    ("API list    /api/v1/buildings", "/api/v1/buildings"),
    ("API search  q=大厦 4242", "/api/v1/buildings?q=" + quote("大厦 4242")),
    (
        "API filter  district+type+kind+year",
        "/api/v1/buildings?district_code=370212&building_type=hotel&kind=green_label&year=2019",
    ),
    ("page search q=QD-0004242", "/buildings?q=QD-0004242"),
)

SEED_SQL = """
INSERT INTO buildings (name, address, district_code, building_type, floor_area_m2, storeys,
    is_new_build, completion_year, prefabricated, owner_name, owner_credit_code, design_unit,
    created_by_id, created_at, updated_at)
SELECT '青岛' || d.name || ' 大厦 ' || i, '青岛市' || d.name || '测试路 ' || (i % 500) || ' 号',
    d.code, t.code, 1000 + (i % 50) * 800, 3 + i % 30, i % 3 = 0, 2000 + i % 25, i % 4 = 0,
    '青岛市建设单位 ' || (i % 997), NULL, '设计院 ' || (i % 37), :user_id,
    now() - (i || ' minutes')::interval, now()
FROM generate_series(1, :count) AS i
JOIN (SELECT code, name, row_number() OVER () - 1 AS n FROM (VALUES {districts}) AS v(code, name))
    AS d ON d.n = i % {district_count}
JOIN (SELECT code, row_number() OVER () - 1 AS n FROM (VALUES {types}) AS v(code))
    AS t ON t.n = (i / 7) % {type_count}
"""

RECORD_SQL = """
INSERT INTO certificates (building_id, kind, level, stage, label_number, issued_on,
    counted_area_m2, notes, status, created_by_id, created_at, updated_at)
SELECT b.id, CASE WHEN b.id % 5 = 0 THEN 'energy' ELSE 'green_label' END,
    ((b.id % 3) + 1)::text, 'evaluation', 'QD-' || lpad(b.id::text, 7, '0'),
    date '2015-01-01' + (b.id % 3650), b.floor_area_m2, '',
    (ARRAY['draft', 'submitted', 'approved', 'approved'])[1 + b.id % 4], :user_id, now(), now()
FROM buildings b WHERE b.id % 10 < 6
"""


def _admin_engine():
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def _seed(url: str) -> str:
    """Migrate, fill, and return a bearer token for an admin user."""
    from sqlmodel import Session

    from registry.db import make_engine
    from registry.domain.buildings.districts import DISTRICTS
    from registry.domain.buildings.types import BUILDING_TYPES
    from registry.migrate import upgrade
    from registry.services import users as user_service

    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        admin = create_admin(session)
        token = user_service.issue_api_token(session=session, actor=admin, user=admin)
    districts = ", ".join(f"('{d.code}', '{d.official}')" for d in DISTRICTS)
    types = ", ".join(f"('{code}')" for code in BUILDING_TYPES)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                SEED_SQL.format(
                    districts=districts,
                    district_count=len(DISTRICTS),
                    types=types,
                    type_count=len(BUILDING_TYPES),
                )
            ),
            {"user_id": admin.id, "count": BUILDINGS},
        )
        conn.execute(text(RECORD_SQL), {"user_id": admin.id})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE buildings"))
        conn.execute(text("VACUUM ANALYZE certificates"))
        records = conn.execute(text("SELECT count(*) FROM certificates")).scalar_one()
        trigram = conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%\\_trgm'")
        ).scalar_one()
    print(
        f"seeded {BUILDINGS:,} buildings and {records:,} records in "
        f"{time.perf_counter() - started:.1f} s; {trigram} trigram (pg_trgm) indexes"
        + ("" if trigram else " - word search will scan: the migrations lack them")
    )
    engine.dispose()
    return token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(url: str, folder: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REGISTRY_INSTANCE_DIR=str(folder / "instance"),
        SECRET_KEY="bench",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = (folder / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            *GUNICORN,
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "registry.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/api/openapi.json")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    proc.kill()
    raise RuntimeError((folder / "gunicorn.log").read_text())


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.timeout, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _measure_wrk(port: int, path: str, token: str, script: Path) -> dict:
    done = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{SECONDS:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            "-H",
            f"Authorization: Bearer {token}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    requests, errors, duration_us, p50, p95, p99 = line.split()[1:]
    return {
        "requests": int(requests),
        "errors": int(errors),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


def _measure_python(port: int, path: str, token: str) -> dict:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            errors[0] += response.status != 200
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)

    def pct(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {
        "requests": len(ordered),
        "errors": errors[0],
        "rps": len(ordered) / SECONDS,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


def _check_status(port: int, path: str, token: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def main() -> None:
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network failure: nothing to measure here
        print(f"skipped: PostgreSQL not reachable at {ADMIN_URL} ({exc.__class__.__name__})")
        return
    name = f"registry_bench_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    proc = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-list-") as folder:
            token = _seed(url)
            proc, port = _start_server(url, Path(folder))
            tool = "wrk" if shutil.which("wrk") else "python threads (install wrk for less "
            "client overhead)"
            print(
                f"gunicorn {' '.join(GUNICORN)}; {tool}, {CONNECTIONS} connections, "
                f"{SECONDS:g} s per URL; {os.cpu_count()} CPUs shared with the client"
            )
            script = Path(folder) / "p95.lua"
            script.write_text(WRK_SCRIPT)
            print(
                f"{'':38}{'req/s':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                f"{'goal p95':>10}  verdict"
            )
            for label, path in URLS:
                status, size = _check_status(port, path, token)
                if status != 200:
                    print(f"{label:38}HTTP {status} ({size} bytes): not measured")
                    continue
                if shutil.which("wrk"):
                    figures = _measure_wrk(port, path, token, script)
                else:
                    figures = _measure_python(port, path, token)
                verdict = "meets" if figures["p95"] <= GOAL_P95_MS else "MISSES"
                errors = f" ({figures['errors']} errors)" if figures["errors"] else ""
                print(
                    f"{label:38}{figures['rps']:7.0f}{figures['p50']:9.1f}"
                    f"{figures['p95']:9.1f}{figures['p99']:9.1f}{GOAL_P95_MS:10.0f}  "
                    f"{verdict}{errors}",
                    flush=True,
                )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if os.environ.get("BENCH_KEEP_DB") == "1":
            print(f"kept database {url}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
