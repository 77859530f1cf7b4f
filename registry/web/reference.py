"""Reference data for administrators: pilot targets, quota rows, validity rules, the
saving-rate parameters and the weather library."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import citations, vocabulary
from registry.auth import actor_of
from registry.domain.checks.validity import STATUSES as RULE_STATUSES
from registry.domain.checks.validity import THRESHOLD_RANGES
from registry.domain.quotas.verdict import STATUSES, typeset_unit
from registry.domain.source_status import SOURCE_STATUS_NAMES
from registry.errors import PermissionDenied, RegistryError, ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import render
from registry.services import permissions
from registry.services import settings as settings_service
from registry.services.checks import validity as rule_service
from registry.services.checks.weather import add_weather, list_weather
from registry.services.quotas import rows as quota_service
from registry.services.saving import parameters as parameter_service
from registry.services.tally import targets as target_service
from registry.web.forms import field_errors

bp = Blueprint("reference", __name__, url_prefix="/admin")

TARGET_FIELDS = ("value", "baseline", "midterm", "deadline")
QUOTA_FIELDS = (
    "guide_value",
    "baseline_value",
    "constraint_value",
    "source",
    "source_status",
    "notes",
)


@bp.before_request
def _admins_only():
    actor = actor_of(current_user)
    if actor is None:
        raise PermissionDenied("auth.required")
    permissions.require_admin(actor)


@bp.get("/targets")
def targets():
    """List the pilot's targets with a form to change each."""
    return render_template(
        "admin/targets.html",
        targets=target_service.list_targets(session=get_session()),
        errors={},
        failed_key=None,
        values={},
    )


@bp.post("/targets/<key>")
def update_target(key: str):
    """Change one target's value or dates; the audit log keeps the old ones and the reason."""
    session = get_session()
    data = {name: request.form[name] for name in TARGET_FIELDS if name in request.form}
    try:
        target_service.update_target(
            session=session,
            actor=actor_of(current_user),
            key=key,
            data=data,
            reason=request.form.get("reason") or None,
        )
    except ValidationFailed as exc:
        session.rollback()
        return render_template(
            "admin/targets.html",
            targets=target_service.list_targets(session=session),
            errors=field_errors(exc),
            failed_key=key,
            values=request.form,
        ), 422
    flash(_("Target saved."), "success")
    return redirect(url_for(".targets"))


@bp.get("/quotas")
def quotas():
    """List the current quota rows, with their source and whether it was verified."""
    session = get_session()
    locale = request_locale()
    filters = {
        name: request.args.get(name) or None
        for name in ("standard", "building_type", "source_status")
    }
    rows = quota_service.list_rows(session=session, **filters)
    shown = [
        {
            "id": row.id,
            "table": citations.table_name(row.table_ref, locale),
            "standard": row.standard,
            "building_type": vocabulary.building_type(row.building_type, locale),
            "hvac_class": vocabulary.hvac_class(row.hvac_class, locale),
            "sub_types": [
                vocabulary.sub_type(row.building_type, s, locale)
                for s in row.sub_types.split(",")
                if s
            ],
            "heating_type": vocabulary.heating_type(row.heating_type, locale),
            "basis": render(f"quota.basis.{row.basis}", {}, locale),
            "levels": (row.guide_value, row.baseline_value, row.constraint_value),
            "unit": typeset_unit(row.unit),
            "source_status": row.source_status,
            "version": row.version,
        }
        for row in rows
    ]
    return render_template(
        "admin/quotas.html",
        rows=shown,
        filters=filters,
        standards=quota_service.standards(session=session),
        building_types=vocabulary.choices("building type", locale),
        statuses=[(s, vocabulary.source_status_name(s, locale)) for s in STATUSES],
    )


@bp.route("/quotas/<int:row_id>", methods=["GET", "POST"])
def edit_quota(row_id: int):
    """Change a quota row's levels or source: a new version; checks keep the one they used."""
    session = get_session()
    row = quota_service.get_row(session=session, row_id=row_id)
    errors: dict[str, str] = {}
    values = {name: getattr(row, name) for name in QUOTA_FIELDS}
    if request.method == "POST":
        data = {}
        for name in QUOTA_FIELDS:
            raw = request.form.get(name, "").strip()
            if name.endswith("_value"):
                try:
                    data[name] = float(raw) if raw else None
                except ValueError:
                    errors[name] = render(
                        "field.not_a_number", {"value": raw[:40]}, request_locale()
                    )
            else:
                data[name] = raw
        values = dict(request.form)
        if not errors:
            errors, new = _new_version(
                lambda: quota_service.edit_row(
                    session=session,
                    actor=actor_of(current_user),
                    row_id=row_id,
                    data=data,
                    reason=request.form.get("reason", ""),
                )
            )
            if new is not None:
                flash(_("Quota row saved as version %(v)s.", v=new.version), "success")
                return redirect(url_for(".edit_quota", row_id=new.id))
    return render_template(
        "admin/quota_edit.html",
        row=row,
        values=values,
        errors=errors,
        history=quota_service.row_history(session=session, key=row.key),
        statuses=STATUSES,
    ), 422 if errors else 200


