"""Flask-bound pieces: the per-request database session, login, CSRF, Babel."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlmodel import Session

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def get_engine() -> Engine:
    return current_app.extensions["registry.engine"]


def get_session() -> Session:
    """The request's session, opened on first use and closed on teardown."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def select_locale() -> str:
    """?lang= sets the choice for the session; then the user's setting; default zh-CN."""
    wanted = request.args.get("lang")
    if wanted in ("zh_Hans_CN", "en"):
        session["lang"] = wanted
    if session.get("lang") in ("zh_Hans_CN", "en"):
        return session["lang"]
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.locale in (
        "zh_Hans_CN",
        "en",
    ):
        return current_user.locale
    return "zh_Hans_CN"


def message_locale() -> str:
    """'zh' or 'en' for registry.messages.render."""
    try:
        if request.path.startswith("/api/"):
            # API clients have no session: ?lang=, then Accept-Language, then zh.
            wanted = request.args.get("lang") or request.accept_languages.best_match(["zh", "en"])
            return "en" if (wanted or "").lower().startswith("en") else "zh"
        return "en" if select_locale() == "en" else "zh"
    except RuntimeError:
        return "zh"
