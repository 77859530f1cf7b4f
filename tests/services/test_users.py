"""Users: hashing, the login's back-off, the password and username rules, API tokens, and
ending every session and token at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from registry.domain.users import login as rules
from registry.errors import Conflict, PermissionDenied, ValidationFailed
from registry.models import AuditEvent, LoginThrottle, User, utcnow
from registry.services import users


def test_password_is_hashed_and_checked(session, make_user):
    user = make_user(session, role="viewer", username="v1", password="s3cret-pass")
    assert "s3cret-pass" not in user.password_hash
    assert users.authenticate(session=session, username="v1", password="s3cret-pass").id == user.id
    assert users.authenticate(session=session, username="V1", password="s3cret-pass").id == user.id
    assert users.authenticate(session=session, username="v1", password="wrong") is None
    assert users.authenticate(session=session, username="nobody", password="x") is None


def _fail(session, username, times, now):
    for _ in range(times):
        assert (
            users.authenticate(session=session, username=username, password="bad", now=now) is None
        )


def test_failures_delay_the_next_attempt_instead_of_locking(session, make_user):
    make_user(session, role="admin", username="boss", password="s3cret-pass")
    now = utcnow()
    _fail(session, "boss", rules.FREE_FAILURES, now)
    # No wait yet: the owner's own typos cost nothing.
    assert users.authenticate(session=session, username="boss", password="s3cret-pass", now=now)
    _fail(session, "boss", rules.FREE_FAILURES + 1, now)
    with pytest.raises(users.Throttled) as info:
        users.authenticate(session=session, username="boss", password="s3cret-pass", now=now)
    assert info.value.status == 429 and info.value.params == {"seconds": 1}
    # A second later the owner gets in, and the count is gone.
    later = now + timedelta(seconds=1)
    assert users.authenticate(session=session, username="boss", password="s3cret-pass", now=later)
    assert session.exec(select(LoginThrottle)).all() == []


def test_the_wait_doubles_up_to_a_minute(session, make_user):
    make_user(session, role="viewer", username="v2", password="s3cret-pass")
    now = utcnow()
    waits = []
    for _ in range(12):
        _fail(session, "v2", 1, now)
        throttle = session.exec(select(LoginThrottle)).one()
        waits.append(round((throttle.retry_at - now).total_seconds()))
        now = throttle.retry_at
        session.expire_all()
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    # Fifteen quiet minutes later the count starts again.
    _fail(session, "v2", 1, now + timedelta(minutes=16))
    assert session.exec(select(LoginThrottle)).one().failures == 1


def test_unknown_names_get_the_same_answers_as_known_ones(session, make_user):
    make_user(session, role="viewer", username="real", password="s3cret-pass")
    now = utcnow()
    answers = {}
    for name in ("real", "ghost"):
        seen = []
        for _ in range(rules.FREE_FAILURES + 2):
            try:
                seen.append(
                    users.authenticate(session=session, username=name, password="x", now=now)
                )
            except users.Throttled as exc:
                seen.append((exc.status, exc.code, exc.params))
        answers[name] = seen
    assert answers["real"] == answers["ghost"]
    assert answers["real"][-1] == (429, "auth.throttled", {"seconds": 1})
    # The table names neither.
    keys = {row.key for row in session.exec(select(LoginThrottle))}
    assert len(keys) == 2 and not any("real" in key or "ghost" in key for key in keys)


def test_an_admin_clears_the_delay(session, make_user):
    admin = make_user(session, role="admin")
    user = make_user(session, role="viewer", username="v3", password="s3cret-pass")
    now = utcnow()
    _fail(session, "v3", rules.FREE_FAILURES + 1, now)
    with pytest.raises(users.Throttled):
        users.authenticate(session=session, username="v3", password="s3cret-pass", now=now)
    with pytest.raises(PermissionDenied):
        users.clear_delay(session=session, actor=user, user=user)
    users.clear_delay(session=session, actor=admin, user=user)
    assert users.authenticate(session=session, username="v3", password="s3cret-pass", now=now)


def test_officer_needs_a_district_and_usernames_are_unique(session, make_user):
    with pytest.raises(ValidationFailed) as info:
        users.create_user(
            session=session,
            actor=None,
            username="o",
            password="long-enough",
            role="officer",
            districts=[],
        )
    assert info.value.field_errors["districts"][0] == "user.officer_needs_district"
    make_user(session, role="viewer", username="same")
    with pytest.raises(Conflict):
        make_user(session, role="viewer", username="same")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("password", "user.password_too_short"),
        ("12345678", "user.password_too_short"),
        (" " * 8, "user.password_too_short"),
        (" " * 12, "user.password_too_simple"),
        ("aaaaaaaaaaaa", "user.password_too_simple"),
        ("password123", "user.password_common"),
        ("1234567890", "user.password_common"),
        ("Qwertyuiop", "user.password_common"),
        ("wangxiaoming", "user.password_contains_username"),
        ("my-WANGXIAOMING-pw", "user.password_contains_username"),
        ("x" * 300, "user.password_too_long"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(session, password, code):
    with pytest.raises(ValidationFailed) as info:
        users.create_user(
            session=session, actor=None, username="wangxiaoming", password=password, role="viewer"
        )
    assert info.value.field_errors["password"][0] == code


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "ADMIN",
        "ａｄｍｉｎ",
        "аdmin",
        "admin\u200b",
        "adm\u0131n",
        "ɑdmin",
        "аdmіn",
        " admin ",
    ],
)
def test_names_that_look_like_admin_are_not_created_beside_it(session, make_user, name):
    make_user(session, role="admin", username="admin")
    with pytest.raises((Conflict, ValidationFailed)):
        make_user(session, role="viewer", username=name)
    assert session.exec(select(User)).all()[0].username == "admin"
    assert len(session.exec(select(User)).all()) == 1


def test_usernames_are_stored_normalised_and_log_in_as_typed(session, make_user):
    user = make_user(session, role="viewer", username="ＷＡＮＧ.Li", password="s3cret-pass")
    assert user.username == "wang.li"
    assert users.authenticate(session=session, username="Wang.Li", password="s3cret-pass")
    with pytest.raises(ValidationFailed) as info:
        make_user(session, role="viewer", username="wang li")
    assert info.value.field_errors["username"][0] == "user.username_characters"
    assert make_user(session, role="viewer", username="张伟").username == "张伟"


def test_a_weak_password_set_before_the_policy_still_logs_in(session, make_user):
    from werkzeug.security import generate_password_hash

    user = make_user(session, role="viewer", username="old", password="s3cret-pass")
    user.password_hash = generate_password_hash("12345678")
    session.add(user)
    session.commit()
    assert users.authenticate(session=session, username="old", password="12345678").id == user.id


def test_tokens_are_listed_and_revoked_one_by_one(session, make_user):
    admin = make_user(session, role="admin")
    viewer = make_user(session, role="viewer")
    first = users.issue_api_token(session=session, actor=admin, user=viewer, name="ci")
    second = users.issue_api_token(session=session, actor=viewer, user=viewer)
    assert users.user_for_token(session=session, token=first).id == viewer.id
    assert users.user_for_token(session=session, token=second).id == viewer.id
    assert users.user_for_token(session=session, token=first + "x") is None
    listed = users.list_tokens(session=session, actor=viewer, user=viewer)
    assert [token.name for token in listed] == ["", "ci"]
    assert all(first not in token.prefix + token.token_hash for token in listed)
    assert listed[1].prefix == first[:12]
    users.revoke_token(session=session, actor=viewer, user=viewer, token_id=listed[1].id)
    assert users.user_for_token(session=session, token=first) is None
    assert users.user_for_token(session=session, token=second).id == viewer.id
    with pytest.raises(Conflict):
        users.revoke_token(session=session, actor=admin, user=viewer, token_id=listed[1].id)
    with pytest.raises(PermissionDenied):
        users.issue_api_token(session=session, actor=viewer, user=admin)
    with pytest.raises(PermissionDenied):
        users.list_tokens(session=session, actor=viewer, user=admin)


@pytest.mark.parametrize("how", ["logout", "password_change", "password_reset", "deactivate"])
def test_each_way_out_ends_every_session_and_token(session, make_user, how):
    admin = make_user(session, role="admin")
    user = make_user(session, role="viewer", username="leaver", password="s3cret-pass")
    tokens = [users.issue_api_token(session=session, actor=user, user=user) for _ in range(2)]
    generation = user.session_generation
    if how == "logout":
        users.end_all_sessions(session=session, actor=user)
    elif how == "password_change":
        users.change_password(
            session=session,
            actor=user,
            current_password="s3cret-pass",
            new_password="another-long-one",
        )
    elif how == "password_reset":
        password = users.reset_password(session=session, actor=admin, user_id=user.id)
        assert users.authenticate(session=session, username="leaver", password=password)
    else:
        users.set_active(session=session, actor=admin, user_id=user.id, active=False)
        assert (
            users.authenticate(session=session, username="leaver", password="s3cret-pass") is None
        )
    session.expire_all()
    assert session.get(User, user.id).session_generation == generation + 1
    assert [users.user_for_token(session=session, token=token) for token in tokens] == [None, None]


def test_only_admins_reset_and_deactivate_and_not_themselves(session, make_user):
    admin = make_user(session, role="admin")
    viewer = make_user(session, role="viewer")
    with pytest.raises(PermissionDenied):
        users.reset_password(session=session, actor=viewer, user_id=admin.id)
    with pytest.raises(PermissionDenied):
        users.set_active(session=session, actor=viewer, user_id=admin.id, active=False)
    with pytest.raises(Conflict):
        users.set_active(session=session, actor=admin, user_id=admin.id, active=False)
    with pytest.raises(Conflict):
        users.reset_password(session=session, actor=admin, user_id=admin.id)
    password = users.reset_password(session=session, actor=admin, user_id=viewer.id)
    assert len(password) >= 10
    actions = [event.action for event in session.exec(select(AuditEvent))]
    assert "password_reset" in actions