def _new_version(save):
    """Store a reference row's next version with `save()` (a service call that commits):
    `({}, new row)`, or the form's errors by field and None. A refusal that is not about
    the form (forbidden, not found) goes up as it is, to its own page."""
    try:
        return {}, save()
    except ValidationFailed as exc:
        get_session().rollback()
        return field_errors(exc), None
    except RegistryError as exc:
        get_session().rollback()
        if exc.status in (403, 404):
            raise
        return {"reason": render(exc.code, exc.params, request_locale())}, None


@bp.get("/validity")
def validity_rules():
    """List the validity rules a check must meet for an official verdict."""
    rows = rule_service.list_rules(session=get_session())
    names = {r.key: render(f"validity.rule.{r.key}", {}, request_locale()) for r in rows}
    return render_template("admin/validity.html", rows=rows, names=names)


@bp.route("/validity/<int:rule_id>", methods=["GET", "POST"])
def edit_validity_rule(rule_id: int):
    """Change a validity rule's threshold or source: a new version; checks keep theirs."""
    session = get_session()
    row = rule_service.get_rule(session=session, rule_id=rule_id)
    errors: dict[str, str] = {}
    values = {name: getattr(row, name) for name in rule_service.EDITABLE}
    if request.method == "POST":
        data = {name: request.form.get(name, "").strip() for name in rule_service.EDITABLE}
        raw = data["threshold"]
        try:
            data["threshold"] = float(raw) if raw else None
        except ValueError:
            errors["threshold"] = render(
                "field.not_a_number", {"value": raw[:40]}, request_locale()
            )
        values = dict(request.form)
        if not errors:
            errors, new = _new_version(
                lambda: rule_service.edit_rule(
                    session=session,
                    actor=actor_of(current_user),
                    rule_id=rule_id,
                    data=data,
                    reason=request.form.get("reason", ""),
                )
            )
            if new is not None:
                flash(_("Validity rule saved as version %(v)s.", v=new.version), "success")
                return redirect(url_for(".edit_validity_rule", rule_id=new.id))
    return render_template(
        "admin/validity_edit.html",
        row=row,
        name=render(f"validity.rule.{row.key}", {}, request_locale()),
        has_threshold=row.key in THRESHOLD_RANGES,
        values=values,
        errors=errors,
        history=rule_service.rule_history(session=session, key=row.key),
        statuses=RULE_STATUSES,
    ), 422 if errors else 200


def _parameter_name(key: str) -> str:
    return vocabulary.saving_parameter(key, request_locale())


@bp.get("/saving-parameters")
def saving_parameters():
    """List the saving-rate checks' reference parameters and level thresholds."""
    session = get_session()
    rows = parameter_service.list_parameters(session=session)
    return render_template(
        "admin/saving_parameters.html",
        rows=rows,
        names={row.key: _parameter_name(row.key) for row in rows},
        settings=settings_service.all_values(session=session),
    )


@bp.route("/saving-parameters/<int:row_id>", methods=["GET", "POST"])
def edit_saving_parameter(row_id: int):
    """Correct a parameter's value or confirm it as verified: its next version, audited."""
    session = get_session()
    row = parameter_service.get_parameter(session=session, row_id=row_id)
    errors: dict[str, str] = {}
    values = {"value": f"{row.value:g}", "source_status": row.source_status, "source": row.source}
    if request.method == "POST":
        values = dict(request.form)
        confirm = request.form.get("confirm") == "1"
        errors, new = _new_version(
            lambda: parameter_service.edit_parameter(
                session=session,
                actor=actor_of(current_user),
                key=row.key,
                reason=request.form.get("reason", ""),
                value=request.form.get("value", ""),
                source_status="verified-primary"
                if confirm
                else request.form.get("source_status") or None,
                source=request.form.get("source", ""),
                version=row.version,
            )
        )
        if new is not None:
            flash(_("Parameter saved as version %(v)s.", v=new.version), "success")
            return redirect(url_for(".edit_saving_parameter", row_id=new.id))
    return render_template(
        "admin/saving_parameter_edit.html",
        row=row,
        name=_parameter_name(row.key),
        values=values,
        errors=errors,
        history=parameter_service.parameter_history(session=session, key=row.key),
        # The registry's own rules (the comparison's tolerances) keep that status.
        statuses=[
            s
            for s in SOURCE_STATUS_NAMES
            if (s == "registry-rule") == (row.source_status == "registry-rule")
        ],
    ), 422 if errors else 200


@bp.route("/weather", methods=["GET", "POST"])
def weather():
    """The weather library; add an EPW (validated; stored under a generated name)."""
    session = get_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.files.get("epw")
        config = current_app.extensions["registry.config"]
        if upload is None or not upload.filename:
            errors["epw"] = render("field.required", {}, request_locale())
        else:
            try:
                row = add_weather(
                    session=session,
                    actor=actor_of(current_user),
                    config=config,
                    data=upload.stream.read(config.MAX_UPLOAD_BYTES + 1),
                    name=upload.filename,
                    source=request.form.get("source", ""),
                )
            except ValidationFailed as exc:
                session.rollback()
                errors = field_errors(exc)
            else:
                flash(_("Weather file %(name)s added.", name=row.name), "success")
                return redirect(url_for(".weather"))
    return render_template(
        "admin/weather.html", rows=list_weather(session=session), errors=errors
    ), 422 if errors else 200
