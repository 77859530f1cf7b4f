"""Log in and out, and keep every other page behind the login."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from registry.auth import actor_of, start_session
from registry.domain.users import login as login_rules
from registry.domain.users.login import has_control_characters
from registry.errors import RegistryError, ValidationFailed
from registry.extensions import get_session, login_manager
from registry.services import users as user_service
from registry.web import display, limits, wants_json
from registry.web.forms import field_errors

bp = Blueprint("auth", __name__)

# Pages anyone may open: the login itself, public certificate verification, static files.
# The JSON API answers for itself (bearer tokens, 401 as JSON), so it is left alone here.
_PUBLIC_ENDPOINTS = {"auth.login", "static"}
_PUBLIC_BLUEPRINTS = {"verify"}
_PUBLIC_PREFIXES = ("/verify", "/api/", "/static/")


@bp.app_context_processor
def _template_helpers() -> dict:
    return display.template_globals()


@bp.before_app_request
def _require_login():
    try:
        authenticated = current_user.is_authenticated
    except SQLAlchemyError:
        # The database is down. Remember "nobody" for the rest of this request, so the page
        # saying so (and its locale choice) does not ask the database again and fail again.
        g._login_user = login_manager.anonymous_user()
        raise
    if authenticated or request.endpoint is None:
        # An unknown URL falls through to the 404 page.
        return None
    if request.endpoint in _PUBLIC_ENDPOINTS or request.blueprint in _PUBLIC_BLUEPRINTS:
        return None
    if request.path.startswith(_PUBLIC_PREFIXES):
        return None
    wanted = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=wanted))


@bp.app_errorhandler(CSRFError)
def _csrf_failed(_exc: CSRFError):
    body = {
        "code": "request.csrf_failed",
        "message": display.message("request.csrf_failed"),
        "errors": {},
    }
    if wants_json():
        return jsonify(body), 400
    return render_template("error.html", status=400, error=body), 400


def _next_arg() -> str:
    """The page to return to after the login, as asked; a control character in it is a 400
    (it would be dropped by the browser or split the Location header)."""
    target = request.values.get("next", "")
    if has_control_characters(target):
        raise RegistryError("request.control_characters")
    return target


def _safe_next(target: str | None) -> str:
    """Only paths on this site, so the login cannot be used to bounce users elsewhere."""
    return login_rules.own_path(target) or url_for("buildings.index")


@bp.route("/")
def index():
    """Send visitors to the building list."""
    return redirect(url_for("buildings.index"))


def _login_page(error: str | None, status: int, username: str = "", next_url: str = ""):
    return render_template(
        "auth/login.html", error=error, username=username, next_url=next_url
    ), status


def _failed(response) -> bool:
    """Count a login against the address only when it failed (a wrong password, or a
    username waiting out its back-off): an office behind one address logs in freely."""
    return response.status_code in (401, 429)


def _too_many_from_this_address(limit):
    seconds = limits.retry_after_s(limit)
    page, status = _login_page(
        display.message("auth.rate_limited", {"seconds": seconds}),
        429,
        request.form.get("username", "").strip(),
        request.values.get("next", ""),
    )
    return make_response(page, status, {"Retry-After": str(seconds)})


@bp.route("/login", methods=["GET", "POST"])
@limits.limited(
    "LOGIN_RATE_LIMIT",
    scope="login",
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_too_many_from_this_address,
)
def login():
    """Log in with username and password."""
    next_url = _next_arg()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(next_url))
    if request.method == "GET":
        return _login_page(None, 200, next_url=next_url)
    username = request.form.get("username", "").strip()
    try:
        user = user_service.authenticate(
            session=get_session(), username=username, password=request.form.get("password", "")
        )
    except user_service.Throttled as exc:
        seconds = exc.params["seconds"]
        page, status = _login_page(
            display.message(exc.code, exc.params), exc.status, username, next_url
        )
        return make_response(page, status, {"Retry-After": str(seconds)})
    if user is None:
        return _login_page(display.message("auth.invalid"), 401, username, next_url)
    start_session(user)
    return redirect(_safe_next(next_url))


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out: every session of this user, on every browser, and every API token."""
    actor = actor_of(current_user)
    if actor is not None:
        user_service.end_all_sessions(session=get_session(), actor=actor)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def _account_page(errors: dict[str, str], status: int):
    session = get_session()
    actor = actor_of(current_user)
    return render_template(
        "auth/account.html",
        errors=errors,
        user=actor,
        tokens=user_service.list_tokens(session=session, actor=actor, user=actor),
        revoke_url=lambda token: url_for("auth.revoke_token", token_id=token.id),
        min_password_length=user_service.MIN_PASSWORD_LENGTH,
    ), status


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Change one's own password (every other session and token ends); one's API tokens."""
    if request.method == "GET":
        return _account_page({}, 200)
    new_password = request.form.get("new_password", "")
    try:
        if new_password != request.form.get("confirm_password", ""):
            raise ValidationFailed({"confirm_password": ("user.passwords_differ", {})})
        user = user_service.change_password(
            session=get_session(),
            actor=actor_of(current_user),
            current_password=request.form.get("current_password", ""),
            new_password=new_password,
        )
    except ValidationFailed as exc:
        return _account_page(field_errors(exc), 422)
    start_session(user)  # this browser stays logged in, with the new generation
    flash(_("Password changed. You were logged out everywhere else."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
def issue_token():
    """Issue oneself an API token and show it once."""
    actor = actor_of(current_user)
    token = user_service.issue_api_token(
        session=get_session(), actor=actor, user=actor, name=request.form.get("name", "")
    )
    page = render_template(
        "admin/token.html", user=actor, token=token, back=url_for("auth.account")
    )
    return page, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    actor = actor_of(current_user)
    user_service.revoke_token(session=get_session(), actor=actor, user=actor, token_id=token_id)
    flash(_("Token revoked."), "success")
    return redirect(url_for("auth.account"))
