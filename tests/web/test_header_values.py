"""Values that end up in a response header: only the app's own paths in a redirect, and a
control character anywhere in one is a 400, never a 500 or a header split."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from registry.services import users as user_service
from registry.web import started
from tests.web.conftest import PASSWORD, text_of

OFF_SITE = (
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "/%09/evil.example/phish",  # browsers drop the tab: //evil.example/phish
    "/%0a/evil.example",
    "/ /evil.example",
    "http:/evil.example",
    "/\u3000/evil.example",
)


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_redirects_only_to_the_apps_own_paths(client, app_session, make_user, target):
    user = make_user(app_session, role="viewer")
    response = client.get(f"/login?next={target}")
    assert response.status_code in (200, 400)
    response = client.post(
        f"/login?next={target}", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code in (302, 400)
    assert as_a_browser_reads_it(response.headers.get("Location", "")).netloc == ""


def as_a_browser_reads_it(location: str):
    # The URL standard drops tabs and newlines anywhere, and outer spaces and controls.
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x1f ")
    return urlsplit(cleaned.replace("\\", "/"))


def test_a_tab_in_next_is_refused_before_and_after_login(client, app_session, make_user, login):
    # The probe's reproduction: /login?next=/%09/evil.example/phish
    response = client.get("/login?next=/%09/evil.example/phish")
    assert response.status_code == 400
    login(client, make_user(app_session, role="viewer"))
    response = client.get("/login?next=/%09/evil.example/phish")
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize("raw", ["%0d%0aSet-Cookie:%20x=1", "%0aX-Injected:%201", "%0d", "%7f"])
def test_control_characters_in_next_answer_400_with_a_message(client, raw):
    response = client.get(f"/login?next=/buildings{raw}")
    assert response.status_code == 400
    assert "Set-Cookie" not in str(response.headers).replace("Set-Cookie: session", "")
    assert "控制字符" in response.get_data(as_text=True)


def test_control_characters_in_next_answer_400_in_english(client):
    response = client.get("/login?next=/buildings%0d%0aX:1&lang=en")
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_own_paths_with_queries_still_come_back(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "next": "/buildings?q=%E5%A4%A7"},
    )
    assert response.headers["Location"] == "/buildings?q=%E5%A4%A7"


def test_export_with_an_absurd_year_is_a_clean_422(client, app_session, make_user, login):
    login(client, make_user(app_session, role="viewer"))
    for path in ("/buildings/export.csv", "/buildings/export.xlsx"):
        response = client.get(f"{path}?year=99999999999999999999999")
        assert response.status_code == 422, (path, response.status_code)
        assert "应在 1900 到 2200 之间" in text_of(response)
    # The list shows the same problem beside its filter.
    response = client.get("/buildings?year=99999999999999999999999")
    assert response.status_code == 200
    assert "应在 1900 到 2200 之间" in text_of(response)
    assert client.get("/buildings/export.csv?year=2020").status_code == 200


def test_api_export_with_an_absurd_year_is_a_422(client, app_session, make_user):
    user = make_user(app_session, role="viewer")
    token = user_service.issue_api_token(session=app_session, actor=user, user=user)
    response = client.get(
        "/api/v1/buildings/export?year=99999999999999999999999",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422


def test_an_error_starting_a_stream_is_answered_by_the_error_handlers(app):
    def broken():
        raise OverflowError("too big")
        yield ""  # pragma: no cover

    with app.test_request_context("/"):
        try:
            started(broken())
        except OverflowError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the first chunk should be made inside the view")
