"""`registry user ...`: deactivate, reset a password, clear a login delay, and API tokens,
each with --json, from the server's command line."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from registry.domain.users import login as rules
from registry.domain.users.passwords import password_problem
from registry.models import AuditEvent, User
from registry.services import users as user_service
from registry.services.setup import ensure_first_admin


@pytest.fixture
def wang(cli, app_session, make_user):
    return make_user(app_session, role="viewer", username="wang", password="long-enough-pw")


def test_deactivate_and_activate(cli, app_session, wang):
    token = user_service.issue_api_token(session=app_session, actor=wang, user=wang)
    result = cli("user", "deactivate", "WANG", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": wang.id, "username": "wang", "active": False}
    app_session.expire_all()  # the command changed the rows in its own session
    assert user_service.user_for_token(session=app_session, token=token) is None
    assert (
        user_service.authenticate(session=app_session, username="wang", password="long-enough-pw")
        is None
    )
    activated = cli("user", "activate", "wang")
    assert activated.exit_code == 0 and activated.stdout == "已启用用户 wang。\n"
    assert cli("user", "deactivate", "wang", "--lang", "en").stdout == "User wang deactivated.\n"
    assert cli("user", "activate", "wang").exit_code == 0
    app_session.expire_all()
    assert user_service.authenticate(
        session=app_session, username="wang", password="long-enough-pw"
    )
    events = app_session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == wang.id))
    assert {"deactivate", "activate"} <= set(events)


def test_reset_password_prints_a_policy_password_once(cli, app_session, wang):
    result = cli("user", "reset-password", "wang", "--json")
    assert result.exit_code == 0, result.output
    password = json.loads(result.stdout)["password"]
    assert password_problem(password, "wang") is None
    app_session.expire_all()
    assert user_service.authenticate(session=app_session, username="wang", password=password)
    weak = cli("user", "reset-password", "wang", "--password", "12345678", "--lang", "en")
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output


def test_unlock_lets_the_owner_in_at_once(cli, app_session, wang):
    for _ in range(rules.FREE_FAILURES + 1):
        user_service.authenticate(session=app_session, username="wang", password="guess")
    with pytest.raises(user_service.Throttled):
        user_service.authenticate(session=app_session, username="wang", password="long-enough-pw")
    unlocked = cli("user", "unlock", "wang")
    assert unlocked.exit_code == 0 and unlocked.stdout == "wang 现在可以立即登录。\n"
    assert user_service.authenticate(
        session=app_session, username="wang", password="long-enough-pw"
    )


def test_tokens_issued_listed_and_revoked(cli, app_session, wang):
    issued = cli("user", "issue-token", "wang", "--name", "ci", "--json")
    token = json.loads(issued.stdout)["token"]
    listed = json.loads(cli("user", "tokens", "wang", "--json").stdout)
    assert [row["name"] for row in listed] == ["ci"] and listed[0]["revoked_at"] is None
    text = cli("user", "tokens", "wang").stdout
    assert token not in text and text.rstrip().endswith("\tci\t有效"), text
    revoked = cli("user", "revoke-token", "wang", listed[0]["id"])
    assert revoked.exit_code == 0 and revoked.stdout == "令牌已撤销。\n"
    # Revoked at a time on the bureau's clock, as the token list's page shows it.
    text = cli("user", "tokens", "wang").stdout
    assert re.search(r"\tci\t已撤销（\d{4}-\d\d-\d\d \d\d:\d\d）$", text.rstrip()), text
    assert user_service.user_for_token(session=app_session, token=token) is None
    again = cli("user", "revoke-token", "wang", listed[0]["id"], "--json")
    assert (
        again.exit_code == 1
        and json.loads(again.stdout)["error"]["code"] == "token.already_revoked"
    )


def test_an_unknown_user_is_a_message_not_a_traceback(cli):
    result = cli("user", "deactivate", "nobody", "--lang", "en")
    assert result.exit_code == 1 and "No such user." in result.output


def test_the_first_admins_password_meets_the_policy(app, tmp_path):
    username, password = ensure_first_admin(app.extensions["registry.engine"], tmp_path)
    assert username == "admin" and password_problem(password, "admin") is None


def test_users_are_stored_and_found_normalised(cli, app_session):
    result = cli(
        "create-user",
        "--username",
        "Li.Na",
        "--password",
        "long-enough-pw",
        "--role",
        "viewer",
        "--json",
    )
    assert json.loads(result.stdout)["username"] == "li.na"
    clash = cli(
        "create-user",
        "--username",
        "LI.NA",
        "--password",
        "long-enough-pw",
        "--role",
        "viewer",
        "--lang",
        "en",
    )
    assert clash.exit_code == 1
    assert app_session.exec(select(User).where(User.username == "li.na")).one()
