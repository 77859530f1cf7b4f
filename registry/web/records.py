"""Record pages: add and edit, and the review steps (submit, approve, reject, revoke, correct).

Buttons are shown only to users who may press them, but every step is checked again by
the service, so a hand-made POST gets the same refusal as a hidden button.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth import actor_of
from registry.domain import dates
from registry.domain.buildings import records as record_rules
from registry.errors import Conflict, RegistryError, ValidationFailed
from registry.extensions import get_session
from registry.services import permissions
from registry.services.buildings import records as record_service
from registry.services.buildings import registration as building_service
from registry.services.notice import objections as objection_service
from registry.web import display, forms

bp = Blueprint("records", __name__)


def _back(record) -> str:
    return url_for("buildings.detail", building_id=record.building_id) + f"#record-{record.id}"


def _record_form(building, record, values, *, mode, errors=None, summary=None, status=200):
    return render_template(
        "records/form.html",
        building=building,
        record=record,
        values=values,
        mode=mode,
        errors=errors or {},
        summary=summary,
        kind_choices=forms.kind_choices(),
        level_groups=forms.level_groups(),
        stage_choices=forms.stage_choices(),
    ), status


def _form_errors(exc: RegistryError) -> tuple[dict[str, str], str]:
    return forms.field_errors(exc), display.message(exc.code, exc.params)


@bp.route("/buildings/<int:building_id>/records/new", methods=["GET", "POST"])
def create(building_id: int):
    """Add a draft record to a building."""
    session = get_session()
    actor = actor_of(current_user)
    building = building_service.get_building(session=session, building_id=building_id)
    permissions.require_writer(actor)
    permissions.require_edit_building(actor, building)
    if request.method == "POST":
        values = forms.record_form_data(request.form)
        try:
            record = record_service.add_record(
                session=session, actor=actor, building_id=building_id, data=values
            )
        except (ValidationFailed, Conflict) as exc:
            errors, summary = _form_errors(exc)
            return _record_form(
                building,
                None,
                values,
                mode="create",
                errors=errors,
                summary=summary,
                status=exc.status,
            )
        flash(_("Record added as a draft."), "success")
        return redirect(_back(record))
    values = {"kind": "green_label", "counted_area_m2": forms.as_text(building.floor_area_m2)}
    return _record_form(building, None, values, mode="create")


def _load(record_id: int):
    session = get_session()
    record = record_service.get_record(session=session, record_id=record_id)
    building = building_service.get_building(session=session, building_id=record.building_id)
    return session, actor_of(current_user), record, building


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    """Edit a record that is not yet approved."""
    session, actor, record, building = _load(record_id)
    permissions.require_edit_building(actor, building)
    if "edit" not in record_rules.actions_from(record.status):
        raise Conflict("record.not_editable")
    if request.method == "POST":
        values = forms.record_form_data(request.form)
        try:
            record_service.update_draft(
                session=session, actor=actor, record_id=record_id, data=values
            )
        except (ValidationFailed, Conflict) as exc:
            errors, summary = _form_errors(exc)
            return _record_form(
                building,
                record,
                values,
                mode="edit",
                errors=errors,
                summary=summary,
                status=exc.status,
            )
        flash(_("Changes saved."), "success")
        return redirect(_back(record))
    values = forms.values_of(record, forms.RECORD_FIELDS)
    return _record_form(building, record, values, mode="edit")


@bp.route("/records/<int:record_id>/correct", methods=["GET", "POST"])
def correct(record_id: int):
    """Correct an approved record, with a reason kept in the history."""
    session, actor, record, building = _load(record_id)
    permissions.require_review(actor, building)
    if request.method == "POST":
        values = forms.record_form_data(request.form)
        values["reason"] = request.form.get("reason", "").strip()
        data = {key: value for key, value in values.items() if key != "reason"}
        try:
            record_service.correct_record(
                session=session,
                actor=actor,
                record_id=record_id,
                data=data,
                reason=values["reason"],
            )
        except (ValidationFailed, Conflict) as exc:
            errors, summary = _form_errors(exc)
            return _record_form(
                building,
                record,
                values,
                mode="correct",
                errors=errors,
                summary=summary,
                status=exc.status,
            )
        flash(_("Correction recorded."), "success")
        return redirect(_back(record))
    values = forms.values_of(record, forms.RECORD_FIELDS)
    return _record_form(building, record, values, mode="correct")


@bp.route("/records/<int:record_id>/submit", methods=["POST"])
def submit(record_id: int):
    """Submit a record for review."""
    session, actor, record, _building = _load(record_id)
    record_service.submit_record(session=session, actor=actor, record_id=record_id)
    flash(_("Record submitted for review."), "success")
    return redirect(_back(record))


@bp.route("/records/<int:record_id>/approve", methods=["POST"])
def approve(record_id: int):
    """Pass a submitted record: a retrofit is approved, a label or an energy level enters
    its public notice."""
    session, actor, record, _building = _load(record_id)
    record = record_service.approve_record(session=session, actor=actor, record_id=record_id)
    if record.status == "notice":
        flash(
            _(
                "Review passed: under public notice from %(start)s to %(end)s.",
                start=record.notice_start_on.isoformat(),
                end=record.notice_end_on.isoformat(),
            ),
            "success",
        )
    else:
        flash(_("Record approved."), "success")
    return redirect(_back(record))


def _reason_page(record, building, action, values=None, errors=None, summary=None, status=200):
    return render_template(
        "records/reason.html",
        record=record,
        building=building,
        action=action,
        values=values or {"date": dates.today().isoformat()},
        errors=errors or {},
        summary=summary,
    ), status


@bp.route("/records/<int:record_id>/reject", methods=["GET", "POST"])
def reject(record_id: int):
    """Send a submitted record back with a reason."""
    session, actor, record, building = _load(record_id)
    permissions.require_review(actor, building)
    if request.method == "POST":
        values = {"reason": request.form.get("reason", "").strip()}
        try:
            record_service.reject_record(
                session=session, actor=actor, record_id=record_id, reason=values["reason"]
            )
        except ValidationFailed as exc:
            errors, summary = _form_errors(exc)
            return _reason_page(record, building, "reject", values, errors, summary, exc.status)
        flash(_("Record rejected."), "success")
        return redirect(_back(record))
    return _reason_page(record, building, "reject")


@bp.route("/records/<int:record_id>/publish", methods=["GET", "POST"])
def publish(record_id: int):
    """Publish a label or an energy level whose public notice has ended."""
    session, actor, record, building = _load(record_id)
    permissions.require_review(actor, building)
    if request.method == "POST":
        values = {"date": request.form.get("date", "").strip()}
        on = forms.parse_date_field(values["date"])
        try:
            if values["date"] and on is None:
                raise ValidationFailed({"date": ("field.not_a_date", {"value": values["date"]})})
            record_service.publish_record(session=session, actor=actor, record_id=record_id, on=on)
        except (ValidationFailed, Conflict) as exc:
            errors, summary = _form_errors(exc)
            return _reason_page(record, building, "publish", values, errors, summary, exc.status)
        flash(_("Record published."), "success")
        return redirect(_back(record))
    return _reason_page(record, building, "publish")


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
def resolve_objection(objection_id: int):
    """Dismiss an objection, or uphold it (the record goes back, rejected)."""
    session = get_session()
    try:
        objection = objection_service.resolve(
            session=session,
            actor=actor_of(current_user),
            objection_id=objection_id,
            outcome=request.form.get("outcome", ""),
            note=request.form.get("note", ""),
        )
    except ValidationFailed as exc:
        flash(display.message(exc.code) + " " + " ".join(forms.field_errors(exc).values()), "error")
        return redirect(request.referrer or url_for("buildings.index"))
    flash(_("Objection resolved."), "success")
    record = record_service.get_record(session=session, record_id=objection.record_id)
    return redirect(_back(record))


@bp.route("/records/<int:record_id>/revoke", methods=["GET", "POST"])
def revoke(record_id: int):
    """Revoke an approved record from a date, with a reason."""
    session, actor, record, building = _load(record_id)
    permissions.require_review(actor, building)
    if request.method == "POST":
        values = {
            "reason": request.form.get("reason", "").strip(),
            "date": request.form.get("date", "").strip(),
        }
        on = forms.parse_date_field(values["date"])
        try:
            if values["date"] and on is None:
                raise ValidationFailed({"date": ("field.not_a_date", {"value": values["date"]})})
            record_service.revoke_record(
                session=session,
                actor=actor,
                record_id=record_id,
                reason=values["reason"],
                on=on,
            )
        except ValidationFailed as exc:
            errors, summary = _form_errors(exc)
            return _reason_page(record, building, "revoke", values, errors, summary, exc.status)
        flash(_("Record revoked."), "success")
        return redirect(_back(record))
    return _reason_page(record, building, "revoke")
