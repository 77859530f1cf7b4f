"""Measured energy over the API: a building's years (and entering one), the platform import,
and the city's quota list for a year.

The import of a file over 1 MB, or any asked with async=1, runs on the worker as an import
job (issue 23): the answer is 202 with the job, polled at /api/v1/metered/imports/jobs/<id>.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from registry.api import import_jobs as shared_jobs
from registry.api.common import (
    actor,
    documented,
    flag_args,
    json_body,
    register_schema,
    text_value,
    token_required,
)
from registry.domain import dates
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.services import permissions
from registry.services.imports import jobs as import_jobs
from registry.services.metered import quota_list as quota_list_service
from registry.services.metered import verdicts, years
from registry.services.metered.import_commit import (
    commit_meter_import,
    outcome_message,
    stored_message,
)
from registry.services.metered.imports import preview_meter_import

bp = Blueprint("api_metered", __name__, url_prefix="/api/v1")

register_schema(
    "MeteredYears",
    {
        "type": "array",
        "description": "A building's current measured years, newest first: the values, the "
        "verdict (indicators with value, unit, band, margins, corrections, row key and version; "
        "or the reason there is none), the split method and notes, and every version.",
        "items": {"type": "object"},
    },
)
register_schema(
    "MeteredYearEntry",
    {
        "type": "object",
        "required": ["year"],
        "description": "Annual values (electricity_kwh, natural_gas_m3, district_heat_gj, "
        "oil_kg, lpg_kg, coal_kg, other_kgce, pv_generation_kwh, excluded_electricity_kwh, "
        "excluded_natural_gas_m3, heated_area_m2, operating_hours, occupants, "
        "excluded_area_m2) or `months` {1..12: values}; source platform|bill|audit; "
        "change_reason for a correction.",
        "properties": {
            "year": {"type": "integer"},
            "months": {"type": "object"},
            "source": {"type": "string", "enum": ["platform", "bill", "audit"]},
            "change_reason": {"type": "string"},
        },
    },
)
register_schema(
    "MeterImportReport",
    {
        "type": "object",
        "description": "counts (rows, accepted, rejected, years, incomplete_years), rejected rows "
        "with their problems by field, the building-years stored (or that would be), batch_id, "
        "and warnings about the columns (not recognised; no electricity column), in the "
        "reader's language.",
    },
)
register_schema(
    "MeterImportJob",
    {
        "type": "object",
        "description": "A meter import run by the worker (a file over 1 MB, or any asked with "
        "async=1): kind (meter_preview, meter_commit), state (queued, running, done, failed, "
        "cancelled), rows read, checked and written, fraction done, seconds left, batch_id, "
        "repeated, message; once done, `report` holds the MeterImportReport.",
    },
)
register_schema(
    "QuotaList",
    {
        "type": "object",
        "description": "entries (building id, name, district, type, indicators with values, "
        "units and bands, the worst band, margin_pct to the constraint value, action), "
        "over-constraint first; summary: count and area per band, by district and by type.",
    },
)


@bp.get("/buildings/<int:building_id>/metered")
@documented(response="MeteredYears", errors=(404,))
@token_required
def building_years(building_id: int):
    """A building's measured years with their verdicts and versions."""
    return jsonify(
        verdicts.building_years(
            session=get_session(), building_id=building_id, locale=request_locale()
        )
    )


@bp.post("/buildings/<int:building_id>/metered")
@documented(
    request_body="MeteredYearEntry", response="MeteredYears", status=201, errors=(403, 404, 422)
)
@token_required
def enter_year(building_id: int):
    """Enter (or correct, as a new version) one measured year of a building."""
    body = json_body()
    session = get_session()
    years.enter_year(
        session=session,
        actor=actor(),
        building_id=building_id,
        year=body.get("year"),
        values=body,
        months=body.get("months") or None,
        source=text_value(body, "source") or "platform",
        exclusions_note=text_value(body, "exclusions_note"),
        change_reason=text_value(body, "change_reason") or None,
    )
    found = verdicts.building_years(
        session=session, building_id=building_id, locale=request_locale()
    )
    return jsonify(found), 201


