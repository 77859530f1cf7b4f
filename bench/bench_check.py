"""Energy checks end to end against the bare engine, side by side, on the small Qingdao office.

(a) `registry check office_small.idf --building ID --wait` (a subprocess, with a real worker
    on the SQLite broker, and on Redis when it is reachable) ÷ the `energyplus` CLI on the
    same IDF and EPW. Goal ≤ 1.05. Two ways in, each measured: a designer's, over the API
    of the web service as `make run` serves it (gunicorn, `--server URL --token T`), and the
    server's own, straight to the database. Where the extra time goes is printed from the
    check row. The check's run builds only the tables it reads (ABUPS and a monthly table),
    so it costs less than the model's own run with AllSummary; the bare engine on the
    prepared model is timed as well, so that part of the ratio is shown on its own.
(b) a second identical `create_check`, answered from the cache. Goal ≤ 0.2 s.
(c) 8 checks on one worker with concurrency 2 against eppy's `runIDFs` with 2 processes on
    the same 8 models, in rounds that rotate which goes first: as uploaded (what a designer
    would run), and as the checks run them (the runners alone). The registry's time runs
    from the first upload to the last result stored. On the SQLite broker, and on Redis
    when it is reachable. Goal: eppy time ÷ registry ≥ 1.0.

The 8 models (and every end-to-end model) are copies of `office_small.idf` that differ by a
comment line, so the cache never answers them. eppy's stock `IDF.saveas` is slow on this
model (see registry.domain.checks.idf), so `runIDFs` is given IDF objects that save with the
registry's `model_text`: the comparison is of the runs, not of eppy's writer.

Environment: BENCH_REPEATS (3), BENCH_BATCH_ROUNDS (3), BENCH_REDIS_URL
(redis://127.0.0.1:6379/13), BENCH_ONLY=batch for (c) alone.
Prints MET/MISSED per goal and exits 0 either way.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "energyplus_models" / "office_small.idf"
WARM_UP_MODEL = ROOT / "energyplus_models" / "office_box.idf"  # < 1 s a run
AREA_M2 = "1296"
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BATCH = 8
BATCH_ROUNDS = int(os.environ.get("BENCH_BATCH_ROUNDS", "3"))
GOAL_RATIO, GOAL_CACHE_S, GOAL_BATCH = 1.05, 0.2, 1.0

RUNIDFS_SCRIPT = """
import sys, time
from pathlib import Path
from eppy.modeleditor import IDF
from eppy.runner.run_functions import runIDFs
from registry.domain.checks.idf import idd_path, model_text

class FastSaveIDF(IDF):
    def saveas(self, filename, *args, **kwargs):
        Path(filename).write_text(model_text(self), encoding="utf-8")

IDF.setiddname(str(idd_path()))
epw, *models = sys.argv[1:]
jobs = [(FastSaveIDF(m, epw), {"ep_version": "25-2-0", "idd": str(idd_path()),
         "output_directory": str(Path(m).parent / ("out-" + Path(m).stem)), "verbose": "q"})
        for m in models]
started = time.monotonic()
runIDFs(jobs, processors=2)
print(time.monotonic() - started)
"""


def copy_of(index: int, folder: Path, tag: str, model: Path = MODEL) -> Path:
    """A model (office_small.idf) with one comment line added: same model, different bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / model.name
    path.write_bytes(f"! bench copy {tag}-{index}\n".encode() + model.read_bytes())
    return path


