"""Who is asking: Flask-Login sessions for pages, bearer tokens for the API.

A login cookie carries the user's id *and* session generation (`get_id` is "id:generation",
Flask-Login's documented way to make sessions revocable) and the time of the login. A
cookie is honoured only while the generation matches the user's row and the login is
younger than SESSION_LIFETIME_H, so raising the generation (logout, password change or
reset, deactivation) ends every session of that user on their next request, wherever
they are.
"""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import UserMixin, login_user

from registry.extensions import get_session, login_manager
from registry.models import User
from registry.services.users import user_for_token

LOGIN_AT = "_login_at"


class LoginUser(UserMixin):
    """Wraps a User row for Flask-Login without putting Flask into the model."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_generation}"

    @property
    def is_active(self) -> bool:
        return self.user.active

    def __getattr__(self, name):
        return getattr(self.user, name)


def start_session(user: User) -> None:
    """Log `user` in on this browser with a fresh cookie (nothing of the session before the
    login is carried over, so a planted session id or value cannot be)."""
    session.clear()
    login_user(LoginUser(user))
    session[LOGIN_AT] = int(time.time())


@login_manager.user_loader
def _load_user(user_id: str):
    user_part, _, generation = user_id.partition(":")
    try:
        user = get_session().get(User, int(user_part))
        generation_number = int(generation)
    except ValueError:
        return None
    if user is None or not user.active or user.session_generation != generation_number:
        return None
    lifetime_s = current_app.config["SESSION_LIFETIME_H"] * 3600
    if time.time() - session.get(LOGIN_AT, 0) > lifetime_s:
        return None
    return LoginUser(user)


@login_manager.request_loader
def _load_from_token(request):
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(session=get_session(), token=header[7:].strip())
        if user is not None:
            return LoginUser(user)
    return None


def actor_of(current_user) -> User | None:
    """The User row behind flask_login.current_user (None when anonymous)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    return current_user.user
