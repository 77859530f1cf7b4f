"""The annual tally over 1,000,000 approved records on SQLite and PostgreSQL, and the tally PDF.

A city's worth of history is generated here (default 1,000,000 approved or revoked records
on ~600,000 buildings, 2021–2025, all ten districts; upgrades ★→★★★ and 超低→近零,
re-issues, retrofits, ~3 % revoked) and bulk-loaded into a SQLite file in a temp dir
(executemany) and a throwaway PostgreSQL database (COPY), indexes built after the load as
a restore would. Then, side by side:

- `tally_service.compute` for one year, whole city: median of 3 after a warm-up, goal ≤ 1 s;
  and at a data date inside the year (the buildings with later dates recounted as of it).

The tally PDF is `bench_tally_pdf`, the full-row exports `bench_tally_full`.

Environment: BENCH_TALLY_RECORDS (1000000),
BENCH_DATABASE_URL (an admin URL; default the tests' PostgreSQL), BENCH_TALLY_POSTGRES=0 to
skip PostgreSQL.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.schema import CreateTable
from sqlmodel import Session, SQLModel

import registry.models  # noqa: F401
from bench.databases import WITH_POSTGRES, postgres_database
from bench.goals import goal
from registry.db import make_engine
from registry.domain.buildings.districts import DISTRICTS
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.tally.targets import BuildingFact, RecordFact
from registry.models import Building, Record

RECORDS = int(os.environ.get("BENCH_TALLY_RECORDS", "1000000"))
YEAR = 2025  # the pilot's latest year: its appendix carries every record still held
AS_OF = date(2026, 6, 30)
# A data date inside the year: buildings with later dates are recounted as of it.
EARLY_AS_OF = date(2025, 6, 30)
TALLY_GOAL_S = 1.0
RUNS = 3

FIRST_DAY, LAST_DAY = date(2021, 1, 1), date(2025, 12, 31)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days
CREATED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
GREEN_LEVELS = ("basic", "1", "1", "1", "2", "2", "2", "3", "3")
ENERGY_LEVELS = ("ultra_low", "ultra_low", "ultra_low", "nearly_zero", "nearly_zero", "zero")
RETROFIT_LEVELS = (
    "residential_green",
    "residential_green",
    "public_efficiency",
    "old_community",
    "old_community",
)

BUILDING_COLUMNS = (
    "id",
    "name",
    "address",
    "district_code",
    "building_type",
    "floor_area_m2",
    "is_new_build",
    "completion_year",
    "prefabricated",
    "owner_name",
    "design_unit",
    "created_at",
    "updated_at",
)
RECORD_COLUMNS = (
    "id",
    "building_id",
    "kind",
    "level",
    "stage",
    "label_number",
    "issued_on",
    "started_on",
    "completed_on",
    "counted_area_m2",
    "notes",
    "status",
    "approved_on",
    "revoked_on",
    "revoke_reason",
    "published_on",
    "created_at",
    "updated_at",
)


def _record(rng: random.Random, kind: str, previous: tuple | None) -> tuple:
    """(kind, level, stage, day offset) for one record; after `previous` of the same kind, an
    upgrade or re-issue 60–900 days later (★→★★/★★★, 超低→近零/零能耗, a retrofit again)."""
    if previous is not None:
        _, level, stage, offset = previous
        if kind == "green_label":
            level, stage = rng.choice(("2", "3", "3")), "evaluation"
        elif kind == "energy":
            level = rng.choice(("nearly_zero", "nearly_zero", "zero"))
        return kind, level, stage, min(offset + rng.randint(60, 900), SPAN_DAYS)
    offset = rng.randint(0, SPAN_DAYS)
    if kind == "green_label":
        stage = "pre_evaluation" if rng.random() < 0.12 else "evaluation"
        return kind, rng.choice(GREEN_LEVELS), stage, offset
    if kind == "energy":
        return kind, rng.choice(ENERGY_LEVELS), None, offset
    return kind, rng.choice(RETROFIT_LEVELS), None, offset


def generate(records: int, seed: int = 2021) -> tuple[list[tuple], list[tuple]]:
    """Building and certificate rows (columns as BUILDING_COLUMNS / RECORD_COLUMNS).

    Every record is approved (or later revoked); dates are `date` objects.
    """
    rng = random.Random(seed)
    building_count = max(1, records * 3 // 5)
    per_building = [1] * building_count
    for _ in range(records - building_count):
        per_building[rng.randrange(building_count)] += 1
    days = [FIRST_DAY + timedelta(days=n) for n in range(SPAN_DAYS + 800)]
    districts = [d.code for d in DISTRICTS]
    district_names = {d.code: d.official for d in DISTRICTS}
    types = list(BUILDING_TYPES)
    buildings: list[tuple] = []
    record_rows: list[tuple] = []
    record_id = 0
    for building_id in range(1, building_count + 1):
        district = districts[building_id % len(districts)]
        building_type = types[rng.randrange(len(types))]
        area = float(rng.randint(20, 800) * 100)
        is_new = rng.random() < 0.7
        buildings.append(
            (
                building_id,
                f"{district_names[district]}测试项目{building_id}号楼",
                f"青岛市{district_names[district]}测试路{building_id % 900}号",
                district,
                building_type,
                area,
                is_new,
                rng.randint(2015, 2025) if is_new else None,
                is_new and rng.random() < 0.5,
                "青岛某建设有限公司",
                "某设计研究院",
                CREATED_AT,
                CREATED_AT,
            )
        )
        previous = None
        for n in range(per_building[building_id - 1]):
            if previous is not None and rng.random() < 0.6:
                kind = previous[0]  # an upgrade or re-issue of the same kind
            else:
                roll = rng.random()
                kind = "green_label" if roll < 0.55 else "energy" if roll < 0.65 else "retrofit"
            same = previous if previous is not None and previous[0] == kind else None
            previous = _record(rng, kind, same)
            _, level, stage, offset = previous
            record_id += 1
            issued = started = completed = label = None
            if kind == "retrofit":
                started = days[offset]
                if level != "old_community" or rng.random() < 0.6:
                    completed = days[min(offset + rng.randint(90, 400), SPAN_DAYS)]
                # Counted when completed (old communities: started); approved after that.
                counted_on = started if level == "old_community" else completed or started
            else:
                issued = counted_on = days[offset]
                label = f"QD-{kind[0].upper()}{record_id:08d}-{n}"
            approved = counted_on + timedelta(days=rng.randint(0, 45))
            revoked = None
            if rng.random() < 0.03:
                revoked = counted_on + timedelta(days=rng.randint(30, 700))
            record_rows.append(
                (
                    record_id,
                    building_id,
                    kind,
                    level,
                    stage,
                    label,
                    issued,
                    started,
                    completed,
                    area if kind != "retrofit" else float(rng.randint(10, int(area) // 100) * 100),
                    "",
                    "revoked" if revoked else "approved",
                    approved,
                    revoked,
                    "抽查不合格" if revoked else None,
                    # Labels and energy levels count from their publication (公布), which
                    # migration 0005 put on the approval date; retrofits from their dates.
                    approved if kind != "retrofit" else None,
                    CREATED_AT,
                    CREATED_AT,
                )
            )
    return buildings, record_rows


def facts(
    buildings: list[tuple], record_rows: list[tuple]
) -> tuple[list[BuildingFact], list[RecordFact]]:
    """The generated rows as the domain's facts (for the PDF, computed without a database)."""
    return (
        [BuildingFact(b[0], b[1], b[3], b[4], b[5], b[6], b[7], b[8]) for b in buildings],
        [
            RecordFact(
                c[0],
                c[1],
                c[2],
                c[3],
                c[11],
                c[9],
                stage=c[4],
                label_number=c[5],
                approved_on=c[12],
                issued_on=c[6],
                started_on=c[7],
                completed_on=c[8],
                revoked_on=c[13],
                published_on=c[15],
            )
            for c in record_rows
        ],
    )


