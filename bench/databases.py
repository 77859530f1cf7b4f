"""The benchmarks' databases and their first user: one home for both."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

# A PostgreSQL role that may create databases; each benchmark makes its own and drops it.
ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    os.environ.get("DATABASE_URL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
# BENCH_TALLY_POSTGRES=0: SQLite only (a machine without PostgreSQL).
WITH_POSTGRES = os.environ.get("BENCH_TALLY_POSTGRES", "1") != "0"


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL) while the block runs; dropped after it."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_admin(session):
    """The benchmark's administrator, "bench"."""
    from registry.services import users as user_service  # noqa: PLC0415  (after the models)

    return user_service.create_user(
        session=session,
        actor=None,
        username="bench",
        password="load-test-secret-1",
        role="admin",
        districts=[],
    )
