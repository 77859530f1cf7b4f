"""The audit log only grows: no route or service changes or removes an event, or a user an
event names, and the session refuses to, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, select

from registry.domain import dates
from registry.models import AuditEvent, User, utcnow
from registry.services import audit
from registry.services import users as user_service
from tests.conftest import building_data

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
SOURCES = sorted(p for p in REGISTRY.rglob("*.py") if "migrations" not in p.parts)
# The one module that creates audit events: the service every other one calls (the bulk
# imports too, through its multi-row insert_events).
WRITERS = {"services/audit.py"}


def _relative(path: Path) -> str:
    return path.relative_to(REGISTRY).as_posix()


def test_no_route_can_delete_or_replace_anything(app):
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ())
        assert not methods & {"DELETE", "PUT"}, rule.rule
        if re.search(r"history|audit", rule.rule):
            assert methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule


def test_only_the_audit_service_writes_events():
    writers = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        if re.search(r"(?<!class )\bAuditEvent\s*\(|insert\(\s*AuditEvent", source):
            writers.add(_relative(path))
    assert writers <= WRITERS, writers - WRITERS


@pytest.mark.parametrize("path", SOURCES, ids=_relative)
def test_no_source_updates_or_deletes_audit_events(path):
    source = path.read_text(encoding="utf-8")
    forbidden = [
        r"(update|delete)\(\s*AuditEvent",
        r"AuditEvent\.__table__\s*\.\s*(update|delete)",
        r"(?i)(update|delete\s+from)\s+\"?audit_events",
        r"(?i)truncate[^\n]*audit_events",
    ]
    for pattern in forbidden:
        assert not re.search(pattern, source), f"{_relative(path)} matches {pattern}"
    # A session.delete() or attribute write on something holding an event.
    assert not re.search(r"\bsession\.delete\(\s*(event|audit)", source)
    attribute_write = r"\b(event|audit_event)\.(action|before|after|reason|at|actor_\w+)\s*=(?!=)"
    assert not re.search(attribute_write, source)


def _event(session: Session) -> AuditEvent:
    event = audit.record_event(
        session=session,
        actor=None,
        entity="building",
        entity_id=1,
        action="create",
        after={"name": "原始"},
        building_id=1,
    )
    session.commit()
    return event


def _unchanged(session: Session, event_id: int) -> None:
    session.rollback()
    session.expire_all()
    row = session.get(AuditEvent, event_id)
    assert row is not None and row.action == "create" and row.after == {"name": "原始"}


def test_changing_an_event_in_a_session_is_refused(session):
    event = _event(session)
    event.after = {"name": "改过"}
    with pytest.raises(audit.AuditImmutable):
        session.commit()
    _unchanged(session, event.id)


def test_deleting_an_event_in_a_session_is_refused(session):
    event = _event(session)
    session.delete(event)
    with pytest.raises(audit.AuditImmutable):
        session.commit()
    _unchanged(session, event.id)


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEvent).values(action="hidden"),
        lambda: delete(AuditEvent),
        lambda: AuditEvent.__table__.update().values(reason="x"),
        lambda: AuditEvent.__table__.delete().where(AuditEvent.__table__.c.id > 0),
    ],
    ids=["orm-update", "orm-delete", "core-update", "core-delete"],
)
def test_bulk_update_and_delete_statements_are_refused(session, statement):
    event = _event(session)
    with pytest.raises(audit.AuditImmutable):
        session.exec(statement())
    with pytest.raises(audit.AuditImmutable):
        session.connection().execute(statement())
    _unchanged(session, event.id)


def test_a_user_the_log_names_is_never_deleted(session, make_user):
    """The log names its actors by id with no key to users, as buildings and records name
    who entered, submitted and approved them: deleting a user is refused, in a session and
    by a statement alike; deactivating is the way to remove one."""
    user = make_user(session, role="officer", districts=("370202",))
    session.commit()
    session.delete(user)
    with pytest.raises(audit.AuditImmutable, match="deactivate"):
        session.commit()
    session.rollback()
    for statement in (delete(User).where(User.id == user.id), User.__table__.delete()):
        with pytest.raises(audit.AuditImmutable, match="deactivate"):
            session.connection().execute(statement)
        session.rollback()
    assert session.get(User, user.id) is not None


def test_inserts_still_work_one_by_one_and_in_bulk(session):
    _event(session)
    session.connection().execute(
        insert(AuditEvent.__table__),
        [
            {
                "at": utcnow(),
                "actor_name": "system",
                "entity": "building",
                "action": "create",
                "entity_id": n,
            }
            for n in range(3)
        ],
    )
    session.commit()
    assert len(session.exec(select(AuditEvent)).all()) == 4
    # Plain reads and other tables' updates pass the guard.
    session.connection().execute(text("UPDATE users SET session_generation = session_generation"))


def test_a_building_lifecycle_through_the_api_only_appends(app_both, make_user):
    """Register, edit, add, submit, approve, publish, correct, revoke: every earlier event
    stays as written, and each step adds its own."""
    engine = app_both.extensions["registry.engine"]
    with Session(engine, expire_on_commit=False) as session:
        officer = make_user(session, role="officer", districts=("370202",))
        token = user_service.issue_api_token(session=session, actor=officer, user=officer)
        checker = make_user(session, role="officer", districts=("370202",))
        checker_token = user_service.issue_api_token(session=session, actor=checker, user=checker)
    client = app_both.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    second = {"Authorization": f"Bearer {checker_token}"}  # maker-checker: another reviews

    def events() -> dict[int, tuple]:
        with Session(engine) as session:
            return {
                e.id: (
                    e.at,
                    e.actor_name,
                    e.entity,
                    e.entity_id,
                    e.action,
                    e.before,
                    e.after,
                    e.reason,
                )
                for e in session.exec(select(AuditEvent))
            }

    building = client.post("/api/v1/buildings", json=building_data(), headers=headers).json
    record = client.post(
        f"/api/v1/buildings/{building['id']}/records",
        headers=headers,
        json={
            "kind": "green_label",
            "level": "1",
            "stage": "evaluation",
            "label_number": "QD-AUD-1",
            "issued_on": "2022-01-05",
        },
    ).json
    steps = [
        ("PATCH", f"/api/v1/buildings/{building['id']}", {"design_unit": "另一设计院"}, headers),
        ("POST", f"/api/v1/records/{record['id']}/submit", None, headers),
        ("POST", f"/api/v1/records/{record['id']}/approve", {"date": "2022-01-05"}, second),
        ("POST", f"/api/v1/records/{record['id']}/publish", {"date": "2022-01-14"}, second),
        (
            "POST",
            f"/api/v1/records/{record['id']}/correct",
            {"reason": "笔误", "notes": "更正"},
            headers,
        ),
        (
            "POST",
            f"/api/v1/records/{record['id']}/revoke",
            {"reason": "撤销", "date": dates.today().isoformat()},
            headers,
        ),
    ]
    before = events()
    for method, path, body, who in steps:
        response = client.open(path, method=method, json=body, headers=who)
        assert response.status_code == 200, response.json
        after = events()
        assert {k: after[k] for k in before} == before
        assert len(after) > len(before)
        before = after
