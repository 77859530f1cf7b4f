"""Throttling by address and by account without locking the owner out: the same answer for
names that exist and names that do not, a short growing wait per name, a per-address cap
on failed logins, and the client address taken from a proxy only when it is trusted."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlmodel import Session

from registry import create_app
from registry.domain.users import login as rules
from registry.services.users.login import forget_failures
from tests.conftest import REDIS_URL, make_config, redis_available, require_service
from tests.web.conftest import PASSWORD, text_of


@pytest.fixture
def limited_app(tmp_path, sqlite_url):
    """An app whose per-address limit is small enough to reach in a test."""
    application = create_app(
        make_config(tmp_path, sqlite_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="6 per minute")
    )
    yield application
    application.extensions["registry.engine"].dispose()


def _post(client, username, password, address="10.1.1.1", **headers):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_known_and_unknown_names_get_the_same_answers(client, app_session, make_user):
    user = make_user(app_session, role="admin")
    answers = {}
    for name in (user.username, "nobody-here"):
        answers[name] = [
            (response.status_code, text_of(response).replace(name, "NAME"))
            for response in (
                _post(client, name, f"guess-{n}", address=f"10.2.0.{n}")
                for n in range(rules.FREE_FAILURES + 2)
            )
        ]
    assert answers[user.username] == answers["nobody-here"]
    assert [status for status, _ in answers["nobody-here"]] == [401] * 5 + [429]


def test_unknown_names_take_as_long_as_known_ones(client, app_session, make_user):
    user = make_user(app_session, role="viewer")

    def timed(name, n):
        started = time.perf_counter()
        response = _post(client, name, "wrong-password", address=f"10.3.{n}.1")
        assert response.status_code == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for n in range(6):
        # A fresh address and the back-off cleared each round, so only the check is timed.
        known.append(timed(user.username, n))
        unknown.append(timed(f"ghost{n}", n + 100))
        forget_failures(app_session, user.username)
        app_session.commit()
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)


def test_an_attacker_elsewhere_delays_the_owner_by_seconds_not_minutes(
    client, app_session, make_user
):
    admin = make_user(app_session, role="admin")
    for n in range(rules.FREE_FAILURES + 1):
        assert _post(client, admin.username, f"guess-{n}", address=f"10.4.0.{n}").status_code == 401
    # The owner, from a new address, is asked to wait a second, then gets in.
    waiting = _post(client, admin.username, PASSWORD, address="10.9.9.9")
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "1"
    assert "1 秒后再试" in text_of(waiting)
    time.sleep(1.1)
    assert _post(client, admin.username, PASSWORD, address="10.9.9.9").status_code == 302


def test_an_admin_lets_the_owner_in_at_once(client, app, app_session, make_user, login):
    owner = make_user(app_session, role="viewer")
    for n in range(rules.FREE_FAILURES + 4):
        _post(client, owner.username, f"guess-{n}", address=f"10.5.0.{n}")
    assert _post(client, owner.username, PASSWORD, address="10.9.9.8").status_code == 429
    admin_client = app.test_client()
    login(admin_client, make_user(app_session, role="admin"))
    assert admin_client.post(f"/admin/users/{owner.id}/clear-delay").status_code == 302
    assert _post(client, owner.username, PASSWORD, address="10.9.9.8").status_code == 302


def test_one_address_is_capped_across_many_names(limited_app):
    client = limited_app.test_client()
    for n in range(6):
        assert _post(client, f"name{n}", "wrong-password").status_code == 401
    response = _post(client, "name-next", "wrong-password")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "此地址登录失败次数过多" in text_of(response)
    # Another address is not held back by this one.
    assert _post(client, "name-next", "wrong-password", address="10.1.1.2").status_code == 401


def test_successful_logins_do_not_count_against_the_address(limited_app, make_user):
    with Session(limited_app.extensions["registry.engine"], expire_on_commit=False) as session:
        people = [make_user(session, role="viewer") for _ in range(8)]
    client = limited_app.test_client()
    for person in people:  # a whole office behind one address
        assert _post(client, person.username, PASSWORD).status_code == 302
        client.post("/logout")


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(tmp_path, sqlite_url):
    def app_with(proxies):
        return create_app(
            make_config(
                tmp_path,
                sqlite_url,
                WTF_CSRF_ENABLED=False,
                LOGIN_RATE_LIMIT="3 per minute",
                TRUSTED_PROXIES=proxies,
            )
        )

    untrusted = app_with(0)
    client = untrusted.test_client()
    # Without a trusted proxy, a client cannot spread its attempts over invented addresses.
    for n in range(3):
        _post(client, f"u{n}", "wrong-password", **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert (
        _post(client, "u9", "wrong-password", **{"X-Forwarded-For": "192.0.2.99"}).status_code
        == 429
    )

    trusted = app_with(1)
    client = trusted.test_client()
    for _attempt in range(3):
        _post(client, "u", "wrong-password", **{"X-Forwarded-For": "192.0.2.7"})
    assert (
        _post(client, "u", "wrong-password", **{"X-Forwarded-For": "192.0.2.7"}).status_code == 429
    )
    # Behind the proxy, each client is its own address.
    assert (
        _post(client, "v", "wrong-password", **{"X-Forwarded-For": "192.0.2.8"}).status_code == 401
    )
    for application in (untrusted, trusted):
        application.extensions["registry.engine"].dispose()


def test_two_processes_count_together_in_redis(tmp_path, sqlite_url):
    require_service("Redis", redis_available(), REDIS_URL)
    apps = [
        create_app(
            make_config(
                tmp_path,
                sqlite_url,
                WTF_CSRF_ENABLED=False,
                VERIFY_RATE_LIMIT="4 per minute",
                RATELIMIT_STORAGE_URI=REDIS_URL,
            )
        )
        for _ in range(2)
    ]
    apps[0].extensions["registry.limiter"].reset()
    try:
        statuses = [
            apps[n % 2].test_client().get("/api/v1/verify/QD-NONE").status_code for n in range(6)
        ]
        # Four lookups in all, whichever process answered them; then 429 from both.
        assert statuses == [404, 404, 404, 404, 429, 429]
    finally:
        apps[0].extensions["registry.limiter"].reset()
        for application in apps:
            application.extensions["registry.engine"].dispose()
