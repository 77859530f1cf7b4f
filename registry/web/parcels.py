"""Parcel pages: the list with each parcel's status, the form, the detail page with its
buildings, and the breach list (page, XLSX, Chinese PDF)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import vocabulary
from registry.auth import actor_of
from registry.documents import rendering
from registry.domain.buildings import districts
from registry.errors import NotFound, PermissionDenied, RegistryError, ValidationFailed
from registry.extensions import get_session, request_locale
from registry.services import permissions
from registry.services.parcels import breach_report
from registry.services.parcels import compliance as compliance_service
from registry.services.parcels import floors as floor_service
from registry.services.parcels import imports as import_service
from registry.services.parcels import parcels as parcel_service
from registry.web import display, forms

bp = Blueprint("parcels", __name__, url_prefix="/parcels")

PARCEL_FIELDS = (
    "number",
    "district_code",
    "contract_number",
    "land_use",
    "site_area_m2",
    "sale_date",
    "developer_name",
    "developer_credit_code",
)
CONDITION_FIELDS = ("min_star", "min_ultra_low_m2", "min_prefab_pct")
SOURCE_FIELDS = ("clause", "document", "document_date")


def _district_arg() -> str | None:
    value = (request.args.get("district") or "").strip()
    if not value:
        return None
    try:
        return districts.normalise_district(value).code
    except districts.UnknownDistrict:
        return None


@bp.get("")
@login_required
def index():
    """List parcels with their status; the buildings whose typed parcel id matches none."""
    session = get_session()
    actor = actor_of(current_user)
    district = _district_arg()
    rows = parcel_service.list_parcels(session=session, district_code=district)
    return render_template(
        "parcels/list.html",
        parcels=compliance_service.evaluate(session=session, parcels=rows),
        unresolved=parcel_service.unresolved_buildings(session=session, actor=actor, limit=100),
        district=district or "",
        district_choices=forms.district_choices(),
        can_add=actor.role in {permissions.OFFICER, permissions.ADMIN},
    )


def _form_values(form) -> dict[str, str]:
    return {
        k: (form.get(k) or "").strip()
        for k in (*PARCEL_FIELDS, *CONDITION_FIELDS, *SOURCE_FIELDS, "unverified")
    }


def _form_page(values, errors, summary="", status=200):
    return render_template(
        "parcels/form.html",
        values=values,
        errors=errors,
        summary=summary,
        district_choices=forms.district_choices(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Record a parcel and the conditions of its land-sale contract."""
    actor = actor_of(current_user)
    if actor.role not in {permissions.OFFICER, permissions.ADMIN}:
        permissions.require_edit_parcel(actor, "")
    if request.method == "GET":
        values = {"district_code": permissions.default_district(actor) or ""}
        return _form_page(values, {})
    values = _form_values(request.form)
    source = {
        "status": "unverified" if values.get("unverified") else "verified",
        **{k: values[k] for k in SOURCE_FIELDS},
    }
    conditions = [
        {"kind": kind, "value": values[kind], **source}
        for kind in CONDITION_FIELDS
        if values[kind] or (values.get("unverified") and kind == "min_star")
    ]
    try:
        parcel = parcel_service.add_parcel(
            session=get_session(),
            actor=actor,
            data={k: values[k] for k in PARCEL_FIELDS},
            conditions=conditions,
        )
    except RegistryError as exc:
        errors = forms.field_errors(exc)
        if exc.code == "permission.district":
            errors["district_code"] = display.message(exc.code, exc.params)
        return _form_page(values, errors, display.message(exc.code, exc.params), exc.status)
    flash(_("Parcel recorded."), "success")
    return redirect(url_for("parcels.detail", number=parcel.number))


@bp.get("/<number>")
@login_required
def detail(number: str):
    """A parcel: its conditions with their sources, its buildings' status, linking more."""
    session = get_session()
    parcel = parcel_service.get_parcel(session=session, number=number)
    if parcel.number != number:
        return redirect(url_for("parcels.detail", number=parcel.number))
    actor = actor_of(current_user)
    return render_template(
        "parcels/detail.html",
        report=compliance_service.parcel_report(session=session, parcel=parcel),
        can_edit=permissions.can_edit_parcel(actor, parcel.district_code),
        errors={},
        condition_kinds=vocabulary.choices("parcel condition", request_locale()),
    )