def _create_tables(engine) -> None:
    """Every table; buildings and records without their indexes (built after the load)."""
    bulk = (Building.__table__, Record.__table__)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        for table in SQLModel.metadata.sorted_tables:  # in foreign-key order
            if table in bulk:
                conn.execute(CreateTable(table))
            else:
                table.create(conn)


def _create_indexes(engine) -> float:
    started = time.perf_counter()
    with engine.begin() as conn:
        for table in (Building.__table__, Record.__table__):
            for index in sorted(table.indexes, key=lambda i: i.name):
                index.create(conn)
    return time.perf_counter() - started


def load_sqlite(url: str, buildings: list[tuple], record_rows: list[tuple]) -> tuple[float, float]:
    """executemany in one transaction, then the indexes; (load s, index s)."""
    import sqlite3

    # Dates as SQLAlchemy stores them on SQLite; the two timestamps are the last columns.
    sqlite3.register_adapter(date, date.isoformat)
    created = CREATED_AT.strftime("%Y-%m-%d %H:%M:%S.%f")
    engine = create_engine(url)
    _create_tables(engine)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        for table, columns, rows in (
            ("buildings", BUILDING_COLUMNS, buildings),
            ("certificates", RECORD_COLUMNS, record_rows),
        ):
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            cursor.executemany(sql, (row[:-2] + (created, created) for row in rows))
        raw.commit()
    finally:
        raw.close()
    load_s = time.perf_counter() - started
    index_s = _create_indexes(engine)
    engine.dispose()
    return load_s, index_s


