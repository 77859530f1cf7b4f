"""PostgreSQL drops the app's connections in the middle of a request.

The app's backends are terminated with pg_terminate_backend from a second connection just
before one statement of the request runs, so the request has already written something in
its transaction. The user gets a clear 503 in Chinese, nothing half-written remains, and
the very next request works on a fresh connection.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event, text
from sqlmodel import Session, func, select

from registry import create_app
from registry.models import AuditEvent, Building
from registry.services import users as user_service
from tests.conftest import building_data, make_config

pytestmark = pytest.mark.requires_postgres

UNAVAILABLE_ZH = "数据库暂时不可用，请稍后重试。未保存任何数据。"


@pytest.fixture
def pg_app(tmp_path, fresh_pg_url):
    application = create_app(make_config(tmp_path, fresh_pg_url, WTF_CSRF_ENABLED=False))
    yield application
    application.extensions["registry.engine"].dispose()


@contextmanager
def drop_connections_before(app, statement: str):
    """Terminate every app backend once, right before the first statement matching the regex."""
    engine = app.extensions["registry.engine"]
    killer = sa_create_engine(engine.url, isolation_level="AUTOCOMMIT")
    pattern = re.compile(statement, re.I)
    fired: list[str] = []

    def before_execute(conn, cursor, sql, params, context, executemany):
        if fired or not pattern.search(sql):
            return
        with killer.connect() as admin:
            killed = admin.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        fired.append(f"{killed} backend(s) before: {sql.split()[0:3]}")

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        killer.dispose()


def _counts(app) -> tuple[int, int]:
    with Session(app.extensions["registry.engine"]) as session:
        return (
            session.exec(select(func.count()).select_from(Building)).one(),
            session.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "building")
            ).one(),
        )


def _token(app, make_user) -> str:
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        user = make_user(session, role="officer")
        return user_service.issue_api_token(session=session, actor=user, user=user)


def test_api_write_cut_between_building_and_audit_event_is_503_and_saves_nothing(pg_app, make_user):
    token = _token(pg_app, make_user)
    client = pg_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    with drop_connections_before(pg_app, r"^\s*INSERT INTO audit_events") as fired:
        response = client.post("/api/v1/buildings", json=building_data(), headers=headers)
    assert fired, "the audit insert never ran"
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == "server.database_unavailable"
    assert body["message"] == UNAVAILABLE_ZH
    assert _counts(pg_app) == (0, 0)  # no building without its audit event

    again = client.post("/api/v1/buildings", json=building_data(), headers=headers)
    assert again.status_code == 201, again.get_data(as_text=True)
    assert _counts(pg_app) == (1, 1)


def test_list_cut_between_count_and_page_is_503_then_the_next_list_works(pg_app, make_user):
    token = _token(pg_app, make_user)
    client = pg_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        client.post("/api/v1/buildings", json=building_data(), headers=headers).status_code == 201
    )
    with drop_connections_before(pg_app, r"ORDER BY buildings\.id DESC") as fired:
        response = client.get("/api/v1/buildings", headers=headers)
    assert fired and response.status_code == 503
    assert response.get_json()["code"] == "server.database_unavailable"
    listed = client.get("/api/v1/buildings", headers=headers)
    assert listed.status_code == 200 and listed.get_json()["total"] == 1


def test_form_post_cut_mid_write_shows_a_chinese_503_page(pg_app, make_user):
    with Session(pg_app.extensions["registry.engine"], expire_on_commit=False) as session:
        officer = make_user(session, role="officer")
    client = pg_app.test_client()
    login = client.post(
        "/login", data={"username": officer.username, "password": "correct-horse-battery"}
    )
    assert login.status_code == 302
    with drop_connections_before(pg_app, r"^\s*INSERT INTO audit_events") as fired:
        response = client.post("/buildings/new", data=building_data())
    assert fired
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:2000]
    assert response.mimetype == "text/html"
    assert UNAVAILABLE_ZH in page and "Traceback" not in page
    assert _counts(pg_app) == (0, 0)

    # The same session cookie still works: the next request gets a fresh connection.
    again = client.post("/buildings/new", data=building_data())
    assert again.status_code == 302, again.get_data(as_text=True)[:2000]
    assert _counts(pg_app) == (1, 1)
