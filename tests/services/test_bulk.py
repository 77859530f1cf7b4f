"""`bulk.insert_rows` stores exactly what Core's executemany stores (issue 23's fast path:
executemany of pre-bound rows on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from registry.bulk import insert_rows
from registry.db import make_engine
from registry.models import AuditEvent, Building, Record


def _stored(connection, table, ids) -> list[tuple]:
    """The rows as the driver returns them (text on SQLite), id left out."""
    columns = [c for c in table.c if c.name != "id"]
    query = select(*columns).where(table.c.id.in_(ids)).order_by(table.c.id)
    raw = connection.connection.dbapi_connection.cursor()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    raw.execute(str(compiled))
    return [tuple(row) for row in raw.fetchall()]


def test_insert_rows_stores_what_core_stores(engine):
    now = datetime(2024, 3, 1, 4, 5, 6, 789, tzinfo=UTC)
    east = datetime(2024, 3, 1, 12, 5, 6, tzinfo=timezone(timedelta(hours=8)))
    events = [
        {
            "at": at,
            "actor_id": None,
            "actor_name": "importer",
            "entity": "record",
            "entity_id": n,
            "building_id": n,
            "action": "create",
            "before": before,
            "after": after,
            "reason": reason,
            "import_id": 7,
        }
        for n, (at, before, after, reason) in enumerate(
            [
                (now, None, {"a": 1, "名": "大厦", "on": "2024-01-02"}, None),
                (now, {}, {"x": [1, 2.5, None, True]}, "原因"),
                (east, None, None, ""),
                # COPY's text format escapes these; a JSON string holds them escaped again.
                (now, {"路径": "C:\\模型\t1\n"}, {"q": "'\"\\N"}, "tab\there\r\nline \\N"),
            ]
        )
    ]
    buildings = [
        Building(
            name=f"大厦{n}",
            district_code="370202",
            building_type="office",
            floor_area_m2=area,
            is_new_build=new,
            prefabricated=not new,
            completed_on=completed,
            completion_year=2020 + n,
            created_at=at,
            updated_at=now,
            import_id=7,
        ).model_dump(exclude={"id"})
        for n, (area, new, completed, at) in enumerate(
            [(1500, True, None, now), (2.5, False, date(2023, 1, 1), east), (1, True, None, now)]
        )
    ]
    buildings[2].update(name="\\N", address="tab\tnew\nline\\", owner_name="")
    with Session(engine) as session:
        connection = session.connection()
        building_id = connection.execute(
            insert(Building.__table__), buildings[:1]
        ).inserted_primary_key[0]
        records = [
            Record(
                building_id=building_id,
                kind=kind,
                level=level,
                stage=stage,
                label_number=label,
                status=status,
                issued_on=issued,
                approved_on=issued,
                counted_area_m2=area,
                submitted_at=east,
                created_at=now,
                updated_at=now,
                import_id=7,
            ).model_dump(exclude={"id"})
            for kind, level, stage, label, status, issued, area in [
                # Label numbers are unique, and each row is stored twice here.
                (
                    "green_label",
                    "two_star",
                    "operation",
                    None,
                    "approved",
                    date(2022, 2, 28),
                    1200.5,
                ),
                ("retrofit", "residential", None, None, "draft", None, 800),
            ]
        ]
        tables = (
            (AuditEvent.__table__, events),
            (Building.__table__, buildings),
            (Record.__table__, records),
        )

        def ids(table) -> list[int]:
            return list(connection.execute(select(table.c.id).order_by(table.c.id)).scalars())

        for table, rows in tables:
            earlier = len(ids(table))
            connection.execute(insert(table), rows)
            by_core = ids(table)[earlier:]
            insert_rows(connection, table, rows, size=2)  # two rounds on SQLite
            by_us = ids(table)[earlier + len(by_core) :]
            assert len(by_us) == len(rows)
            assert _stored(connection, table, by_us) == _stored(connection, table, by_core)
        session.rollback()


def test_insert_rows_refuses_a_key_that_is_no_column(sqlite_url):
    # SQLite's path binds by position: a stray key must not shift the values.
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        connection = session.connection()
        with pytest.raises(ValueError, match="audit_events"):
            insert_rows(connection, AuditEvent.__table__, [{"entity": "x", "nonsense": 1}])
        session.rollback()
    engine.dispose()


def test_a_bulk_write_has_a_large_cache_and_gives_it_back(tmp_path):
    """Only the connection making the bulk write holds the large page cache, and only while
    it writes: the pool's other connections (the web's) keep SQLite's default."""
    from registry import bulk, db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")

    def cache_kib(connection) -> int:
        return -connection.exec_driver_sql("PRAGMA cache_size").scalar()

    with engine.connect() as connection:
        assert cache_kib(connection) == bulk.SQLITE_DEFAULT_CACHE_KIB
        with bulk.bulk_cache(connection):
            assert cache_kib(connection) == bulk.SQLITE_CACHE_KIB
            with engine.connect() as other:
                assert cache_kib(other) == bulk.SQLITE_DEFAULT_CACHE_KIB
        assert cache_kib(connection) == bulk.SQLITE_DEFAULT_CACHE_KIB
    engine.dispose()