@bp.post("/<number>/link")
@login_required
def link(number: str):
    """Put a building on the parcel."""
    session = get_session()
    actor = actor_of(current_user)
    raw = (request.form.get("building_id") or "").strip()
    try:
        if not raw.isdigit():
            raise ValidationFailed({"building_id": ("field.not_an_integer", {"value": raw})})
        parcel_service.link_building(
            session=session,
            actor=actor,
            number=number,
            building_id=int(raw),
            completed_on=request.form.get("completed_on") or None,
        )
    except PermissionDenied:
        raise  # the error page says why
    except RegistryError as exc:
        session.rollback()
        parcel = parcel_service.get_parcel(session=session, number=number)
        errors = forms.field_errors(exc) or {"building_id": display.message(exc.code, exc.params)}
        return render_template(
            "parcels/detail.html",
            report=compliance_service.parcel_report(session=session, parcel=parcel),
            can_edit=permissions.can_edit_parcel(actor, parcel.district_code),
            errors=errors,
            values=request.form,
            condition_kinds=vocabulary.choices("parcel condition", request_locale()),
        ), exc.status
    flash(_("Building linked to the parcel."), "success")
    return redirect(url_for("parcels.detail", number=number))


def _detail_with_errors(session, actor, number, exc: RegistryError):
    session.rollback()
    parcel = parcel_service.get_parcel(session=session, number=number)
    return render_template(
        "parcels/detail.html",
        report=compliance_service.parcel_report(session=session, parcel=parcel),
        can_edit=permissions.can_edit_parcel(actor, parcel.district_code),
        errors=forms.field_errors(exc),
        summary=display.message(exc.code, exc.params),
        values=request.form,
        condition_kinds=vocabulary.choices("parcel condition", request_locale()),
    ), exc.status


@bp.post("/<number>/conditions")
@login_required
def add_condition(number: str):
    """Add a condition of the contract, with its clause and document, to the parcel."""
    session = get_session()
    actor = actor_of(current_user)
    raw = {
        "kind": request.form.get("kind") or "",
        "value": request.form.get("value") or None,
        "status": "unverified" if request.form.get("unverified") else "verified",
        "clause": request.form.get("clause") or "",
        "document": request.form.get("document") or "",
        "document_date": request.form.get("document_date") or None,
        "field": "",
    }
    try:
        parcel_service.add_condition(session=session, actor=actor, number=number, raw=raw)
    except PermissionDenied:
        raise
    except RegistryError as exc:
        return _detail_with_errors(session, actor, number, exc)
    flash(_("Condition added."), "success")
    return redirect(url_for("parcels.detail", number=number))


@bp.post("/<number>/conditions/<int:condition_id>/verify")
@login_required
def verify_condition(number: str, condition_id: int):
    """Record that a condition was verified (with its value, if it was not known)."""
    session = get_session()
    actor = actor_of(current_user)
    try:
        parcel_service.set_condition_status(
            session=session,
            actor=actor,
            condition_id=condition_id,
            status="verified",
            value=request.form.get("value") or None,
            number=number,
        )
    except (PermissionDenied, NotFound):
        raise
    except RegistryError as exc:
        return _detail_with_errors(session, actor, number, exc)
    flash(_("Condition verified."), "success")
    return redirect(url_for("parcels.detail", number=number))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_sheet():
    """Import parcels from a spreadsheet: each row's problems first; recorded only when
    "record" is ticked and every row is free of problems."""
    actor = actor_of(current_user)
    permissions.require_importer(actor)
    if request.method == "GET":
        return render_template("parcels/import.html", outcome=None, error=None)
    file = request.files.get("file")
    if file is None or not file.filename:
        message = display.message("field.required")
        return render_template("parcels/import.html", outcome=None, error=message), 422
    try:
        outcome = import_service.import_parcels(
            session=get_session(),
            actor=actor,
            data=file.read(),
            filename=file.filename,
            dry_run=not request.form.get("commit"),
        )
    except PermissionDenied:
        raise
    except RegistryError as exc:
        message = display.message(exc.code, exc.params)
        return render_template("parcels/import.html", outcome=None, error=message), exc.status
    if outcome.committed:
        flash(_("%(count)s parcels recorded.", count=len(outcome.rows)), "success")
        return redirect(url_for("parcels.index"))
    problems = import_service.problem_lines(outcome, display.locale())
    status = 422 if problems else 200
    return render_template(
        "parcels/import.html", outcome=outcome, problems=problems, error=None
    ), status


