"""The targets dashboard: progress, charts and downloads of the annual tally."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from registry import vocabulary
from registry.documents import rendering, tally_report
from registry.domain import dates
from registry.errors import ValidationFailed
from registry.extensions import get_session, public_base_url, request_locale
from registry.i18n import render
from registry.models import TallyDocument
from registry.queue import enqueue_tally_document
from registry.services import document_jobs
from registry.services.parcels import compliance as parcel_compliance
from registry.services.tally import documents
from registry.services.tally import exports as tally_exports
from registry.services.tally import presented as tally_presented
from registry.services.tally import tables as tally_tables
from registry.services.tally import tallies as tally_service
from registry.web.forms import field_errors

bp = Blueprint("dashboard", __name__)


# The dashboard lists the first counted rows; the CSV, XLSX and PDF carry them all (a city's
# year is hundreds of thousands of rows, more than a page can usefully show).
DASHBOARD_ROWS = 200


def _filters(year, errors: dict[str, str]) -> dict:
    try:
        return tally_service.parse_filters(
            year=year,
            district=request.args.get("district"),
            building_type=request.args.get("building_type"),
        )
    except ValidationFailed as exc:
        errors.update(field_errors(exc))
        return {"year": None, "district": None, "building_type": None}


def _tally_context(year: int | None, errors: dict[str, str], rows: int | None = None) -> dict:
    locale = request_locale()
    filters = _filters(year, errors)
    session = get_session()
    tally = tally_service.compute(
        session=session,
        year=filters["year"] or tally_service.default_year(session=session),
        district=filters["district"],
        building_type=filters["building_type"],
        rows=rows,
        evidence=True,
    )
    return tally_presented.context(
        tally,
        generated_at=dates.now_utc(),
        locale=locale,
        public_base_url=public_base_url(),
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
    from registry.documents.charts import tally_charts

    pending = documents.pending(
        session=get_session(),
        request=documents.Request(
            date.fromisoformat(context["start"]),
            date.fromisoformat(context["end"]),
            context["district"],
            context["building_type"],
            locale,
            public_base_url(),
        ),
    )
    return render_template(
        "dashboard/index.html",
        tally=context,
        pending=pending,
        charts=tally_charts(context),
        parcel_summary=parcel_compliance.district_summary(session=get_session()),
        errors=errors,
        districts=vocabulary.choices("district", locale),
        building_types=vocabulary.choices("building type", locale),
        years=list(range(2021, dates.today().year + 1)),
        query={k: v for k, v in request.args.items() if k in ("district", "building_type")},
    ), 422 if errors else 200


def _config():
    return current_app.extensions["registry.config"]


def _document_request(year: int) -> documents.Request | None:
    try:
        filters = tally_service.parse_filters(
            year=year,
            district=request.args.get("district"),
            building_type=request.args.get("building_type"),
        )
    except ValidationFailed:
        return None
    return documents.Request(
        date(year, 1, 1),
        date(year, 12, 31),
        filters["district"],
        filters["building_type"],
        request_locale(),
        public_base_url(),
    )


def _send_document(row: TallyDocument, year: int):
    filename = tally_report.tally_filename(
        {"year": year, "district": row.district_code, "building_type": row.building_type}, "pdf"
    )
    path = documents.file_path(_config(), row)
    return Response(
        document_jobs.file_chunks(path),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(path.stat().st_size),
        },
    )


@bp.get("/dashboard/tally-<int:year>.<fmt>")
@login_required
def download(year: int, fmt: str):
    """Download the year's tally as PDF, XLSX or CSV (?table= picks the CSV table).

    CSV and XLSX stream as they are written; the PDF is served from the worker's cache, or,
    while a newer one is being made, the page says so and shows its progress.
    """
    if fmt not in ("pdf", "xlsx", "csv"):
        abort(404)
    table = request.args.get("table", "summary")
    if table not in tally_tables.TABLE_NAMES:
        abort(404)
    wanted = _document_request(year)
    if wanted is None:
        abort(404)
    if fmt != "pdf":
        stream = tally_exports.stream(
            engine=get_session().get_bind(),
            year=year,
            district=wanted.district,
            building_type=wanted.building_type,
            locale=wanted.locale,
            fmt=fmt,
            table=table,
            public_base_url=public_base_url(),
        )
        filename = tally_report.tally_filename(
            {"year": year, "district": wanted.district, "building_type": wanted.building_type},
            fmt,
        )
        return Response(
            stream,
            mimetype=rendering.EXPORT_FORMATS[fmt].split(";")[0],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    row = documents.get_document(
        session=get_session(), config=_config(), request=wanted, enqueue=enqueue_tally_document
    )
    if row.status == "ready" and documents.file_path(_config(), row).is_file():
        return _send_document(row, year)
    return redirect(url_for("dashboard.document", document_id=row.id))


@bp.get("/dashboard/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """A tally PDF being made: its progress, refreshed until it is ready, then the download."""
    session = get_session()
    row = session.get(TallyDocument, document_id)
    if row is None:
        abort(404)
    query = {
        k: v
        for k, v in (("district", row.district_code), ("building_type", row.building_type))
        if v
    }
    download_url = url_for("dashboard.download", year=row.start_on.year, fmt="pdf", **query)
    if row.status == "ready":
        return redirect(download_url)
    code = "tally.document_failed" if row.status == "failed" else "tally.document_preparing"
    message = render(
        code, {"done": f"{row.rows_done:,}", "total": f"{row.rows_total:,}"}, request_locale()
    )
    if row.status == "failed":  # queue it again rather than leave the page waiting
        documents.get_document(
            session=session,
            config=_config(),
            request=documents.Request.of(row),
            enqueue=enqueue_tally_document,
        )
    return render_template(
        "dashboard/document.html",
        row=row,
        message=message,
        percent=int(100 * row.rows_done / row.rows_total) if row.rows_total else 0,
        download_url=download_url,
    ), 202


@bp.get("/dashboard/evidence-<int:year>/<target>")
@login_required
def evidence(year: int, target: str):
    """List the counted buildings of a target with whether evidence backs each one."""
    # Bad filters or a target without evidence answer 422 with the reason (the app's handler).
    filters = tally_service.parse_filters(
        year=year,
        district=request.args.get("district"),
        building_type=request.args.get("building_type"),
    )
    session = get_session()
    locale = request_locale()
    tally, rows = tally_service.evidence_list(
        session=session,
        year=filters["year"],
        target=target,
        district=filters["district"],
        building_type=filters["building_type"],
    )
    context = tally_presented.context(tally, generated_at=dates.now_utc(), locale=locale)
    item = next(t for t in context["targets"] if t["key"] == target)
    return render_template(
        "dashboard/evidence.html",
        tally=context,
        target=item,
        rows=rows,
        names=tally_service.building_names(session=session, ids=[r.building_id for r in rows]),
        end=tally.end,
        query={k: v for k, v in request.args.items() if k in ("district", "building_type")},
    )
