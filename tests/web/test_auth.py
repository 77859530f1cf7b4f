"""Logging in and out, the lockout, the login wall, CSRF and the language switch."""

from __future__ import annotations

import re

from registry.db import make_engine
from tests.web.conftest import PASSWORD, text_of


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_return_to(client):
    response = client.get("/buildings?district=370202")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "district%3D370202" in response.headers["Location"]


def test_login_page_and_static_files_are_public(client):
    assert client.get("/login").status_code == 200
    css = client.get("/static/css/registry.css")
    css.close()  # static files are streamed; close the file handle
    assert css.status_code == 200


def test_login_returns_to_the_page_asked_for(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "next": "/buildings?q=x"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/buildings?q=x"


def test_login_never_redirects_off_site(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"username": user.username, "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == "/buildings"
        client.post("/logout")


def test_root_redirects_to_the_building_list(client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer"))
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/buildings"


def test_wrong_password_says_so_in_chinese_by_default(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    response = client.post("/login", data={"username": user.username, "password": "nope-nope"})
    assert response.status_code == 401
    assert "用户名或密码错误。" in text_of(response)
    assert f'value="{user.username}"' in response.get_data(as_text=True)


def test_wrong_password_in_english_after_switching(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    client.get("/login?lang=en")
    response = client.post("/login", data={"username": user.username, "password": "nope-nope"})
    assert "Wrong username or password." in text_of(response)


def test_repeated_failures_delay_the_name_and_the_page_says_how_long(
    client, app_session, make_user
):
    user = make_user(app_session, role="viewer")
    for _attempt in range(5):
        client.post("/login", data={"username": user.username, "password": "wrong-password"})
    # Even the right password waits out the delay, and the page says how long; no lock.
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert re.search(r"该账户登录尝试过多，请 \d+ 秒后再试", text_of(response))
    assert f'value="{user.username}"' in response.get_data(as_text=True)


def test_logout_is_a_post_and_ends_the_session(client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer"))
    assert client.get("/buildings").status_code == 200
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/buildings").status_code == 302


def test_language_switch_is_on_every_page_and_sticks(client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer"))
    page = client.get("/buildings?district=370202")
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "建筑" in text_of(page)
    assert 'href="/buildings?district=370202&amp;lang=en"' in html
    english = client.get("/buildings?district=370202&lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Register a building" not in text_of(english)  # viewers cannot register
    assert "Buildings" in text_of(english)
    # The choice is remembered for the next pages.
    assert '<html lang="en">' in client.get("/buildings").get_data(as_text=True)
    assert '<html lang="zh-CN">' in client.get("/buildings?lang=zh_Hans_CN").get_data(as_text=True)


def test_user_locale_is_the_default_after_login(client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer", locale="en"))
    assert '<html lang="en">' in client.get("/buildings").get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_a_readable_page(csrf_app, app_session, make_user):
    client = csrf_app.test_client()
    user = make_user(app_session, role="viewer")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期或来源无效" in text_of(response)
    # The same login with the page's token goes through.
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_without_csrf_token_keeps_the_session(csrf_app, app_session, make_user):
    client = csrf_app.test_client()
    user = make_user(app_session, role="viewer")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/buildings").status_code == 200


def test_database_outage_gets_a_readable_page(app, client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer"))
    client.get("/buildings?lang=en")
    app.extensions["registry.engine"].dispose()
    # Point the app at a server that is not there, as if the database went away.
    app.extensions["registry.engine"] = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/x")
    response = client.get("/buildings")
    assert response.status_code == 503
    assert "The database is unavailable; try again shortly. Nothing was saved." in text_of(response)
    client.get("/login?lang=zh_Hans_CN")
    assert "数据库暂时不可用" in text_of(client.get("/buildings"))


def test_nav_links_other_features_by_plain_path(client, app_session, make_user, login):
    login(client, make_user(app_session, role="officer"))
    html = client.get("/buildings").get_data(as_text=True)
    for path, name in (
        ("/checks", "能耗校核"),
        ("/dashboard", "统计看板"),
        ("/imports", "批量导入"),
    ):
        assert f'<a href="{path}" >{name}</a>' in html
    assert 'href="/buildings" aria-current="page"' in html
    assert "/admin/users" not in html  # officers are not administrators