class Registry:
    """A throwaway registry: migrated SQLite database, weather, an admin and a building."""

    def __init__(self, tmp: Path, broker_url: str):
        from registry.config import Config

        self.tmp = tmp
        self.database_url = f"sqlite:///{tmp / 'registry.sqlite3'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": broker_url,
            "REGISTRY_INSTANCE_DIR": str(tmp / "inst"),
            "SECRET_KEY": "bench",
            "PYTHONDONTWRITEBYTECODE": "1",
            # One user uploads the whole batch here, and the bench measures the pipeline's
            # throughput against runIDFs on both slots, not the per-user turns (which would
            # run that user's checks one at a time); the same for the upload limit.
            "REGISTRY_CHECK_MAX_RUNNING_PER_USER": "0",
            "REGISTRY_CHECK_MAX_QUEUED_PER_USER": "0",
        }
        self.config = Config(env=self.env)
        from registry import queue as job_queue
        from registry.db import make_engine
        from registry.migrate import upgrade

        upgrade(self.database_url)
        job_queue.configure(self.config)
        self.engine = make_engine(self.database_url)
        self._seed()

    def _seed(self) -> None:
        from sqlmodel import Session

        from bench.databases import create_admin
        from registry.domain.buildings.credit_code import make_credit_code
        from registry.models import WeatherFile
        from registry.services.buildings import registration as buildings
        from registry.services.checks import weather_seed
        from registry.services.checks.runner import weather_path

        with Session(self.engine, expire_on_commit=False) as session:
            weather_seed.seed(session)
            self.admin = create_admin(session)
            building = buildings.register_building(
                session=session,
                actor=self.admin,
                data={
                    "name": "青岛小型办公楼（基准）",
                    "address": "青岛市市南区香港中路 1 号",
                    "district_code": "370202",
                    "building_type": "office_government",
                    "sub_type": "city",
                    "floor_area_m2": AREA_M2,
                    "storeys": "2",
                    "is_new_build": "true",
                    "completion_year": "2024",
                    "prefabricated": "false",
                    "owner_name": "青岛市某建设单位",
                    "owner_credit_code": make_credit_code("91370200MA3C1234X"),
                    "design_unit": "青岛市建筑设计研究院",
                },
            )
            self.building_id = building.id
            from registry.services.checks.weather import default_weather

            weather: WeatherFile = default_weather(session)
            self.epw = weather_path(self.config, weather)

    def token(self) -> str:
        from sqlmodel import Session

        from registry.services import users

        with Session(self.engine, expire_on_commit=False) as session:
            admin = session.merge(self.admin)
            return users.issue_api_token(session=session, actor=admin, user=admin)

    def start_web(self) -> tuple[subprocess.Popen, str]:
        """gunicorn as `make run` starts it, on a free port; its base URL once it answers."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = self.tmp / "web.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "registry.wsgi:app",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() - started > 60:
                    raise RuntimeError(f"web did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.1)
        import urllib.request

        urllib.request.urlopen(f"{url}/api/openapi.json", timeout=30).read()  # both warm
        urllib.request.urlopen(f"{url}/api/openapi.json", timeout=30).read()
        return proc, url

    def start_worker(self, name: str, concurrency: int) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
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
                    "--without-heartbeat",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = time.monotonic()
        while b"ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        proc.ready_s = time.monotonic() - started
        return proc

    def check_row(self, check_id: int):
        from sqlmodel import Session

        from registry.models import Check

        with Session(self.engine) as session:
            return session.get(Check, check_id)

    def close(self) -> None:
        self.engine.dispose()


def stop(proc: subprocess.Popen) -> None:
    """gunicorn on SIGTERM to its group; a worker as `registry worker-stop` stops it."""
    from registry.jobs import stop_worker_process

    if proc.poll() is None:
        if "celery" in proc.args:
            stop_worker_process(proc.pid)
        else:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def raw_run(model: Path, epw: Path, out: Path) -> float:
    from registry.domain.checks.energyplus import binary_path

    started = time.monotonic()
    subprocess.run(
        [str(binary_path()), "-w", str(epw), "-d", str(out), str(model)],
        cwd=model.parent,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def cli_check(reg: Registry, model: Path, server: tuple[str, str] | None) -> tuple[float, dict]:
    """Wall time of `registry check MODEL --building ID --wait --json`, and its breakdown."""
    import json

    command = [str(Path(sys.executable).with_name("registry"))]  # the venv's entry point
    env = dict(reg.env)
    if server:
        env.update({"REGISTRY_URL": server[0], "REGISTRY_TOKEN": server[1]})
    began = datetime.now(UTC)
    started = time.monotonic()
    done = subprocess.run(
        [*command, "check", str(model), "--building", str(reg.building_id), "--wait", "--json"],
        env=env,
        cwd=reg.tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    ended = datetime.now(UTC)
    if done.returncode != 0:
        raise RuntimeError(f"registry check failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    row = reg.check_row(json.loads(done.stdout)["id"])
    if row.status != "done":
        raise RuntimeError(f"check {row.id} ended {row.status}: {row.error_code}")

    def at(value):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    queued, start, finish = at(row.queued_at), at(row.started_at), at(row.finished_at)
    return wall, {
        "cli start + upload": (queued - began).total_seconds(),
        "broker → worker": (start - queued).total_seconds(),
        "validate + prepare": (finish - start).total_seconds() - row.run_seconds,
        "engine + read + store": row.run_seconds,
        "CLI notices + exits": (ended - finish).total_seconds(),
    }


def prepared_copy(model: Path) -> Path:
    """The model as the check runs it (registry.domain.checks.idf.prepare_for_check)."""
    from registry.domain.checks import idf

    path = model.with_name("prepared.idf")
    path.write_text(
        idf.prepare_for_check(idf.validate_idf(model.read_bytes(), 50_000_000)), encoding="utf-8"
    )
    return path


def end_to_end(label: str, broker_url: str, tmp: Path) -> dict:
    """Per repeat, alternated: the bare engine on the model and on the prepared model, then
    `registry check` over the API and straight to the database."""
    reg = Registry(tmp, broker_url)
    worker = reg.start_worker(f"e2e-{label}", 1)
    web, url = reg.start_web()
    server = (url, reg.token())
    ways = {"api": server, "database": None}
    try:
        raws, prepared_raws = [], []
        walls = {way: [] for way in ways}
        parts = {way: [] for way in ways}
        for index in range(REPEATS + 1):
            if index == 0:  # warm-up: page cache, worker's first task, CLI's bytecode
                for way, target in ways.items():
                    cli_check(reg, copy_of(index, tmp / f"warm-{way}", f"{label}-{way}"), target)
                continue
            model = copy_of(index, tmp / f"run-{index}", label)
            raws.append(raw_run(model, reg.epw, model.parent / "raw"))
            prepared = prepared_copy(model)
            prepared_raws.append(raw_run(prepared, reg.epw, model.parent / "raw-prepared"))
            for way, target in ways.items():
                wall, breakdown = cli_check(
                    reg, copy_of(index, tmp / f"e2e-{way}-{index}", f"{label}-{way}"), target
                )
                walls[way].append(wall)
                parts[way].append(breakdown)
        return {
            "label": label,
            "raw": statistics.median(raws),
            "raw_prepared": statistics.median(prepared_raws),
            "e2e": {way: statistics.median(w) for way, w in walls.items()},
            # Each repeat's check over the bare run just before it: this machine's speed
            # drifts by up to 10 % between runs minutes apart, less between neighbours.
            "paired": {
                way: statistics.median(e / r for e, r in zip(w, raws, strict=True))
                for way, w in walls.items()
            },
            "parts": {
                way: {k: statistics.median(p[k] for p in rows) for k in rows[0]}
                for way, rows in parts.items()
            },
            "worker_ready_s": worker.ready_s,
            "reg": reg,
        }
    finally:
        stop(web)
        stop(worker)


def cache_hit(reg: Registry) -> float:
    from sqlmodel import Session

    from registry import queue as job_queue
    from registry.queue import enqueue_check
    from registry.services.checks.uploads import create_check

    job_queue.configure(reg.config)
    data = (reg.tmp / "e2e-database-1" / "office_small.idf").read_bytes()  # a check that ran
    times = []
    for _ in range(3):
        with Session(reg.engine, expire_on_commit=False) as session:
            started = time.monotonic()
            check = create_check(
                session=session,
                actor=reg.admin,
                config=reg.config,
                building_id=reg.building_id,
                idf_bytes=data,
                filename="office_small.idf",
                enqueue=enqueue_check,
            )
            times.append(time.monotonic() - started)
        assert check.status == "done" and check.cached_from_id, check.status
    return statistics.median(times)


def _registry_batch(reg: Registry, models: list[Path]) -> tuple[float, list[int]]:
    """Seconds from the first upload to the last result stored; the checks that failed."""
    from sqlalchemy import select
    from sqlmodel import Session

    from registry.models import Check
    from registry.queue import enqueue_check
    from registry.services.checks.uploads import create_check

    began = datetime.now(UTC)
    ids = []
    with Session(reg.engine, expire_on_commit=False) as session:
        for model in models:
            ids.append(
                create_check(
                    session=session,
                    actor=reg.admin,
                    config=reg.config,
                    building_id=reg.building_id,
                    idf_bytes=model.read_bytes(),
                    filename=model.name,
                    enqueue=enqueue_check,
                ).id
            )
    query = select(Check.status, Check.finished_at).where(Check.id.in_(ids))
    while True:  # one small read every 0.5 s: the engines have the CPU to themselves
        with reg.engine.connect() as conn:
            rows = conn.execute(query).all()
        if all(status in ("done", "failed") for status, _ in rows):
            break
        time.sleep(0.5)
    last = max(
        finished.replace(tzinfo=UTC) if finished.tzinfo is None else finished
        for _, finished in rows
    )
    with reg.engine.connect() as conn:
        failed = [
            i
            for i, status in conn.execute(select(Check.id, Check.status).where(Check.id.in_(ids)))
            if status != "done"
        ]
    return (last - began).total_seconds(), failed


def _eppy_batch(reg: Registry, prepared: list[Path], tmp: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", RUNIDFS_SCRIPT, str(reg.epw), *map(str, prepared)],
        cwd=tmp,
        env={**os.environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def batch(label: str, broker_url: str, tmp: Path) -> dict:
    """BATCH_ROUNDS rounds of three, in an order that rotates from round to round: 8 checks on
    a worker with 2 slots; runIDFs on the same 8 models as uploaded; runIDFs on the 8 models
    as the checks run them (the runners alone, on identical engine work).

    The worker runs only during its own part: an idle worker polls the SQLite broker (about
    2.5 % of a core), which would otherwise slow eppy's runs. Started afresh each round, it
    first runs two one-zone checks (office_box.idf, one per slot, untimed) so that the batch
    meets pool processes as a long-running worker's are. eppy's time includes starting its
    pool and writing the 8 models.
    """
    reg = Registry(tmp, broker_url)
    times: dict[str, list[float]] = {"registry": [], "eppy": [], "eppy_prepared": []}
    failed: list[int] = []
    try:
        for round_ in range(BATCH_ROUNDS):
            models = [
                copy_of(i, tmp / f"batch-{round_}-{i}", f"batch-{round_}") for i in range(BATCH)
            ]
            prepared = [prepared_copy(model) for model in models]
            sides = list(times)
            for side in sides[round_ % 3 :] + sides[: round_ % 3]:
                if side == "registry":
                    worker = reg.start_worker(f"batch-{round_}", 2)
                    try:
                        # A worker runs for days: each pool process's first check (its first
                        # connection, statement compiles) is paid once, not per batch.
                        warm = [
                            copy_of(i, tmp / f"warm-{round_}-{i}", f"warm-{round_}", WARM_UP_MODEL)
                            for i in range(2)
                        ]
                        _registry_batch(reg, warm)
                        seconds, bad = _registry_batch(reg, models)
                    finally:
                        stop(worker)
                    failed += bad
                else:
                    seconds = _eppy_batch(reg, models if side == "eppy" else prepared, tmp)
                times[side].append(seconds)
    finally:
        reg.close()
    return {side: statistics.median(values) for side, values in times.items()} | {
        "rounds": list(zip(*times.values(), strict=True)),
        "failed": failed,
        "label": label,
    }


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def main() -> int:
    rows = []
    batch_only = os.environ.get("BENCH_ONLY") == "batch"
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        tmp = Path(folder)
        results, cache_s = [], None
        if not batch_only:
            sqlite = end_to_end(
                "sqlite",
                f"sqla+sqlite:///{tmp / 'sqlite' / 'broker.sqlite3'}",
                _mkdir(tmp / "sqlite"),
            )
            results = [sqlite]
            if _redis_reachable():
                results.append(end_to_end("redis", REDIS_URL, _mkdir(tmp / "redis")))
            cache_s = cache_hit(sqlite["reg"])
            for result in results:
                result["reg"].close()
        batches = [
            batch(
                "sqlite",
                f"sqla+sqlite:///{tmp / 'batch' / 'broker.sqlite3'}",
                _mkdir(tmp / "batch"),
            )
        ]
        if _redis_reachable():
            batches.append(batch("redis", REDIS_URL, _mkdir(tmp / "batch-redis")))

    print(
        f"model: {MODEL.name} (1296 m², 10 zones), weather: synthetic Qingdao; "
        f"median of {REPEATS} after a warm-up"
    )
    print("times are medians; a ratio is the median of each repeat's (or round's) own ratio")
    print(f"{'measure':<52}{'registry':>10}{'baseline':>10}{'ratio':>8}  goal")
    for result in results:
        for way, wall in result["e2e"].items():
            ratio = result["paired"][way]
            rows.append(
                (
                    f"(a) check --wait via {way}, {result['label']} broker / energyplus",
                    wall,
                    result["raw"],
                    ratio,
                    f"≤ {GOAL_RATIO}",
                    ratio <= GOAL_RATIO,
                )
            )
    if cache_s is not None:
        rows.append(
            (
                "(b) identical create_check (cache hit), s",
                cache_s,
                None,
                None,
                f"≤ {GOAL_CACHE_S} s",
                cache_s <= GOAL_CACHE_S,
            )
        )
    for batch_result in batches:
        for index, (side, label) in enumerate(
            (("eppy", "as uploaded"), ("eppy_prepared", "as checks run them")), start=1
        ):
            # Median over rounds of each round's own ratio (the three sides run back to back).
            speed = statistics.median(r[index] / r[0] for r in batch_result["rounds"])
            rows.append(
                (
                    f"(c) {BATCH} checks ×2 slots, {batch_result['label']} / runIDFs ×2, "
                    f"{label} (eppy÷ours)",
                    batch_result["registry"],
                    batch_result[side],
                    speed,
                    f"≥ {GOAL_BATCH}",
                    speed >= GOAL_BATCH and not batch_result["failed"],
                )
            )
    for name, ours, base, ratio, goal, met in rows:
        base_text = f"{base:>9.2f}s" if base is not None else f"{'':>10}"
        ratio_text = f"{ratio:>8.3f}" if ratio is not None else f"{'':>8}"
        print(f"{name:<52}{ours:>9.2f}s{base_text}{ratio_text}  {goal:<8} {_verdict(met)}")
    for result in results:
        print(
            f"  (a) {result['label']}: bare engine on the model {result['raw']:.2f} s, on the "
            f"model as the check runs it {result['raw_prepared']:.2f} s "
            f"(ratio {result['raw_prepared'] / result['raw']:.3f}); checks over the same "
            f"prepared run: "
            + ", ".join(
                f"{way} {wall / result['raw_prepared']:.3f}" for way, wall in result["e2e"].items()
            )
        )
        for way in result["parts"]:
            outside = result["e2e"][way] - result["parts"][way]["engine + read + store"]
            print(
                f"  (a) {result['label']} via {way}: {outside:.2f} s outside the engine run, "
                f"its read and store = {outside / result['raw_prepared'] * 100:.1f} % of "
                f"the bare run"
            )
        print(
            f"  where (a) {result['label']} goes (median s; worker start-up "
            f"{result['worker_ready_s']:.1f} s, not counted):"
        )
        ways = list(result["parts"])
        print(f"    {'':<24}" + "".join(f"{way:>10}" for way in ways))
        for part in result["parts"][ways[0]]:
            print(
                f"    {part:<24}" + "".join(f"{result['parts'][way][part]:>10.2f}" for way in ways)
            )
    for batch_result in batches:
        print(
            f"  (c) {batch_result['label']} rounds, registry / eppy as uploaded / eppy as the "
            "checks run them, s: "
            + ", ".join(" / ".join(f"{v:.2f}" for v in r) for r in batch_result["rounds"])
        )
        if batch_result["failed"]:
            print(f"  (c) {batch_result['label']} failed checks: {batch_result['failed']}")
    return 0


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    sys.exit(main())
