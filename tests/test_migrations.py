"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import registry.models  # noqa: F401
from registry.migrate import upgrade


def _diff_after_upgrade(url: str) -> list:
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    return diff


def test_migrations_match_models_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    assert _diff_after_upgrade(url) == []
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_migrations_match_models_on_postgres(pg_database_url):
    # A schema of its own, so the create_all tables of the shared test database don't mask gaps.
    from sqlalchemy import create_engine as ce

    admin = ce(pg_database_url, isolation_level="AUTOCOMMIT")
    name = pg_database_url.rsplit("/", 1)[1] + "_mig"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_database_url.rsplit("/", 1)[0] + "/" + name
    try:
        assert _diff_after_upgrade(url) == []
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
