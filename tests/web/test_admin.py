"""User administration: admins only; create users; API tokens shown once."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from registry.models import User
from registry.services.users import user_for_token
from tests.web.conftest import field_error, text_of


@pytest.fixture
def admin_client(client, app_session, make_user, login):
    login(client, make_user(app_session, role="admin", username="root"))
    return client


def test_non_admins_get_a_403_page(client, app_session, make_user, login):
    login(client, make_user(app_session, role="officer"))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "您没有权限执行此操作。" in text_of(response)
    assert client.post("/admin/users", data={"username": "x"}).status_code == 403
    assert "/admin/users" not in client.get("/buildings").get_data(as_text=True)


def test_admin_sees_users_and_the_nav_link(admin_client, app_session, make_user):
    make_user(app_session, role="officer", username="laoshan", districts=("370212", "370214"))
    response = admin_client.get("/admin/users")
    assert response.status_code == 200
    text = text_of(response)
    assert "laoshan" in text and "审核人员" in text and "崂山区、城阳区" in text
    assert 'href="/admin/users"' in admin_client.get("/buildings").get_data(as_text=True)


def test_create_an_officer_with_districts(admin_client, app_session):
    response = admin_client.post(
        "/admin/users",
        data={
            "username": "jimo-officer",
            "display_name": "即墨审核",
            "password": "long-enough-pw",
            "role": "officer",
            "districts": ["370215", "370281"],
            "locale": "en",
        },
    )
    assert response.status_code == 302
    user = app_session.exec(select(User).where(User.username == "jimo-officer")).one()
    assert user.district_codes == {"370215", "370281"} and user.locale == "en"
    assert "已创建用户 jimo-officer。" in text_of(admin_client.get("/admin/users"))


def test_create_user_errors_keep_the_form(admin_client):
    response = admin_client.post(
        "/admin/users",
        data={
            "username": "newbie",
            "password": "short",
            "role": "officer",
            "locale": "zh_Hans_CN",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "password") == "密码至少需要 10 个字符。"
    assert field_error(response, "districts") == "审核人员至少需要一个所辖区（市）。"
    assert 'value="newbie"' in response.get_data(as_text=True)
    taken = admin_client.post(
        "/admin/users",
        data={
            "username": "root",
            "password": "long-enough-pw",
            "role": "viewer",
        },
    )
    assert taken.status_code == 409
    assert field_error(taken, "username") == "用户名“root”已存在。"


def test_token_is_shown_once_and_works(admin_client, app_session, make_user):
    user = make_user(app_session, role="viewer", username="reporting")
    response = admin_client.post(f"/admin/users/{user.id}/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(
        r'<pre class="token" id="token">([^<]+)</pre>', response.get_data(as_text=True)
    ).group(1)
    assert user_for_token(session=app_session, token=token).id == user.id
    # The list never shows it again.
    assert token not in admin_client.get("/admin/users").get_data(as_text=True)
    assert admin_client.post("/admin/users/9999/token").status_code == 404
