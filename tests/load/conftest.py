"""Load tests run against a real gunicorn on a fresh, migrated PostgreSQL database."""

from tests.faults.conftest import fresh_pg_url  # noqa: F401  (the fixture, shared)
