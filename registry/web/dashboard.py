"""The targets dashboard: progress, charts and downloads of the annual tally."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import login_required

from registry import reports, vocabulary
from registry.domain import dates
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.services.tally import tallies as tally_service
from registry.web.forms import field_errors

bp = Blueprint("dashboard", __name__)


# The dashboard lists the first counted rows; the CSV, XLSX and PDF carry them all (a city's
# year is hundreds of thousands of rows, more than a page can usefully show).
DASHBOARD_ROWS = 200


def _tally_context(year: int | None, errors: dict[str, str], rows: int | None = None) -> dict:
    locale = request_locale()
    try:
        filters = tally_service.parse_filters(
            year=year,
            district=request.args.get("district"),
            building_type=request.args.get("building_type"),
        )
    except ValidationFailed as exc:
        errors.update(field_errors(exc))
        filters = {"year": None, "district": None, "building_type": None}
    session = get_session()
    tally = tally_service.compute(
        session=session,
        year=filters["year"] or tally_service.default_year(session=session),
        district=filters["district"],
        building_type=filters["building_type"],
        rows=rows,
    )
    return tally_service.context(
        tally,
        generated_at=dates.now_utc(),
        locale=locale,
        public_base_url=current_app.extensions["registry.config"].PUBLIC_BASE_URL,
    )


@bp.get("/dashboard")
@login_required
def index():
    """Show progress against the pilot's targets for a year, district and building type."""
    errors: dict[str, str] = {}
    context = _tally_context(request.args.get("year"), errors, rows=DASHBOARD_ROWS)
    locale = request_locale()
    # matplotlib is loaded on the first chart, not by every process that builds the app
    # (the CLI and the workers build it too and draw no chart).
    from registry.charts import tally_charts

    return render_template(
        "dashboard/index.html",
        tally=context,
        charts=tally_charts(context),
        errors=errors,
        districts=vocabulary.choices("district", locale),
        building_types=vocabulary.choices("building type", locale),
        years=list(range(2021, dates.today().year + 1)),
        query={k: v for k, v in request.args.items() if k in ("district", "building_type")},
    ), 422 if errors else 200


@bp.get("/dashboard/tally-<int:year>.<fmt>")
@login_required
def download(year: int, fmt: str):
    """Download the year's tally as PDF, XLSX or CSV (?table= picks the CSV table)."""
    if fmt not in ("pdf", "xlsx", "csv"):
        abort(404)
    table = request.args.get("table", "summary")
    if table not in tally_service.TABLE_NAMES:
        abort(404)
    errors: dict[str, str] = {}
    context = _tally_context(year, errors)
    if errors:
        abort(404)
    body = reports.tally_export(context, fmt, table)
    filename = reports.tally_filename(context, fmt)
    return Response(
        body,
        mimetype=reports.EXPORT_FORMATS[fmt].split(";")[0],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
