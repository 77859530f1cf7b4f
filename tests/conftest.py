"""Shared fixtures: app, client, runner, session on SQLite and PostgreSQL, and factories.

Services that need a real server (PostgreSQL, Redis, Chromium) skip with a reason on a
user's machine that lacks them, and fail under CI=true, where a skip would hide a gap.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import text
from sqlmodel import Session, SQLModel
from werkzeug.serving import make_server

import registry.models  # noqa: F401
from registry import create_app
from registry.config import Config
from registry.db import make_engine
from registry.domain.buildings.credit_code import make_credit_code
from registry.services import users as user_service
from registry.services.buildings import records as record_service
from registry.services.buildings import registration as building_service
from registry.services.notice import calendar as holiday_calendar

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "energyplus_models"
DATA_DIR = ROOT / "tests" / "data"
ON_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "DATABASE_URL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Under `pytest -n` (see the Makefile's `test`) each worker process gets a Redis database of its
# own (15, 14, …), because the tests that use Redis flush it and start Celery workers on it.
_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
_REDIS_BASE = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
REDIS_URL = f"{_REDIS_BASE.rsplit('/', 1)[0]}/{int(_REDIS_BASE.rsplit('/', 1)[1]) - _XDIST_INDEX}"


def require(available: bool, reason: str) -> None:
    """Skip off CI with a reason; fail on CI, where every service and tool must be there.
    The one place a test skips."""
    if available:
        return
    if ON_CI:
        pytest.fail(f"{reason}; required under CI=true")
    pytest.skip(reason)


def require_service(name: str, available: bool, how: str) -> None:
    require(available, f"{name} is not reachable ({how})")


def poppler(tool: str) -> str:
    """The path of a poppler-utils tool (pdftotext, pdffonts), which read PDFs back."""
    path = shutil.which(tool)
    require_service(tool, path is not None, "install Debian's poppler-utils")
    return path


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    if not _port_open("127.0.0.1", 5432):
        return False
    try:
        engine = sa_create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # any driver or auth failure means "not usable here"
        return False


def redis_available() -> bool:
    return _port_open("127.0.0.1", 6379)


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    require_service("PostgreSQL", postgres_available(), PG_ADMIN_URL)
    name = f"registry_test_{uuid.uuid4().hex[:10]}"
    admin = sa_create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed_reference(engine) -> None:
    """The reference data an installed registry has that records need: the holiday calendar
    (the public notice of labels is counted in working days)."""
    with Session(engine) as seeding:
        holiday_calendar.seed(seeding)


def _truncate_pg(url: str) -> None:
    engine = sa_create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    seed_reference(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.requires_postgres)])
def database_url(request, tmp_path):
    """Each test using this runs twice: on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        create_sqlite(url)
        yield url
    else:
        url = request.getfixturevalue("pg_database_url")
        _truncate_pg(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    create_sqlite(url)
    return url


def create_sqlite(url: str) -> None:
    """The registry's tables and reference data in the SQLite database at `url`."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    seed_reference(engine)
    engine.dispose()


def make_config(tmp_path: Path, database_url: str, **overrides) -> Config:
    env = {
        "DATABASE_URL": database_url,
        "REGISTRY_INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        "REGISTRY_TESTING": "1",
    }
    return Config(env=env, **overrides)


@pytest.fixture
def app(tmp_path, sqlite_url):
    """The app on SQLite with CSRF off (CSRF itself is tested with `csrf_app`)."""
    application = create_app(make_config(tmp_path, sqlite_url, WTF_CSRF_ENABLED=False))
    yield application
    application.extensions["registry.engine"].dispose()


@pytest.fixture
def app_both(tmp_path, database_url):
    """The app on each database in turn."""
    application = create_app(make_config(tmp_path, database_url, WTF_CSRF_ENABLED=False))
    yield application
    application.extensions["registry.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def engine(database_url):
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def app_session(app):
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as db_session:
        yield db_session


_counter = itertools.count(1)


@pytest.fixture
def make_user():
    def factory(
        session,
        role="officer",
        districts=("370202",),
        username=None,
        password="correct-horse-battery",
        **kwargs,
    ):
        return user_service.create_user(
            session=session,
            actor=None,
            username=username or f"{role}{next(_counter)}",
            password=password,
            role=role,
            districts=list(districts) if role == "officer" else [],
            **kwargs,
        )

    return factory


def building_data(**overrides) -> dict:
    data = {
        "name": f"测试大厦 {next(_counter)}",
        "address": "青岛市市南区香港中路 1 号",
        "district_code": "370202",
        "building_type": "office_government",
        "sub_type": "city",
        "floor_area_m2": "12000",
        "storeys": "12",
        "is_new_build": "true",
        "completion_year": "2020",
        "prefabricated": "false",
        "owner_name": "青岛市某建设单位",
        "owner_credit_code": make_credit_code("91370200MA3C1234X"),
        "design_unit": "青岛市建筑设计研究院",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_building():
    def factory(session, actor, **overrides):
        return building_service.register_building(
            session=session, actor=actor, data=building_data(**overrides)
        )

    return factory


def checker_for(session, actor):
    """A second person who may approve what `actor` drafted (maker-checker): an admin."""
    return user_service.create_user(
        session=session,
        actor=None,
        username=f"checker{next(_counter)}",
        password="correct-horse-battery",
        role="admin",
    )


def take_to(session, record, status, *, actor, approver=None, approved_on=None, published_on=None):
    """Move a draft `record` to `status` the way people do: submitted by `actor`, reviewed by
    `approver` (a second person by default). A label or an energy level is approved on
    `approved_on` (its issue date by default) and published the day after its notice ends,
    so "approved" means counted for every kind; "notice" stops under notice."""
    from datetime import timedelta

    from registry.domain.buildings.records import NOTICE_KINDS

    if status in {"submitted", "notice", "approved", "published", "rejected", "revoked"}:
        record_service.submit_record(session=session, actor=actor, record_id=record.id)
    if status in {"notice", "approved", "published", "revoked"}:
        approver = approver or checker_for(session, actor)
        notice = record.kind in NOTICE_KINDS
        on = approved_on or (record.issued_on if notice else None)
        record_service.approve_record(session=session, actor=approver, record_id=record.id, on=on)
        if notice and status != "notice":
            record_service.publish_record(
                session=session,
                actor=approver,
                record_id=record.id,
                on=published_on or record.notice_end_on + timedelta(days=1),
            )
    if status == "rejected":
        record_service.reject_record(
            session=session,
            actor=approver or checker_for(session, actor),
            record_id=record.id,
            reason="材料不全",
        )
    session.refresh(record)
    return record


@pytest.fixture
def make_record():
    def factory(
        session,
        actor,
        building,
        *,
        status="draft",
        approver=None,
        approved_on=None,
        published_on=None,
        **overrides,
    ):
        data = {
            "kind": "green_label",
            "level": "2",
            "stage": "evaluation",
            "label_number": f"NO.{uuid.uuid4().hex[:8]}",
            "issued_on": date(2021, 6, 1),
        }
        data.update(overrides)
        record = record_service.add_record(
            session=session, actor=actor, building_id=building.id, data=data
        )
        return take_to(
            session,
            record,
            status,
            actor=actor,
            approver=approver,
            approved_on=approved_on,
            published_on=published_on,
        )

    return factory


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require_service("Chromium", Path(path).exists(), "install Debian's chromium package")
    return path


@contextmanager
def serve(app):
    """Serve `app` over HTTP from a thread on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["registry.engine"].dispose()


@contextmanager
def waiting_slots_taken():
    """Every long-poll slot of this server process taken, as by other clients' waits."""
    from registry.api import checks as api_checks

    taken = [api_checks._waiting.acquire(blocking=False) for _ in range(api_checks.MAX_WAITING)]
    try:
        assert all(taken)
        yield
    finally:
        for got in taken:
            if got:
                api_checks._waiting.release()