def load_postgres(
    url: str, buildings: list[tuple], record_rows: list[tuple]
) -> tuple[float, float]:
    """COPY with triggers off (as pg_restore --disable-triggers), then indexes and ANALYZE."""
    engine = create_engine(url)
    _create_tables(engine)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")
        for table, columns, rows in (
            ("buildings", BUILDING_COLUMNS, buildings),
            ("certificates", RECORD_COLUMNS, record_rows),
        ):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        raw.commit()
    finally:
        raw.close()
    load_s = time.perf_counter() - started
    index_s = _create_indexes(engine)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE buildings"))
        conn.execute(text("VACUUM ANALYZE certificates"))
    engine.dispose()
    return load_s, index_s


def build_index(url: str) -> float:
    """Seconds to count every building into the tally index (what migration 0002 does)."""
    from registry.services.tally import index as tally_index

    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        tally_index.rebuild(conn)
    elapsed = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE tally_episodes"))
            conn.execute(text("VACUUM ANALYZE tally_horizons"))
    engine.dispose()
    return elapsed


def _median_of(engine, run) -> tuple[float, list[float], object]:
    times, result = [], None
    for n in range(RUNS + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            result = run(session)
            elapsed = time.perf_counter() - started
        if n:  # the first is a warm-up
            times.append(elapsed)
    return statistics.median(times), times, result


def time_tally(url: str) -> dict:
    """The dashboard's tally (figures + first 200 rows), the full one (every row, digest),
    the replay of every record it replaced, and one building's refresh after a change."""
    from registry.domain.tally.replay import compute_tally
    from registry.services.tally import index as tally_index
    from registry.services.tally import tallies as tally_service
    from registry.services.tally.facts import load_facts
    from registry.services.tally.targets import target_specs

    engine = make_engine(url)
    try:
        summary_s, summary_runs, summary = _median_of(
            engine, lambda s: tally_service.compute(session=s, year=YEAR, as_of=AS_OF, rows=200)
        )
        full_s, full_runs, full = _median_of(
            engine, lambda s: tally_service.compute(session=s, year=YEAR, as_of=AS_OF)
        )
        early_s, early_runs, _ = _median_of(
            engine,
            lambda s: tally_service.compute(session=s, year=YEAR, as_of=EARLY_AS_OF, rows=200),
        )
        with Session(engine) as session:
            recounted = len(tally_index.later_than(session, EARLY_AS_OF))
        with Session(engine) as session:
            started = time.perf_counter()
            replay = compute_tally(
                *load_facts(session=session),
                start=date(YEAR, 1, 1),
                end=date(YEAR, 12, 31),
                as_of=AS_OF,
                targets=target_specs(session=session),
            )
            replay_s = time.perf_counter() - started
        same = (
            replay.targets == full.targets
            and replay.digest == full.digest
            and replay.by_district == full.by_district
            and replay.by_year == full.by_year
        )
        rng = random.Random(5)
        refresh = []
        with Session(engine) as session:
            top = session.execute(text("SELECT max(building_id) FROM tally_horizons")).scalar()
            for _ in range(20):
                started = time.perf_counter()
                tally_index.refresh(session, [rng.randint(1, top)])
                session.commit()
                refresh.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return {
        "summary": summary_s,
        "summary_runs": summary_runs,
        "full": full_s,
        "full_runs": full_runs,
        "replay": replay_s,
        "early": early_s,
        "early_runs": early_runs,
        "recounted": recounted,
        "rows": full.row_count,
        "same": same,
        "refresh_ms": 1000 * statistics.median(refresh),
    }


def _verdict(seconds: float | None, goal: float) -> str:
    if seconds is None:
        return "—"
    return "MET" if seconds <= goal else "MISSED"


def main() -> None:
    bench_started = time.perf_counter()
    started = time.perf_counter()
    buildings, record_rows = generate(RECORDS)
    revoked = sum(1 for c in record_rows if c[11] == "revoked")
    print(
        f"generated {len(record_rows):,} approved records ({revoked:,} revoked) on "
        f"{len(buildings):,} buildings in {time.perf_counter() - started:.1f} s"
    )
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'tally.sqlite3'}"
        load_s, index_s = load_sqlite(url, buildings, record_rows)
        print(
            f"SQLite:     loaded in {load_s:.1f} s (executemany), indexes {index_s:.1f} s, "
            f"tally index {build_index(url):.1f} s"
        )
        results["SQLite"] = time_tally(url)
    if WITH_POSTGRES:
        with postgres_database("bench_tally") as url:
            load_s, index_s = load_postgres(url, buildings, record_rows)
            print(
                f"PostgreSQL: loaded in {load_s:.1f} s (COPY), indexes + analyze "
                f"{index_s:.1f} s, tally index {build_index(url):.1f} s"
            )
            results["PostgreSQL"] = time_tally(url)
    del buildings, record_rows

    print(
        f"\nannual tally {YEAR}, whole city, {RECORDS:,} records (median of {RUNS} after a "
        f"warm-up; goal ≤ {TALLY_GOAL_S:.0f} s). dashboard = every figure + the first 200 "
        f"rows; full = + every counted row and the digest (PDF, CSV); replay = every record "
        f"through the rules, as before the index (one run)"
    )
    print(
        f"{'':12}{'dashboard':>10}{'full':>8}{'replay':>8}{'replay÷dash':>12}{'rows':>9}"
        f"{'refresh':>9}  same  verdict"
    )
    for db, r in results.items():
        print(
            f"{db:12}{r['summary']:9.2f}s{r['full']:7.2f}s{r['replay']:7.2f}s"
            f"{r['replay'] / r['summary']:11.1f}×{r['rows']:>9,}{r['refresh_ms']:7.1f}ms"
            f"  {'yes' if r['same'] else 'NO'}   {_verdict(r['summary'], TALLY_GOAL_S)}"
        )
        print(
            f"{'':12}runs: dashboard {' '.join(f'{t:.2f}' for t in r['summary_runs'])}; "
            f"full {' '.join(f'{t:.2f}' for t in r['full_runs'])}"
        )
    print(
        "  refresh = recounting one building into the index and committing (median of 20), "
        "the cost each approval, revocation, correction or edit now pays"
    )
    for db, r in results.items():
        print(
            f"{db:12}data date {EARLY_AS_OF}: dashboard {r['early']:.2f} s (runs "
            f"{' '.join(f'{t:.2f}' for t in r['early_runs'])}), {r['recounted']:,} buildings "
            "recounted as of it into the temporary table, the same SQL over both"
        )
    for db, r in results.items():
        goal(
            f"tally ({db})",
            f"dashboard {r['summary']:.2f} s, full {r['full']:.2f} s, {r['rows']:,} rows, "
            f"same as the replay: {'yes' if r['same'] else 'NO'}",
            f"dashboard ≤ {TALLY_GOAL_S:.0f} s",
            r["summary"] <= TALLY_GOAL_S and r["same"],
        )
    print(f"bench total {time.perf_counter() - bench_started:.0f} s")


if __name__ == "__main__":
    main()
