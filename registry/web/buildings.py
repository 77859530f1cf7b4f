"""Building pages: the searchable list, register and edit forms, and the detail page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import vocabulary
from registry.auth import actor_of
from registry.domain import settings as setting_keys
from registry.domain.buildings import records as record_rules
from registry.domain.buildings.fields import FROZEN_FIELDS
from registry.errors import Conflict, PermissionDenied, RegistryError, ValidationFailed
from registry.extensions import get_session, request_locale
from registry.models import Parcel
from registry.services import audit, permissions
from registry.services import settings as settings_service
from registry.services.buildings import registration as building_service
from registry.services.buildings.registration import PAGE_SIZES, BuildingFilters
from registry.services.metered import savings as metered_savings
from registry.services.metered import verdicts as metered_verdicts
from registry.services.notice import objections as objection_service
from registry.services.parcels import compliance as parcel_compliance
from registry.services.quotas.verdicts import building_headline
from registry.services.saving import evidence as saving_evidence
from registry.web import display, forms
from registry.web.metered import metered_form_fields

bp = Blueprint("buildings", __name__, url_prefix="/buildings")

DEFAULT_PAGE_SIZE = 20
FILTER_ARGS = ("q", "district", "type", "kind", "level", "status", "year")


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


def _filters() -> tuple[BuildingFilters, dict[str, tuple[str, dict]]]:
    """The list's filters from the query string, and any problems with them by argument
    (message code and params)."""
    args = {name: request.args.get(name, "").strip() for name in FILTER_ARGS}
    problems: dict[str, tuple[str, dict]] = {}
    year = None
    if args["year"]:
        low, high = building_service.FILTER_YEARS
        try:
            year = int(args["year"])
        except ValueError:
            problems["year"] = ("field.not_an_integer", {"value": args["year"]})
        else:
            if not low <= year <= high:
                problems["year"] = ("field.out_of_range", {"low": low, "high": high})
                year = None
    filters = BuildingFilters(
        q=args["q"] or None,
        district_code=args["district"] or None,
        building_type=args["type"] or None,
        kind=args["kind"] or None,
        level=args["level"] or None,
        status=args["status"] or None,
        year=year,
    )
    return filters, problems


@bp.route("")
def index():
    """List buildings, searched and filtered, one page at a time."""
    filters, problems = _filters()
    page_size = _int_arg("page_size", DEFAULT_PAGE_SIZE)
    if page_size not in PAGE_SIZES:
        page_size = DEFAULT_PAGE_SIZE
    session = get_session()
    page = building_service.list_buildings(
        session=session, filters=filters, page=_int_arg("page", 1), page_size=page_size
    )
    records = building_service.records_of_many(
        session=session, building_ids=[building.id for building in page.items]
    )
    actor = actor_of(current_user)
    kept = {name: request.args.get(name, "") for name in FILTER_ARGS if request.args.get(name)}
    return render_template(
        "buildings/list.html",
        page=page,
        records=records,
        args=kept,
        problems={name: display.message(code, params) for name, (code, params) in problems.items()},
        page_size=page_size,
        page_sizes=PAGE_SIZES,
        can_register=permissions.can_write(actor),
        district_choices=forms.district_choices(),
        type_choices=forms.type_choices(),
        kind_choices=forms.kind_choices(),
        level_groups=forms.level_groups(),
        status_choices=forms.status_choices(),
    )


def _form_page(template_args: dict, status: int = 200):
    return render_template(
        "buildings/form.html",
        district_choices=forms.district_choices(
            permissions.registrable_districts(actor_of(current_user))
        ),
        type_choices=forms.type_choices(),
        sub_type_groups=forms.sub_type_groups(),
        hvac_choices=forms.hvac_choices(),
        heating_choices=forms.heating_choices(),
        **template_args,
    ), status


def _errors_of(exc: RegistryError) -> tuple[dict[str, str], str]:
    """Field errors for the form; a district refusal belongs next to the district select."""
    if isinstance(exc, ValidationFailed):
        return forms.field_errors(exc), display.message(exc.code, exc.params)
    message = display.message(exc.code, exc.params)
    if exc.code == "permission.district":
        return {"district_code": message}, message
    return forms.field_errors(exc), message


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Register a building."""
    actor = actor_of(current_user)
    permissions.require_writer(actor)
    values = {"is_new_build": "true", "prefabricated": "false"}
    if permissions.default_district(actor):
        values["district_code"] = permissions.default_district(actor)
    if request.method == "POST":
        values = forms.building_form_data(request.form)
        try:
            building = building_service.register_building(
                session=get_session(), actor=actor, data=values
            )
        except (ValidationFailed, PermissionDenied) as exc:
            errors, summary = _errors_of(exc)
            return _form_page(
                {"values": values, "errors": errors, "summary": summary, "building": None},
                exc.status,
            )
        flash(_("Building registered."), "success")
        return redirect(url_for("buildings.detail", building_id=building.id))
    return _form_page({"values": values, "errors": {}, "summary": None, "building": None})


