"""An API client that knows how to make users with tokens, on SQLite or on both databases."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from registry.services import users as user_service


class ApiClient:
    """The test client plus a session on the same database, for setting up rows."""

    def __init__(self, app, make_user):
        self.app = app
        self.client = app.test_client()
        self._make_user = make_user

    def session(self) -> Session:
        return Session(self.app.extensions["registry.engine"], expire_on_commit=False)

    def token(self, role: str = "officer", districts=("370202",), **kwargs) -> str:
        """A bearer token for a new user of `role`."""
        with self.session() as session:
            user = self._make_user(session, role=role, districts=districts, **kwargs)
            return user_service.issue_api_token(session=session, actor=user, user=user)

    def user_of(self, token: str):
        with self.session() as session:
            return user_service.user_for_token(session=session, token=token)

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        json=None,
        lang: str | None = None,
        **kwargs,
    ):
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, token=None, json=None, **kwargs):
        return self.call("POST", path, token, json=json, **kwargs)

    def patch(self, path, token=None, json=None, **kwargs):
        return self.call("PATCH", path, token, json=json, **kwargs)


@pytest.fixture
def api(app, make_user):
    """The API on SQLite: for rules that do not depend on the database."""
    return ApiClient(app, make_user)


@pytest.fixture
def api_both(app_both, make_user):
    """The API on SQLite and on PostgreSQL in turn."""
    return ApiClient(app_both, make_user)
