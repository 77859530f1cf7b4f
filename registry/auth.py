"""Who is asking: Flask-Login sessions for pages, bearer tokens for the API."""

from __future__ import annotations

from flask_login import UserMixin

from registry.extensions import get_session, login_manager
from registry.models import User
from registry.services.users import user_for_token


class LoginUser(UserMixin):
    """Wraps a User row for Flask-Login without putting Flask into the model."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return str(self.user.id)

    @property
    def is_active(self) -> bool:
        return self.user.active

    def __getattr__(self, name):
        return getattr(self.user, name)


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        user = get_session().get(User, int(user_id))
    except ValueError:
        return None
    return LoginUser(user) if user and user.active else None


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
