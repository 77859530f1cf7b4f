"""Fixtures for fault tests: a registry on SQLite with weather, fresh PostgreSQL databases,
and the samples that go through `execute_check` without a broker."""

from __future__ import annotations

import os
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import text
from sqlmodel import Session, select

from registry.db import make_engine
from registry.migrate import upgrade
from registry.models import Check
from registry.queue import enqueue_check
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from tests.conftest import (
    PG_ADMIN_URL,
    make_config,
    postgres_available,
    require,
    require_service,
)

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "energyplus_models"
OFFICE = (MODELS / "office_box.idf").read_text(encoding="utf-8")


def office_variant(label: str, text: str = OFFICE) -> bytes:
    """The sample office with a comment that changes its hash, so no check hits the cache."""
    return f"! variant {label}\n{text}".encode()


@contextmanager
def fresh_pg_database(*, migrate: bool = True):
    """A new PostgreSQL database (migrated with Alembic), dropped with its connections after."""
    require_service("PostgreSQL", postgres_available(), PG_ADMIN_URL)
    name = f"registry_faults_{uuid.uuid4().hex[:10]}"
    admin = sa_create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_pg_url():
    with fresh_pg_database() as url:
        yield url


class Registry:
    """A database with weather seeded, its config and engine, and a way to submit checks."""

    def __init__(self, tmp_path: Path, database_url: str, **config_overrides):
        self.tmp_path = tmp_path
        self.config = make_config(tmp_path, database_url, **config_overrides)
        self.engine = make_engine(database_url)
        with Session(self.engine) as session:
            weather_seed.seed(session)
        self._building = None

    def building(self, make_user, make_building):
        if self._building is None:
            with Session(self.engine, expire_on_commit=False) as session:
                designer = make_user(session, role="designer", districts=())
                self._building = (designer, make_building(session, designer, floor_area_m2=100))
        return self._building

    def submit(self, make_user, make_building, idf_bytes: bytes, *, enqueue: bool = False):
        designer, building = self.building(make_user, make_building)
        with Session(self.engine, expire_on_commit=False) as session:
            return check_service.create_check(
                session=session,
                actor=designer,
                config=self.config,
                building_id=building.id,
                idf_bytes=idf_bytes,
                filename="office.idf",
                enqueue=enqueue_check if enqueue else None,
            )

    def check(self, check_id: int) -> Check:
        with Session(self.engine) as session:
            return session.exec(select(Check).where(Check.id == check_id)).one()


@pytest.fixture
def registry_db(tmp_path, sqlite_url):
    """A SQLite registry with the reference weather, for running checks in this process."""
    registry = Registry(tmp_path, sqlite_url)
    yield registry
    registry.engine.dispose()


def process_gone(pid: int) -> bool:
    """True when no process of this group is left (a zombie awaiting its parent is gone)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def can_mount() -> tuple[bool, str]:
    """Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN)."""
    if os.geteuid() != 0:
        return False, "mounting a tmpfs needs root"
    probe = Path(f"/tmp/registry-mount-probe-{uuid.uuid4().hex[:6]}")
    probe.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(probe)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return False, f"mount failed: {done.stderr.strip()}"
        subprocess.run(["umount", str(probe)], check=True)
        return True, ""
    except FileNotFoundError:
        return False, "no mount command"
    finally:
        probe.rmdir()


@pytest.fixture
def tmpfs(tmp_path):
    """Mount tiny tmpfs folders under tmp_path: `tmpfs("full", size="64k", readonly=False)`."""
    ok, reason = can_mount()
    require(ok, reason)
    mounted: list[Path] = []

    def mount(name: str, *, size: str = "64k", readonly: bool = False) -> Path:
        path = tmp_path / name
        path.mkdir()
        options = f"size={size}" + (",ro" if readonly else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def write_figures(name: str, figures: dict) -> Path:
    """Keep measured figures for the report: test-output/<name>.json."""
    import json

    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
