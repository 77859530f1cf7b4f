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


def test_the_tally_index_migration_counts_what_is_already_stored(tmp_path):
    """0002 adds the tally index to a registry with records: it is filled (by the newest
    revision that recounts), not left empty.
    records_review_notice publishes existing labels on their approval date, the date they now
    count from, and reads who submitted each record from its history."""
    url = f"sqlite:///{tmp_path / 'existing.sqlite3'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    stamp = "2022-01-05 09:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO buildings (id, name, address, district_code, building_type, "
                "floor_area_m2, is_new_build, prefabricated, owner_name, design_unit, created_at, "
                "updated_at) VALUES (1, '崂山科创中心', '青岛市', '370212', 'office_government', "
                f"12000, 1, 0, '业主', '', '{stamp}', '{stamp}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO certificates (id, building_id, kind, level, stage, label_number, "
                "issued_on, counted_area_m2, notes, status, approved_on, created_at, updated_at) "
                "VALUES (1, 1, 'green_label', '3', 'evaluation', 'NO.1', '2021-06-01', 12000, '', "
                f"'approved', '2021-06-03', '{stamp}', '{stamp}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, role, districts, "
                "locale, active, failed_logins, created_at) VALUES (7, 'officer7', '', 'x', "
                f"'officer', '370212', 'zh_Hans_CN', 1, 0, '{stamp}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_id, actor_name, entity, entity_id, "
                f"building_id, action) VALUES ('{stamp}', 7, 'officer7', 'certificate', 1, 1, "
                "'submit')"
            )
        )
    upgrade(url)
    with engine.connect() as conn:
        episodes = conn.execute(
            text(
                "SELECT target, building_id, record_id, start_on, area_m2, building_name, kind, "
                "level, label_number FROM tally_episodes ORDER BY target"
            )
        ).all()
        horizon = conn.execute(text("SELECT horizon_on FROM tally_horizons")).scalar_one()
        record = conn.execute(
            text("SELECT status, published_on, submitted_by_id FROM certificates")
        ).one()
    engine.dispose()
    # With the copies the full-row export reads (exportfast_episode_rows).
    assert [tuple(e) for e in episodes] == [
        ("star_rated", 1, 1, "2021-06-03", 12000.0, "崂山科创中心", "green_label", "3", "NO.1")
    ]
    assert horizon == "2021-06-03"
    assert tuple(record) == ("published", "2021-06-03", 7)
