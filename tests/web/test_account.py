"""Changing one's own password; the first-login note stops showing a changed password."""

from __future__ import annotations

from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from registry.models import AuditEvent, User
from registry.services.setup import ensure_first_admin
from tests.web.conftest import PASSWORD, text_of


def test_change_password_needs_the_current_one(client, app_session, make_user, login):
    user = make_user(app_session, role="designer", districts=())
    login(client, user)
    wrong = client.post(
        "/account",
        data={"current_password": "nope", "new_password": "abc", "confirm_password": "abc"},
    )
    assert wrong.status_code == 422
    text = text_of(wrong)
    assert "当前密码不正确。" in text and "密码至少需要 10 个字符。" in text
    differ = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "new-secret-1",
            "confirm_password": "new-secret-2",
        },
    )
    assert differ.status_code == 422
    assert "两次输入的新密码不一致。" in text_of(differ)
    ok = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "new-secret-1",
            "confirm_password": "new-secret-1",
        },
    )
    assert ok.status_code == 302
    app_session.expire_all()
    stored = app_session.get(User, user.id)
    assert check_password_hash(stored.password_hash, "new-secret-1")
    event = app_session.exec(select(AuditEvent).where(AuditEvent.action == "password_change")).one()
    assert event.before is None and event.after is None  # never the values


def test_first_login_note_goes_once_the_password_changes(app, tmp_path):
    engine = app.extensions["registry.engine"]
    username, password = ensure_first_admin(engine, tmp_path)
    assert username == "admin" and password
    assert ensure_first_admin(engine, tmp_path) == ("admin", password)
    from registry.services.users import change_password

    with Session(engine) as session:
        admin = session.exec(select(User).where(User.username == "admin")).one()
        change_password(
            session=session, actor=admin, current_password=password, new_password="a-new-password"
        )
    assert ensure_first_admin(engine, tmp_path) == ("admin", None)
    assert not (tmp_path / "first_login.txt").exists()
