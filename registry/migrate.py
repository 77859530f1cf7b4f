"""Alembic, configured in code so `registry init` and `make run` need no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def new_revision(message: str) -> None:
    """Autogenerate the next migration from the models' difference to the current head.

    Compared against a scratch SQLite database upgraded to head; PostgreSQL-only details
    (e.g. extensions) must be added by hand, as in 0001's pg_trgm line.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/scratch.sqlite3"
        upgrade(url)
        command.revision(alembic_config(url), message=message, autogenerate=True)
