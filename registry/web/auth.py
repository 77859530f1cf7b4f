"""Log in and out, and keep every other page behind the login."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from registry.auth import LoginUser, actor_of
from registry.domain.users import login as login_rules
from registry.domain.users.login import has_control_characters
from registry.errors import RegistryError, ValidationFailed
from registry.extensions import get_session, login_manager
from registry.services import users as user_service
from registry.services.users import authenticate
from registry.web import display, wants_json
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    next_url = _next_arg()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(next_url))
    error = None
    status = 200
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        try:
            user = authenticate(
                session=get_session(),
                username=username,
                password=request.form.get("password", ""),
            )
        except RegistryError as exc:
            error, status = display.message(exc.code, exc.params), exc.status
        else:
            if user is not None:
                login_user(LoginUser(user))
                return redirect(_safe_next(next_url))
            error, status = display.message("auth.invalid"), 401
    return render_template(
        "auth/login.html", error=error, username=username, next_url=next_url
    ), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Change one's own password."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        new_password = request.form.get("new_password", "")
        try:
            if new_password != request.form.get("confirm_password", ""):
                raise ValidationFailed({"confirm_password": ("user.passwords_differ", {})})
            user_service.change_password(
                session=get_session(),
                actor=actor_of(current_user),
                current_password=request.form.get("current_password", ""),
                new_password=new_password,
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            flash(_("Password changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", errors=errors), 422 if errors else 200
