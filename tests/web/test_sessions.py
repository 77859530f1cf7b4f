"""Sessions that can be cut off: logout, a password change or reset and deactivation end
every session and token of the user at once, on every browser; the admin page and the
account page list and revoke tokens; a login cookie ages out."""

from __future__ import annotations

import re

import pytest

from registry.models import User
from registry.services import users as user_service
from tests.web.conftest import PASSWORD, text_of


def _browser(app, user, login):
    client = app.test_client()
    login(client, user)
    assert client.get("/buildings").status_code == 200
    return client


def _token_works(client, token) -> bool:
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code == 200


def test_a_session_cookie_is_dead_after_logout(app, app_session, make_user, login):
    # The probe's reproduction: keep the cookie, log out, send the cookie again.
    user = make_user(app_session, role="viewer")
    client = _browser(app, user, login)
    kept = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", kept)
    response = replay.get("/buildings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_the_users_other_browsers_and_tokens(app, app_session, make_user, login):
    user = make_user(app_session, role="viewer")
    office, home = _browser(app, user, login), _browser(app, user, login)
    token = user_service.issue_api_token(session=app_session, actor=user, user=user)
    assert _token_works(office, token)
    office.post("/logout")
    assert home.get("/buildings").status_code == 302
    assert not _token_works(home, token)
    # Logging in again works, and only that browser is in.
    login(home, user)
    assert home.get("/buildings").status_code == 200
    assert office.get("/buildings").status_code == 302


def test_a_password_change_keeps_this_browser_and_ends_the_others(
    app, app_session, make_user, login
):
    user = make_user(app_session, role="designer", districts=())
    here, there = _browser(app, user, login), _browser(app, user, login)
    token = user_service.issue_api_token(session=app_session, actor=user, user=user)
    response = here.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "a-fresh-passphrase",
            "confirm_password": "a-fresh-passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert there.get("/buildings").status_code == 302
    assert not _token_works(here, token)


@pytest.mark.parametrize("action", ["deactivate", "reset-password"])
def test_an_admins_deactivation_or_reset_ends_the_users_sessions(
    app, app_session, make_user, login, action
):
    admin = make_user(app_session, role="admin")
    user = make_user(app_session, role="viewer")
    victim = _browser(app, user, login)
    token = user_service.issue_api_token(session=app_session, actor=user, user=user)
    admin_client = _browser(app, admin, login)
    response = admin_client.post(f"/admin/users/{user.id}/{action}")
    assert response.status_code in (200, 302)
    assert victim.get("/buildings").status_code == 302
    assert not _token_works(victim, token)
    app_session.expire_all()
    if action == "deactivate":
        assert app_session.get(User, user.id).active is False
        refused = app.test_client().post(
            "/login", data={"username": user.username, "password": PASSWORD}
        )
        assert refused.status_code == 401 and "用户名或密码错误。" in text_of(refused)
        admin_client.post(f"/admin/users/{user.id}/activate")
        login(app.test_client(), user)
    else:
        assert response.headers["Cache-Control"] == "no-store"
        password = re.search(r'<pre class="token" id="password">([^<]+)</pre>', response.text)
        assert password, response.text
        login(app.test_client(), user, password=password.group(1))


def test_the_admin_page_lists_and_revokes_a_users_tokens(app, app_session, make_user, login):
    admin = make_user(app_session, role="admin")
    user = make_user(app_session, role="designer", districts=())
    admin_client = _browser(app, admin, login)
    issued = admin_client.post(f"/admin/users/{user.id}/token", data={"name": "laptop"})
    token = re.search(r'<pre class="token" id="token">([^<]+)</pre>', issued.text).group(1)
    second = user_service.issue_api_token(session=app_session, actor=user, user=user, name="ci")
    page = admin_client.get(f"/admin/users/{user.id}")
    assert "laptop" in text_of(page) and "ci" in text_of(page) and token[:12] in page.text
    assert token not in page.text
    tokens = user_service.list_tokens(session=app_session, actor=admin, user=user)
    laptop = next(row for row in tokens if row.name == "laptop")
    response = admin_client.post(f"/admin/users/{user.id}/tokens/{laptop.id}/revoke")
    assert response.status_code == 302
    assert not _token_works(admin_client, token) and _token_works(admin_client, second)
    assert "已撤销" in text_of(admin_client.get(f"/admin/users/{user.id}"))


def test_a_user_lists_issues_and_revokes_their_own_tokens(app, app_session, make_user, login):
    user = make_user(app_session, role="designer", districts=())
    other = make_user(app_session, role="designer", districts=())
    foreign = user_service.issue_api_token(session=app_session, actor=other, user=other)
    client = _browser(app, user, login)
    issued = client.post("/account/tokens", data={"name": "cli"})
    assert issued.headers["Cache-Control"] == "no-store"
    token = re.search(r'<pre class="token" id="token">([^<]+)</pre>', issued.text).group(1)
    assert _token_works(client, token)
    mine = user_service.list_tokens(session=app_session, actor=user, user=user)[0]
    assert "cli" in text_of(client.get("/account"))
    theirs = user_service.list_tokens(session=app_session, actor=other, user=other)[0]
    assert client.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert _token_works(client, foreign)
    assert client.post(f"/account/tokens/{mine.id}/revoke").status_code == 302
    assert not _token_works(client, token)


def test_a_login_ages_out(app, app_session, make_user, login):
    user = make_user(app_session, role="viewer")
    client = _browser(app, user, login)
    with client.session_transaction() as cookie:
        cookie["_login_at"] -= int(app.config["SESSION_LIFETIME_H"] * 3600) + 1
    assert client.get("/buildings").status_code == 302


def test_a_session_set_before_the_login_is_not_carried_over(app, app_session, make_user, login):
    user = make_user(app_session, role="viewer")
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["planted"] = "by someone else"
    login(client, user)
    with client.session_transaction() as cookie:
        assert "planted" not in cookie
