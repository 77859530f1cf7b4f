"""User administration: list and create users, issue API tokens. Administrators only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth import actor_of
from registry.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from registry.extensions import get_session
from registry.models import User
from registry.services import permissions
from registry.services import users as user_service
from registry.web import display, forms

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    actor = actor_of(current_user)
    if actor is None:
        raise PermissionDenied("auth.required")
    permissions.require_admin(actor)


def _users_page(values=None, errors=None, summary=None, status=200):
    session = get_session()
    return render_template(
        "admin/users.html",
        users=user_service.list_users(session=session, actor=actor_of(current_user)),
        values=values or {"role": "officer", "locale": "zh_Hans_CN", "districts": []},
        errors=errors or {},
        summary=summary,
        role_choices=forms.role_choices(),
        role_label=forms.role_label,
        district_choices=forms.district_choices(),
        locale_choices=forms.locale_choices(),
    ), status


@bp.route("/users")
def users():
    """List users, with the form to add one."""
    return _users_page()


@bp.route("/users", methods=["POST"])
def create_user():
    """Create a user."""
    form = request.form
    values = {
        "username": form.get("username", "").strip(),
        "display_name": form.get("display_name", "").strip(),
        "role": form.get("role", ""),
        "districts": form.getlist("districts"),
        "locale": form.get("locale", "zh_Hans_CN"),
    }
    if values["locale"] not in dict(forms.locale_choices()):
        values["locale"] = "zh_Hans_CN"
    try:
        user = user_service.create_user(
            session=get_session(),
            actor=actor_of(current_user),
            password=form.get("password", ""),
            **values,
        )
    except ValidationFailed as exc:
        return _users_page(values, forms.field_errors(exc), display.message(exc.code), exc.status)
    except Conflict as exc:
        message = display.message(exc.code, exc.params)
        return _users_page(values, {"username": message}, message, exc.status)
    flash(_("User %(username)s created.", username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/token", methods=["POST"])
def issue_token(user_id: int):
    """Issue a new API token for a user and show it once."""
    session = get_session()
    actor = actor_of(current_user)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("http.404")
    token = user_service.issue_api_token(session=session, actor=actor, user=user)
    response = render_template("admin/token.html", user=user, token=token)
    # The token is shown this once; keep it out of every cache.
    return response, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
