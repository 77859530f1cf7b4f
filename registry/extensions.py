"""Flask-bound pieces: the per-request database session, login, CSRF, Babel."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from registry.i18n import DEFAULT_LOCALE, Locale, locale_of, parse_locale

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


def select_locale() -> Locale:
    """?lang= sets the choice for the session; then the user's setting; default zh-CN."""
    wanted = parse_locale(request.args.get("lang"))
    if wanted is not None:
        session["lang"] = wanted
    chosen = parse_locale(session.get("lang"))
    if chosen is not None:
        return chosen
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return locale_of(current_user.locale)
    return DEFAULT_LOCALE


def request_locale() -> Locale:
    """The locale of this request's words: the page's choice, or for an API client (no
    session) ?lang=, then Accept-Language, then Chinese. Outside a request, the default."""
    try:
        if request.path.startswith("/api/"):
            return locale_of(request.args.get("lang") or request.headers.get("Accept-Language"))
        return select_locale()
    except RuntimeError:
        return DEFAULT_LOCALE


def public_base_url() -> str:
    """Where readers reach the registry, for QR codes and links in documents: the configured
    REGISTRY_PUBLIC_BASE_URL (behind a proxy), else the host this request came to, so a
    served app never prints a link to a default localhost address."""
    configured = current_app.extensions["registry.config"].PUBLIC_BASE_URL
    return configured or request.host_url.rstrip("/")