@bp.post("/metered/imports")
@documented(
    request_body="ImportUpload",
    request_media_type="multipart/form-data",
    response="MeterImportReport",
    accepted="MeterImportJob",
    query=(
        (
            "dry_run",
            {"type": "integer", "enum": [0, 1], "default": 0},
            "1: only report what each row would become; nothing is stored.",
        ),
        (
            "async",
            {"type": "integer", "enum": [0, 1], "default": 0},
            "1: run on the worker and answer 202 with the MeterImportJob at once (a file "
            "over 1 MB always is); poll /api/v1/metered/imports/jobs/{id}.",
        ),
    ),
    errors=(400, 403, 422),
)
@token_required
def import_meters():
    """Import the monitoring platform's export (CSV/XLSX, multipart field `file`).

    A file over 1 MB, or any request with async=1, is run by the worker: the answer is 202
    with the MeterImportJob, whose `status_url` gives its progress and, once done, its report.
    """
    permissions.require_importer(actor())
    switches = flag_args("dry_run", "async")
    dry_run = switches["dry_run"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": ("field.required", {})})
    data, locale, session = upload.read(), request_locale(), get_session()
    if switches["async"] or len(data) > import_jobs.INLINE_BYTES:
        return shared_jobs.queue(
            data=data,
            filename=upload.filename,
            kind="meter_preview" if dry_run else "meter_commit",
            mapping=None,
            status_endpoint="api_metered.show_import_job",
            body=_job_body,
        )
    if dry_run:
        result = preview_meter_import(
            session=session, actor=actor(), data=data, filename=upload.filename, locale=locale
        )
        return jsonify({**result.as_dict(), "dry_run": True, "batch_id": None})
    result, batch_id = commit_meter_import(
        session=session, actor=actor(), data=data, filename=upload.filename, locale=locale
    )
    message = outcome_message(result, batch_id, locale)
    return jsonify({**result.as_dict(), "dry_run": False, "batch_id": batch_id, "message": message})


def _job_body(job) -> dict:
    return shared_jobs.job_body(
        job, status_endpoint="api_metered.show_import_job", report=_job_report
    )


def _job_report(job) -> dict:
    report = {k: v for k, v in job.result.items() if k != "locale"}
    committed = job.kind == "meter_commit"
    report.update(dry_run=not committed, batch_id=job.batch_id, message="")
    if committed:
        locale = request_locale()
        report["message"] = stored_message(report["counts"], job.batch_id, job.repeated, locale)
    return report


@bp.get("/metered/imports/jobs/<int:job_id>")
@documented(response="MeterImportJob", errors=(403, 404))
@token_required
def show_import_job(job_id: int):
    """A meter import job's state and progress; once done, its report."""
    job = import_jobs.get_job(
        session=get_session(), actor=actor(), job_id=job_id, kinds=import_jobs.METER_KINDS
    )
    return jsonify(_job_body(job))


@bp.post("/metered/imports/jobs/<int:job_id>/cancel")
@documented(response="MeterImportJob", errors=(403, 404))
@token_required
def cancel_import_job(job_id: int):
    """Cancel a meter import job: a queued one at once, a running one within a second; a
    cancelled commit stores nothing."""
    job = import_jobs.cancel_import(
        session=get_session(),
        actor=actor(),
        job_id=job_id,
        folder=shared_jobs.upload_folder(),
        kinds=import_jobs.METER_KINDS,
    )
    return jsonify(_job_body(job))


@bp.get("/quota-list")
@documented(
    response="QuotaList",
    query=(
        (
            "year",
            {"type": "integer", "minimum": 2000, "maximum": 2100},
            "Year of the data; last year (Beijing time) when absent, as on the page.",
        ),
        ("district", {"type": "string"}, "District code."),
        ("building_type", {"type": "string"}, "Building type code."),
        ("band", {"type": "string"}, "Band code, e.g. gt_constraint."),
    ),
    errors=(422,),
)
@token_required
def quota_list():
    """The city's quota list (能耗限额管理) for a year."""
    year = request.args.get("year") or str(dates.today().year - 1)
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        raise ValidationFailed({"year": ("metered.import.year_invalid", {"value": year})})
    return jsonify(
        quota_list_service.quota_list(
            session=get_session(),
            year=int(year),
            district=request.args.get("district") or None,
            building_type=request.args.get("building_type") or None,
            band=request.args.get("band") or None,
            locale=request_locale(),
        )
    )
