"""Measured energy pages: the entry form on a building, and the city's quota list for a year
with its XLSX and PDF."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import vocabulary
from registry.auth import actor_of
from registry.domain import dates
from registry.domain.metered.energy import CONTEXT_FIELDS, ENERGY_FIELDS, SOURCES
from registry.errors import NotFound, PermissionDenied, RegistryError
from registry.extensions import get_session, request_locale
from registry.queue import enqueue_quota_document
from registry.services.document_jobs import file_chunks
from registry.services.metered import quota_list as quota_list_service
from registry.services.metered import savings, years
from registry.web import display
from registry.web.forms import field_errors

bp = Blueprint("metered", __name__)

BANDS = ("gt_constraint", "le_constraint", "le_baseline", "le_guide")
FORM_FIELDS = ENERGY_FIELDS + CONTEXT_FIELDS
# The month grid of the form: what the platform reports by month for most buildings.
MONTH_FIELDS = ("electricity_kwh", "natural_gas_m3", "district_heat_gj")


def metered_form_fields() -> list[tuple[str, str]]:
    """(field, label with unit) of the entry form, in the reader's language."""
    return [
        ("electricity_kwh", _("Electricity (kWh)")),
        ("natural_gas_m3", _("Natural gas (m³)")),
        ("district_heat_gj", _("District heat (GJ)")),
        ("oil_kg", _("Oil (kg)")),
        ("lpg_kg", _("LPG (kg)")),
        ("coal_kg", _("Coal (kg)")),
        ("other_kgce", _("Other fuels (kgce)")),
        ("pv_generation_kwh", _("On-site PV generation (kWh)")),
        ("heated_area_m2", _("Heated area (m²)")),
        ("operating_hours", _("Operating hours (h/a)")),
        ("occupants", _("Occupants")),
        ("excluded_area_m2", _("Excluded area (m²)")),
        ("excluded_electricity_kwh", _("Excluded electricity (kWh)")),
        ("excluded_natural_gas_m3", _("Excluded natural gas (m³)")),
    ]


@bp.post("/buildings/<int:building_id>/metered")
@login_required
def enter(building_id: int):
    """Enter or correct one measured year (annual totals) from the building page."""
    form = request.form
    months = {
        month: {name: form.get(f"m{month}_{name}") for name in MONTH_FIELDS}
        for month in range(1, 13)
        if any((form.get(f"m{month}_{name}") or "").strip() for name in MONTH_FIELDS)
    }
    try:
        years.enter_year(
            session=get_session(),
            actor=actor_of(current_user),
            building_id=building_id,
            year=form.get("year", ""),
            values={name: form.get(name) for name in FORM_FIELDS},
            months=months or None,
            source=form.get("source") or "platform",
            exclusions_note=form.get("exclusions_note", ""),
            change_reason=form.get("change_reason") or None,
        )
    except (PermissionDenied, NotFound):
        raise  # a refusal, not a correction to make: the error page with its status
    except RegistryError as exc:
        problems = field_errors(exc) if exc.field_errors else {}
        message = "; ".join(problems.values()) or display.message(exc.code, exc.params)
        flash(message, "error")
    else:
        flash(_("Measured energy saved."), "ok")
    return redirect(url_for("buildings.detail", building_id=building_id) + "#metered")


def _filters() -> dict:
    args = request.args
    year = args.get("year", "")
    return {
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        "district": args.get("district") or None,
        "building_type": args.get("building_type") or None,
        "band": args.get("band") if args.get("band") in BANDS else None,
    }


def _document(fmt: str, year: int, filters: dict, locale: str):
    """The list's PDF or XLSX: the file when it is ready (or small), else a page that waits
    for the worker (HTTP 202) and reloads this address until it is (issue 23)."""
    # matplotlib and WeasyPrint only for downloads
    from registry.services.metered import documents

    wanted = documents.Request(
        fmt, year, filters["district"], filters["building_type"], filters["band"], locale
    )
    folder = Path(current_app.config["REPORT_DIR"])
    outcome = documents.get_document(
        session=get_session(),
        folder=folder,
        request=wanted,
        enqueue=enqueue_quota_document,
        retry=bool(request.args.get("retry")),
    )
    headers = {"Content-Disposition": f'attachment; filename="quota-list-{year}.{fmt}"'}
    if outcome.body is not None:
        return Response(outcome.body, mimetype=documents.MIMETYPES[fmt], headers=headers)
    if outcome.path is not None:
        return Response(
            file_chunks(outcome.path), mimetype=documents.MIMETYPES[fmt], headers=headers
        )
    row = outcome.row
    failed = row.status == "failed"
    query = {k: v for k, v in filters.items() if v and k != "year"}
    laying_out = row.status == "running" and row.rows_done > 0 and row.rows_total > 0
    return render_template(
        "metered/document.html",
        row=row,
        failed=failed,
        message=display.message(
            "metered.document_failed" if failed else "metered.document_preparing",
            {"count": display.number(row.rows_total)},
        ),
        progress=display.message(
            "metered.document_progress",
            {"done": display.number(row.rows_done), "total": display.number(row.rows_total)},
        )
        if laying_out
        else "",
        percent=int(100 * row.rows_done / row.rows_total) if laying_out else None,
        retry_url=url_for("metered.quota_list", year=year, format=fmt, retry=1, **query),
        list_url=url_for("metered.quota_list", year=year, **query),
    ), 202


@bp.get("/quota-list")
@login_required
def quota_list():
    """The city's quota list for a year: indicators, band, margin, action; filters."""
    locale = request_locale()
    filters = _filters()
    year = filters["year"] or dates.today().year - 1
    fmt = request.args.get("format", "html")
    if fmt in ("xlsx", "pdf"):
        return _document(fmt, year, filters, str(locale))
    report = quota_list_service.quota_list(
        session=get_session(),
        year=year,
        district=filters["district"],
        building_type=filters["building_type"],
        band=filters["band"],
        locale=locale,
    )
    if fmt != "html":
        abort(404)
    for entry in report["entries"]:
        entry["district_name"] = vocabulary.district(entry["district_code"], locale)
        entry["building_type_name"] = vocabulary.building_type(entry["building_type"], locale)
    upgrades = savings.verified_upgrade_area(session=get_session())
    return render_template(
        "metered/list.html",
        upgrades=upgrades,
        report=report,
        year=year,
        filters=filters,
        districts=vocabulary.choices("district", locale),
        building_types=vocabulary.choices("building type", locale),
        bands=[(b, display.message(f"quota.band.{b}")) for b in BANDS],
        query={k: v for k, v in filters.items() if v and k != "year"},
        years=list(range(dates.today().year, 2014, -1)),
        sources=SOURCES,
    )