def _floors_page(errors=None, values=None, summary="", status=200):
    actor = actor_of(current_user)
    locale = request_locale()
    return render_template(
        "parcels/floors.html",
        floors=floor_service.list_floors(session=get_session()),
        can_edit=actor.role == permissions.ADMIN,
        errors=errors or {},
        # A new floor's source is unverified until the administrator says otherwise.
        values=values or {"source_status": "unverified"},
        summary=summary,
        type_choices=forms.type_choices(),
        source_statuses=vocabulary.choices("source status", locale),
    ), status


@bp.get("/floors")
@login_required
def floors():
    """The policy floors: minimum star levels by building attributes, with their sources."""
    return _floors_page()


@bp.post("/floors")
@login_required
def add_floor():
    """Add a policy floor (administrators)."""
    values = {k: (request.form.get(k) or "").strip() for k in request.form}
    values["building_types"] = ",".join(request.form.getlist("building_types"))
    try:
        floor_service.add_floor(session=get_session(), actor=actor_of(current_user), raw=values)
    except PermissionDenied:
        raise
    except RegistryError as exc:
        get_session().rollback()
        return _floors_page(
            forms.field_errors(exc), values, display.message(exc.code, exc.params), exc.status
        )
    flash(_("Policy floor added."), "success")
    return redirect(url_for("parcels.floors"))


@bp.post("/floors/<int:floor_id>/retire")
@login_required
def retire_floor(floor_id: int):
    """Stop applying a policy floor (administrators)."""
    floor_service.retire_floor(
        session=get_session(), actor=actor_of(current_user), floor_id=floor_id
    )
    flash(_("Policy floor retired."), "success")
    return redirect(url_for("parcels.floors"))


@bp.get("/breaches")
@login_required
def breaches():
    """The breach list: parcels and buildings short of their conditions."""
    district = _district_arg()
    data = breach_report.context(
        session=get_session(), locale=request_locale(), district_code=district
    )
    return render_template(
        "parcels/breaches.html",
        data=data,
        district=district or "",
        district_choices=forms.district_choices(),
    )


@bp.get("/breaches.<fmt>")
@login_required
def breaches_file(fmt: str):
    """The breach list as XLSX or as the Chinese PDF."""
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    district = _district_arg()
    data = breach_report.context(
        session=get_session(), locale=request_locale(), district_code=district
    )
    body = breach_report.xlsx(data) if fmt == "xlsx" else breach_report.pdf(data)
    filename = f"parcel-breaches-{data['as_of']}{'-' + district if district else ''}.{fmt}"
    return Response(
        body,
        mimetype=rendering.EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def status_name(code: str | None) -> str:
    return vocabulary.name("parcel compliance", code, request_locale())


@bp.app_template_global("parcel_status_name")
def _parcel_status_name(code: str | None) -> str:
    return status_name(code)


@bp.app_template_global("parcel_condition_name")
def _parcel_condition_name(code: str | None) -> str:
    return vocabulary.name("parcel condition", code, request_locale())


@bp.app_template_global("condition_status_name")
def _condition_status_name(code: str | None) -> str:
    return vocabulary.name("condition status", code, request_locale())


@bp.app_template_global("floor_source_status_name")
def _floor_source_status_name(code: str | None) -> str:
    return vocabulary.name("source status", code, request_locale())
