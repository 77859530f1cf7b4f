"""Administration: users and API tokens, the registry's settings (maker-checker, the notice
period) and the holiday calendar the notice period is counted on. Administrators only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth import actor_of
from registry.domain import settings as setting_rules
from registry.domain.notice.calendar import parse_day_lines
from registry.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from registry.extensions import get_session
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


def _settings_page(errors=None, summary=None, values=None, status=200):
    session = get_session()
    locale = display.locale()
    return render_template(
        "admin/settings.html",
        settings=[
            {
                "key": key,
                "name": spec.name[locale != "zh"],
                "help": spec.help[locale != "zh"],
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
