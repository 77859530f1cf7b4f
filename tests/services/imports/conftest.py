"""Fixtures of the import tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from registry.db import make_engine
from registry.services.imports import kept, preview
from registry.services.imports import plan as import_plan
from registry.services.imports import store as import_store
from tests.conftest import _truncate_pg, create_sqlite

# The tables a commit writes to.
WRITTEN_TABLES = ("buildings", "certificates", "audit_events", "tally_episodes", "tally_horizons")


@pytest.fixture
def sorted_rows(monkeypatch):
    """How many rows each dry run sorted (`classify_chunk`), one entry per run's chunk."""
    sorted_: list[int] = []
    real = import_plan.classify_chunk

    def counted(*, chunk, **kwargs):
        sorted_.append(len(chunk))
        return real(chunk=chunk, **kwargs)

    monkeypatch.setattr(preview, "classify_chunk", counted)
    kept.keep(None)
    yield sorted_
    kept.keep(None)


@pytest.fixture
def stored_by(database_url, make_user, monkeypatch):
    """`stored_by(commit)`: every row of every table a commit writes (`WRITTEN_TABLES`),
    ids included, as `commit(engine, session, importer)` stores it on the parametrised
    database emptied (ids from 1 again) with a new admin, "importer": two ways of
    committing the same file compare row for row. The store's clock is fixed for that."""
    at = datetime(2024, 6, 1, 2, 3, 4, 567_890, tzinfo=UTC)
    monkeypatch.setattr(import_store, "utcnow", lambda: at)

    def stored(commit) -> dict[str, list[tuple]]:
        _fresh(database_url)
        engine = make_engine(database_url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                importer = make_user(session, role="admin", username="importer")
                commit(engine, session, importer)
            return _written(engine)
        finally:
            engine.dispose()

    return stored


def _fresh(database_url: str) -> None:
    """The parametrised database emptied, ids starting at 1 again."""
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).unlink()
        create_sqlite(database_url)
    else:
        _truncate_pg(database_url)


def _written(engine) -> dict[str, list[tuple]]:
    tables = SQLModel.metadata.tables
    found = {}
    with engine.connect() as connection:
        for name in WRITTEN_TABLES:
            table = tables[name]
            query = select(table).order_by(*table.primary_key.columns)
            if name == "audit_events":  # the importer's own creation is logged too, at its time
                query = query.where(table.c.import_id.isnot(None))
            found[name] = [tuple(row) for row in connection.execute(query)]
    return found
