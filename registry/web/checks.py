"""Energy checks in the browser: upload a model, watch its progress, read its results."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from registry import citations, vocabulary
from registry.auth import actor_of
from registry.domain.quotas.verdict import typeset_unit
from registry.errors import RegistryError, TooManyRequests, ValidationFailed
from registry.extensions import get_session, public_base_url, request_locale
from registry.i18n import render
from registry.models import ACTIVE_STATES, Building, CheckResult, WeatherFile
from registry.queue import enqueue_check
from registry.services import permissions
from registry.services.buildings.registration import get_building
from registry.services.checks import report as check_report
from registry.services.checks import uploads as check_service
from registry.web.check_view import check_context, read_reference, read_upload
from registry.web.forms import field_errors

bp = Blueprint("checks", __name__)


@bp.app_context_processor
def _check_helpers():
    return {
        "check_state_name": lambda state: vocabulary.check_state(state, request_locale()),
        "ACTIVE_CHECK_STATES": ACTIVE_STATES,
        "end_use_name": lambda name: vocabulary.end_use(name, request_locale()),
        "fuel_name": lambda name: vocabulary.fuel(name, request_locale()),
        "source_status_name": lambda status: vocabulary.source_status_name(
            status, request_locale()
        ),
        "conversion_factor_name": lambda key: vocabulary.conversion_factor(key, request_locale()),
        "cited": lambda citation, status: citations.with_status(citation, status, request_locale()),
        "unit_label": typeset_unit,
        "standard_table": lambda ref: vocabulary.standard_table(ref, request_locale()),
        "weather_place": lambda w: vocabulary.weather(w.name, w.location, request_locale()),
    }


@bp.get("/checks")
@login_required
def index():
    """List the energy checks this user may see."""
    session = get_session()
    building_id = request.args.get("building_id", type=int)
    items = check_service.list_checks(
        session=session, actor=actor_of(current_user), building_id=building_id
    )
    # The buildings' names and the results' EUIs in two reads, not one per row.
    names = (
        dict(
            session.exec(
                select(Building.id, Building.name).where(
                    Building.id.in_({c.building_id for c in items})
                )
            ).all()
        )
        if items
        else {}
    )
    euis = (
        dict(
            session.exec(
                select(CheckResult.check_id, CheckResult.eui_kwh_per_m2).where(
                    CheckResult.check_id.in_([c.id for c in items])
                )
            ).all()
        )
        if items
        else {}
    )
    return render_template(
        "checks/index.html", checks=items, building_id=building_id, building_names=names, euis=euis
    )


@bp.route("/buildings/<int:building_id>/checks/new", methods=["GET", "POST"])
@login_required
def new(building_id: int):
    """Upload an EnergyPlus model of a building for an energy check."""
    session = get_session()
    building = get_building(session=session, building_id=building_id)
    # Refuse the form itself, not only the upload, to those who may not upload for it.
    permissions.require_edit_building(actor_of(current_user), building)
    weathers = list(
        session.exec(select(WeatherFile).order_by(WeatherFile.is_default.desc(), WeatherFile.name))
    )
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        config = current_app.extensions["registry.config"]
        try:
            data, filename = read_upload(request.files.get("idf"), config.MAX_UPLOAD_BYTES)
            reference, reference_name = read_reference(
                request.files.get("reference"), config.MAX_UPLOAD_BYTES
            )
            check = check_service.create_check(
                session=session,
                actor=actor_of(current_user),
                config=config,
                building_id=building.id,
                idf_bytes=data,
                filename=filename,
                weather=request.form.get("weather") or None,
                saving_rate=bool(request.form.get("saving_rate")),
                n50=request.form.get("n50"),
                reference_bytes=reference,
                reference_filename=reference_name,
                enqueue=enqueue_check,
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
        except TooManyRequests as exc:
            errors = {"idf": render(exc.code, exc.params, request_locale())}
            status = 429
        else:
            if check.enqueue_error:
                flash(render("check.broker_unavailable", {}, request_locale()), "warning")
            return redirect(url_for("checks.show", check_id=check.id))
    if errors and status == 200:
        status = 422
    return render_template(
        "checks/new.html", building=building, weathers=weathers, errors=errors
    ), status


@bp.get("/checks/<int:check_id>")
@login_required
def show(check_id: int):
    """Show a check's progress, then its results, with everything needed to trace them."""
    session = get_session()
    context = check_context(session, actor_of(current_user), check_id, request_locale())
    return render_template("checks/show.html", **context)


@bp.post("/checks/<int:check_id>/cite")
@login_required
def cite(check_id: int):
    """Make this saving-rate check the evidence of one of its building's energy records."""
    from registry.services.saving import evidence as saving_evidence

    session = get_session()
    record = saving_evidence.cite_check(
        session=session,
        actor=actor_of(current_user),
        record_id=request.form.get("record_id", type=int) or 0,
        check_id=check_id,
    )
    flash(_("Check #%(check)s cited as the record's evidence.", check=check_id), "success")
    return redirect(url_for("buildings.detail", building_id=record.building_id))


@bp.get("/checks/<int:check_id>/report.pdf")
@login_required
def report(check_id: int):
    """Download a check's report as PDF (Chinese; English with ?lang=en)."""
    context = check_report.report_context(
        session=get_session(),
        actor=actor_of(current_user),
        check_id=check_id,
        locale=request_locale(),
        base_url=public_base_url(),
    )
    filename = check_report.report_filename(context)
    return Response(
        check_report.check_pdf(context),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/checks/<int:check_id>/cancel")
@login_required
def cancel(check_id: int):
    """Cancel a queued or running check."""
    try:
        check_service.cancel_check(
            session=get_session(), actor=actor_of(current_user), check_id=check_id
        )
    except RegistryError as exc:
        if exc.status in (403, 404):
            raise
        flash(render(exc.code, exc.params, request_locale()), "error")
    else:
        flash(_("Cancellation requested."), "info")
    return redirect(url_for("checks.show", check_id=check_id))