@bp.route("/<int:building_id>/edit", methods=["GET", "POST"])
def edit(building_id: int):
    """Edit a building's fields; the history keeps the old values."""
    session = get_session()
    actor = actor_of(current_user)
    building = building_service.get_building(session=session, building_id=building_id)
    permissions.require_edit_building(actor, building)
    frozen = building_service.has_reviewed_record(session, building_id)
    facts = {
        "building": building,
        "frozen_fields": list(FROZEN_FIELDS) if frozen else [],
        "can_correct": frozen and permissions.can_review(actor, building),
    }
    if request.method == "POST":
        values = forms.building_form_data(request.form)
        values["reason"] = request.form.get("reason", "").strip()
        try:
            building_service.update_building(
                session=session,
                actor=actor,
                building_id=building_id,
                data={key: value for key, value in values.items() if key != "reason"},
                reason=values["reason"],
            )
        except (ValidationFailed, PermissionDenied, Conflict) as exc:
            errors, summary = _errors_of(exc)
            return _form_page(
                {"values": values, "errors": errors, "summary": summary, **facts},
                exc.status,
            )
        flash(_("Changes saved."), "success")
        return redirect(url_for("buildings.detail", building_id=building_id))
    return _form_page(
        {"values": forms.building_values(building), "errors": {}, "summary": None, **facts}
    )


def record_actions(actor, building, record, *, maker_checker: bool = False) -> set[str]:
    """The actions on `record` this actor may take now (the service checks again when a
    button is used)."""
    return {
        action
        for action in record_rules.actions_from(record.status)
        if permissions.may_take(actor, building, action, record, maker_checker=maker_checker)
    }


@bp.route("/<int:building_id>")
def detail(building_id: int):
    """Show a building, its records with the actions allowed, and its full history."""
    session = get_session()
    actor = actor_of(current_user)
    building = building_service.get_building(session=session, building_id=building_id)
    records = building_service.records_of(session=session, building_id=building_id)
    history = audit.building_history(session=session, building_id=building_id)
    headline = building_headline(session=session, building_id=building_id, locale=request_locale())
    maker_checker = settings_service.get_value(session=session, key=setting_keys.MAKER_CHECKER)
    can_review = permissions.can_review(actor, building)
    metered_years = metered_verdicts.building_years(
        session=session, building_id=building_id, locale=request_locale()
    )
    design_gap = metered_verdicts.design_gap(headline["official"], metered_years)
    design_gap_chart = None
    if design_gap:
        from registry.documents import quota_list_report  # matplotlib only when needed

        design_gap_chart = quota_list_report.design_gap_svg(design_gap, request_locale())
    return render_template(
        "buildings/detail.html",
        on_parcel=_on_parcel(session, building),
        metered_years=metered_years,
        design_gap=design_gap,
        design_gap_chart=design_gap_chart,
        can_enter_energy=permissions.can_enter_energy(actor, building),
        upgrade_savings=metered_savings.building_savings(
            session=session, building_id=building_id, locale=request_locale()
        ),
        metered_fields=metered_form_fields(),
        verdict=headline["official"],
        withheld=headline["withheld"],
        building=building,
        records=[
            (record, record_actions(actor, building, record, maker_checker=maker_checker))
            for record in records
        ],
        # Why approval is not offered to this reviewer (they drafted or submitted it).
        approval_refusals={
            record.id: display.message(permissions.second_person_refusal(actor, record))
            for record in records
            if maker_checker
            and can_review
            and record.status == "submitted"
            and permissions.second_person_refusal(actor, record)
        },
        objections=objection_service.for_records(
            session=session, record_ids=[r.id for r in records if r.status != "draft"]
        )
        if can_review
        else {},
        objection_statuses={
            code: vocabulary.name("objection status", code, display.locale())
            for code in objection_service.OBJECTION_STATUSES
        },
        # An energy level's saving-rate evidence, as the reviewer reads it (issue 21).
        saving_evidence={
            record.id: line
            for record in records
            if (
                line := saving_evidence.evidence_line(
                    session,
                    record,
                    display.locale(),
                    lambda level: vocabulary.record_level("energy", level, display.locale()),
                )
            )
        },
        history=display.history_rows(reversed(history)),
        can_edit=permissions.can_edit_building(actor, building),
        building_fields=forms.BUILDING_TEXT_FIELDS,
    )


def _on_parcel(session, building) -> dict | None:
    """The parcel the building stands on, the parcel's status and the building's own."""
    if building.parcel_id is None:
        return None
    parcel = session.get(Parcel, building.parcel_id)
    report = parcel_compliance.parcel_report(session=session, parcel=parcel)
    mine = next((b for b in report["buildings"] if b["id"] == building.id), None)
    return {"report": report, "building": mine}
