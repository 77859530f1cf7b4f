"""Users: hashing, lock-out after failed logins, API tokens."""

from __future__ import annotations

import pytest

from registry.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services import users


def test_password_is_hashed_and_checked(session, make_user):
    user = make_user(session, role="viewer", username="v1", password="s3cret-pass")
    assert "s3cret-pass" not in user.password_hash
    assert users.authenticate(session=session, username="v1", password="s3cret-pass").id == user.id
    assert users.authenticate(session=session, username="v1", password="wrong") is None
    assert users.authenticate(session=session, username="nobody", password="x") is None


def test_lockout_after_repeated_failures(session, make_user):
    make_user(session, role="viewer", username="v2", password="s3cret-pass")
    for _ in range(users.MAX_FAILED_LOGINS):
        assert users.authenticate(session=session, username="v2", password="bad") is None
    with pytest.raises(PermissionDenied) as info:
        users.authenticate(session=session, username="v2", password="s3cret-pass")
    assert info.value.code == "auth.locked"


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


def test_tokens(session, make_user):
    admin = make_user(session, role="admin")
    viewer = make_user(session, role="viewer")
    token = users.issue_api_token(session=session, actor=admin, user=viewer)
    assert users.user_for_token(session=session, token=token).id == viewer.id
    assert users.user_for_token(session=session, token=token + "x") is None
    with pytest.raises(PermissionDenied):
        users.issue_api_token(session=session, actor=viewer, user=admin)