def test_reserved_ids_are_new_ascending_and_usable_and_the_next_default_comes_after(engine):
    """`reserve_ids` (an import's buildings and records, written with their ids given): as
    many as asked, ascending, above every stored id, taken by rows written with them, and
    a row written afterwards by the column's default does not collide with them."""
    from registry.bulk import reserve_ids

    def building(name: str) -> dict:
        row = Building(
            name=name, district_code="370202", building_type="office", floor_area_m2=100
        ).model_dump(exclude={"id"})
        row.update(created_at=datetime(2024, 1, 1, tzinfo=UTC))
        row.update(updated_at=row["created_at"])
        return row

    table = Building.__table__
    with Session(engine) as session:
        connection = session.connection()
        first = connection.execute(insert(table), [building("先有")]).inserted_primary_key[0]
        assert reserve_ids(connection, table, 0) == []
        ids = reserve_ids(connection, table, 3)
        assert len(ids) == 3 and ids == sorted(set(ids)) and ids[0] > first
        insert_rows(
            connection, table, [{**building(f"预留{n}"), "id": i} for n, i in enumerate(ids)]
        )
        later = connection.execute(insert(table), [building("后来")]).inserted_primary_key[0]
        assert later > ids[-1]
        stored = dict(connection.execute(select(table.c.id, table.c.name)).all())
        assert [stored[i] for i in ids] == ["预留0", "预留1", "预留2"]
        session.rollback()


def test_chunks_written_as_they_come_store_what_one_write_stores(engine):
    """`write_chunks` (an import's rows, bound a chunk at a time while the database stores
    the one before): the same rows as one `write_bound` of them all, empty chunks passed
    over; a chunk of other columns is refused and nothing of the write is kept."""
    from registry.bulk import bind_rows, write_bound, write_chunks

    table = Building.__table__

    def rows(prefix: str, count: int) -> list[dict]:
        made = []
        for n in range(count):
            row = Building(
                name=f"{prefix}{n}",
                address=f"路\t{n}\\N",  # escaped by COPY's text format
                district_code="370202",
                building_type="office",
                floor_area_m2=100.5 + n,
                completed_on=date(2023, 1, 1 + n % 28),
            ).model_dump(exclude={"id"})
            row.update(created_at=datetime(2024, 1, 1, tzinfo=UTC))
            row.update(updated_at=row["created_at"])
            made.append(row)
        return made

    def names(connection) -> list[tuple]:
        query = select(table.c.name, table.c.address, table.c.completed_on).order_by(table.c.id)
        return [tuple(row) for row in connection.execute(query)]

    with Session(engine) as session:
        connection = session.connection()
        dialect = connection.dialect
        taken = []

        def chunks():
            for n in range(3):
                taken.append(n)
                yield bind_rows(dialect, table, [])  # nothing: passed over
                yield bind_rows(dialect, table, rows(f"分{n}-", 5))

        write_chunks(connection, table, chunks(), size=2)
        assert taken == [0, 1, 2]
        by_chunks = names(connection)
        session.rollback()
        connection = session.connection()
        everything = [row for n in range(3) for row in rows(f"分{n}-", 5)]
        write_bound(connection, table, bind_rows(dialect, table, everything))
        assert names(connection) == by_chunks and len(by_chunks) == 15
        session.rollback()

        connection = session.connection()
        lacking = {k: v for k, v in rows("缺", 1)[0].items() if k != "completed_on"}
        other = bind_rows(dialect, table, [lacking])
        with pytest.raises(ValueError, match="buildings"):
            write_chunks(connection, table, [bind_rows(dialect, table, rows("全", 2)), other])
        session.rollback()
        assert names(session.connection()) == []
        session.rollback()
