"""Administration: users (API tokens, deactivation, password reset, the login delay), the
registry's settings (maker-checker, the notice period) and the holiday calendar the notice
period is counted on. Administrators only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth import actor_of
from registry.domain import settings as setting_rules
from registry.domain.notice.calendar import parse_day_lines
from registry.errors import Conflict, PermissionDenied, ValidationFailed
from registry.extensions import get_session
from registry.i18n import pgettext
from registry.models import User
from registry.services import permissions
from registry.services import settings as settings_service
from registry.services import users as user_service
from registry.services.notice import calendar as calendar_service
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
        min_password_length=user_service.MIN_PASSWORD_LENGTH,
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


def _user(user_id: int) -> User:
    return user_service.get_user(session=get_session(), user_id=user_id)


def _shown_once(template: str, **context):
    # A token or password is shown this once; keep it out of every cache.
    return (
        render_template(template, **context),
        200,
        {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@bp.route("/users/<int:user_id>")
def user(user_id: int):
    """One user: their API tokens, and deactivate, reset password, clear the login delay."""
    session = get_session()
    shown = _user(user_id)
    tokens = user_service.list_tokens(session=session, actor=actor_of(current_user), user=shown)
    return render_template(
        "admin/user.html",
        user=shown,
        tokens=tokens,
        role_label=forms.role_label,
        revoke_url=lambda token: url_for("admin.revoke_token", user_id=shown.id, token_id=token.id),
    )


@bp.route("/users/<int:user_id>/token", methods=["POST"])
def issue_token(user_id: int):
    """Issue an API token for a user and show it once."""
    shown = _user(user_id)
    token = user_service.issue_api_token(
        session=get_session(),
        actor=actor_of(current_user),
        user=shown,
        name=request.form.get("name", ""),
    )
    back = url_for("admin.user", user_id=shown.id)
    return _shown_once("admin/token.html", user=shown, token=token, back=back)


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(user_id: int, token_id: int):
    """Revoke one of a user's API tokens."""
    shown = _user(user_id)
    user_service.revoke_token(
        session=get_session(), actor=actor_of(current_user), user=shown, token_id=token_id
    )
    flash(_("Token revoked."), "success")
    return redirect(url_for("admin.user", user_id=shown.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    """Deactivate a user: every session and token ends, and the login is refused."""
    shown = user_service.set_active(
        session=get_session(), actor=actor_of(current_user), user_id=user_id, active=False
    )
    flash(_("User %(username)s deactivated.", username=shown.username), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
def activate(user_id: int):
    """Let a deactivated user log in again (old sessions and tokens stay ended)."""
    shown = user_service.set_active(
        session=get_session(), actor=actor_of(current_user), user_id=user_id, active=True
    )
    flash(_("User %(username)s activated.", username=shown.username), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id: int):
    """Give a user a new generated password, shown once; their sessions and tokens end."""
    password = user_service.reset_password(
        session=get_session(), actor=actor_of(current_user), user_id=user_id
    )
    return _shown_once("admin/password.html", user=_user(user_id), password=password)


@bp.route("/users/<int:user_id>/clear-delay", methods=["POST"])
def clear_delay(user_id: int):
    """Let a user whose name is being guessed log in again without waiting."""
    shown = _user(user_id)
    user_service.clear_delay(session=get_session(), actor=actor_of(current_user), user=shown)
    flash(_("%(username)s can log in again at once.", username=shown.username), "success")
    return redirect(url_for("admin.user", user_id=user_id))


def _settings_page(errors=None, summary=None, values=None, status=200):
    session = get_session()
    locale = display.locale()
    return render_template(
        "admin/settings.html",
        settings=[
            {
                "key": key,
                "name": pgettext("setting", spec.name, locale),
                "help": pgettext("setting help", spec.help, locale),
                "kind": spec.kind,
                "value": value,
                "low": spec.low,
                "high": spec.high,
            }
            for key, spec in setting_rules.SETTINGS.items()
            for value in [settings_service.get_value(session=session, key=key)]
        ],
        years=calendar_service.list_years(session=session),
        errors=errors or {},
        summary=summary,
        values=values or {},
    ), status


@bp.route("/settings")
def settings():
    """The settings, each with its value and a form to change it; the holiday calendar."""
    return _settings_page()


@bp.route("/settings/<key>", methods=["POST"])
def change_setting(key: str):
    """Change one setting (audited, with the reason given)."""
    raw = request.form.get("value", "")
    if setting_rules.SETTINGS.get(key) and setting_rules.SETTINGS[key].kind == "bool":
        raw = "on" if request.form.get("value") == "on" else "off"
    try:
        settings_service.set_value(
            session=get_session(),
            actor=actor_of(current_user),
            key=key,
            raw=raw,
            reason=request.form.get("reason", ""),
        )
    except ValidationFailed as exc:
        errors = forms.field_errors(exc)
        return _settings_page(errors, display.message(exc.code), status=exc.status)
    flash(_("Setting saved."), "success")
    return redirect(url_for("admin.settings"))


@bp.route("/calendar", methods=["POST"])
def save_calendar_year():
    """Enter or replace a year's holidays and adjusted working days, with their source."""
    form = request.form
    values = {k: form.get(k, "") for k in ("year", "source", "holidays", "workdays")}
    holidays, bad_holidays = parse_day_lines(values["holidays"])
    workdays, bad_workdays = parse_day_lines(values["workdays"])
    errors = {}
    for field, bad in (("holidays", bad_holidays), ("workdays", bad_workdays)):
        if bad:
            errors[field] = display.message("field.not_a_date", {"value": bad[0]})
    try:
        year = int(values["year"])
    except ValueError:
        errors["year"] = display.message("field.not_an_integer", {"value": values["year"]})
    if errors:
        return _settings_page(errors, display.message("validation.failed"), values, 422)
    try:
        calendar_service.save_year(
            session=get_session(),
            actor=actor_of(current_user),
            year=year,
            source=values["source"],
            holidays=holidays,
            workdays=workdays,
            confirm=form.get("confirm") == "on",
        )
    except ValidationFailed as exc:
        return _settings_page(
            forms.field_errors(exc), display.message(exc.code), values, exc.status
        )
    flash(_("Holiday calendar saved."), "success")
    return redirect(url_for("admin.settings") + f"#year-{year}")


@bp.route("/calendar/<int:year>/confirm", methods=["POST"])
def confirm_calendar_year(year: int):
    """Record that the year's days were checked against the State Council's notice."""
    calendar_service.confirm_year(session=get_session(), actor=actor_of(current_user), year=year)
    flash(_("Holiday calendar confirmed."), "success")
    return redirect(url_for("admin.settings") + f"#year-{year}")
