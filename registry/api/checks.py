"""Energy checks over JSON: upload a model, poll its state, read results and the verdict."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, request, url_for

from registry.api.common import (
    actor,
    created,
    documented,
    int_arg,
    register_schema,
    token_required,
)
from registry.domain.checks.states import MAX_WAIT_S
from registry.errors import ValidationFailed
from registry.extensions import get_session, request_locale
from registry.models import FINAL_STATES
from registry.queue import enqueue_check
from registry.services.checks import uploads as check_service
from registry.services.checks.payload import check_payload
from registry.services.checks.weather import add_weather, list_weather
from registry.web.check_view import read_reference, read_upload

bp = Blueprint("api_checks", __name__, url_prefix="/api/v1")

NUMBER_OR_NULL = {"type": ["number", "null"]}

register_schema(
    "CheckResultBody",
    {
        "type": "object",
        "description": "The annual result of a finished check: energy in kWh, areas in m², "
        "EUI in kWh/(m²·a) on the registered floor area, and the hashes the numbers came from.",
        "required": [
            "total_site_kwh",
            "eui_kwh_per_m2",
            "registered_area_m2",
            "model_total_area_m2",
            "model_conditioned_area_m2",
            "unmet_hours",
        ],
        "properties": {
            "total_site_kwh": {"type": "number"},
            "eui_kwh_per_m2": {"type": "number"},
            "registered_area_m2": {"type": "number"},
            "registered_heated_area_m2": NUMBER_OR_NULL,
            "model_total_area_m2": {
                **NUMBER_OR_NULL,
                "description": "EnergyPlus's Total Building Area: the area the floor-area "
                "rule compares with the registered area.",
            },
            "model_conditioned_area_m2": {
                **NUMBER_OR_NULL,
                "description": "EnergyPlus's Net Conditioned Building Area.",
            },
            "area_mismatch_pct": {
                **NUMBER_OR_NULL,
                "description": "(model total area − registered area) / registered area × 100.",
            },
            "unmet_hours": {
                "type": "object",
                "description": "Facility hours with a setpoint not met while occupied "
                "(EnergyPlus SystemSummary, Time Setpoint Not Met).",
                "required": ["occupied_heating", "occupied_cooling"],
                "properties": {
                    "occupied_heating": NUMBER_OR_NULL,
                    "occupied_cooling": NUMBER_OR_NULL,
                },
            },
            "by_fuel_kwh": {"type": ["object", "null"]},
            "monthly_kwh": {"type": ["object", "null"]},
            "end_uses": {"type": "array", "items": {"type": "object"}},
            "engine_version": {"type": "string"},
            "idf_sha256": {"type": "string"},
            "epw_sha256": {"type": "string"},
        },
    },
)
FIGURE = {"type": ["number", "string", "null"]}
register_schema(
    "WithheldRule",
    {
        "type": "object",
        "description": "A validity rule the check fails, with the figure compared and the "
        "rule's limit (numbers; for the weather rule, the weather files' names).",
        "required": ["code", "message", "value", "limit"],
        "properties": {
            "code": {"type": "string", "description": "e.g. validity.floor_area.outside"},
            "rule": {"type": "string"},
            "message": {"type": "string", "description": "In the language asked for."},
            "value": FIGURE,
            "limit": FIGURE,
            "unit": {"type": "string"},
        },
    },
)
register_schema(
    "CheckVerdictBody",
    {
        "type": "object",
        "description": "The verdict against the energy quotas. Official only when "
        "every validity rule holds; otherwise `withheld` names each failed rule, the figures "
        "are still given and `band` is null.",
        "required": ["official", "withheld", "rules", "band", "indicators"],
        "properties": {
            "official": {"type": "boolean"},
            "official_label": {"type": "string"},
            "withheld": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/WithheldRule"},
            },
            "rules": {
                "type": "array",
                "description": "Every validity rule the check was judged by, with its "
                "version, outcome, message and source.",
                "items": {"type": "object"},
            },
            "severe_messages": {"type": "array", "items": {"type": "string"}},
            "band": {"type": ["string", "null"]},
            "indicator_value": NUMBER_OR_NULL,
            "unit": {"type": ["string", "null"]},
            "indicators": {"type": "array", "items": {"type": "object"}},
        },
    },
)
register_schema(
    "Check",
    {
        "type": "object",
        "required": ["id", "building_id", "status"],
        "properties": {
            "id": {"type": "integer"},
            "building_id": {"type": "integer"},
            "status": {
                "enum": [
                    "queued",
                    "validating",
                    "running",
                    "reading",
                    "done",
                    "failed",
                    "cancelled",
                ]
            },
            "status_name": {"type": "string"},
            "attempts": {"type": "integer"},
            "idf_sha256": {"type": "string"},
            "engine_version": {"type": "string"},
            "run_seconds": NUMBER_OR_NULL,
            "cached": {
                "type": "boolean",
                "description": "The result reused an identical earlier run (same model, "
                "weather and engine), judged against this check's building.",
            },
            "cached_from_id": {
                "type": ["integer", "null"],
                "description": "The earlier check reused, only when it was the caller's own "
                "(never another user's check id); `cached` says whether a run was reused.",
            },
            "weather": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "synthetic": {"type": "boolean"},
                    "sha256": {"type": "string"},
                    "official": {
                        "type": "boolean",
                        "description": "The registry's official Qingdao weather year.",
                    },
                },
            },
            "warnings": {"type": "array"},
            "error": {"type": ["object", "null"]},
            "energyplus_messages": {"type": ["object", "null"]},
            "result": {
                "anyOf": [{"$ref": "#/components/schemas/CheckResultBody"}, {"type": "null"}]
            },
            "verdict": {
                "anyOf": [{"$ref": "#/components/schemas/CheckVerdictBody"}, {"type": "null"}]
            },
            "saving_rate": {
                "type": ["object", "null"],
                "description": "A saving-rate check's rates against its generated GB/T 51350 "
                "reference building (present when the check asked for them; null until done). "
                "For a residential building: no reference building, no rates; `level_met` and "
                "`residential` (the ideal-load heating and cooling demands per m², each level's "
                "limits, WDH20/DDH28, the shape coefficient, n50, what is not judged).",
                "properties": {
                    "design_kwh": {"type": "number"},
                    "reference_kwh": {"type": "number"},
                    "renewable_kwh": {"type": "number"},
                    "itself_pct": {"type": "number"},
                    "comprehensive_pct": {"type": "number"},
                    "renewable_pct": {"type": "number"},
                    "level_met": {"enum": ["none", "ultra_low", "nearly_zero", "zero"]},
                    "energy_basis": {"type": "string"},
                    "changes": {"type": "array", "items": {"type": "object"}},
                    "reference_source": {"enum": ["generated", "designer"]},
                    "consistency": {"type": ["object", "null"]},
                    "airtightness": {"type": "object"},
                    "parameters_unverified": {"type": "boolean"},
                    "residential": {
                        "type": "object",
                        "description": "Residential buildings only (GB/T 51350-2019 Table "
                        "5.0.2): heating_demand_kwh_m2, cooling_demand_kwh_m2, "
                        "heating_limit_kwh_m2 and cooling_limit_kwh_m2 by level, wdh20_kkh, "
                        "ddh28_kkh, shape_coefficient, n50, level_met, not_judged.",
                    },
                },
            },
            "summary": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The verdict (or why it was withheld), the weather, the cache "
                "and the engine's messages as sentences, as `registry check` prints them.",
            },
        },
    },
)
register_schema(
    "CheckUpload",
    {
        "type": "object",
        "required": ["idf"],
        "properties": {
            "idf": {"type": "string", "format": "binary"},
            "weather": {"type": "string", "description": "Weather name or id."},
            "saving_rate": {
                "type": "string",
                "enum": ["0", "1", "true", "false"],
                "description": "Also run the GB/T 51350 reference building and return "
                "`saving_rate` (design and reference energy, the rates, the level met, the "
                "transformation's changes); for a residential building, its heating and "
                "cooling demands judged against GB/T 51350 Table 5.0.2 instead.",
            },
            "n50": {
                "type": "string",
                "description": "With saving_rate: the airtightness the designer declares (air "
                "changes per hour at 50 Pa), judged against the level's limit.",
            },
            "reference": {
                "type": "string",
                "format": "binary",
                "description": "With saving_rate: the designer's own reference building (IDF) "
                "instead of the generated one. The pair is compared before any engine run; an "
                "inconsistent pair ends the check `failed` with `error.differences` (object, "
                "name, field, design, reference, tolerance, message).",
            },
        },
    },
)


@bp.post("/buildings/<int:building_id>/checks")
@documented(
    request_body="CheckUpload",
    request_media_type="multipart/form-data",
    response="Check",
    status=202,
    errors=(403, 404, 413, 422, 429),
)
@token_required
def create(building_id: int):
    """Upload an IDF (multipart field `idf`) for an energy check of a building."""
    session = get_session()
    config = current_app.extensions["registry.config"]
    data, filename = read_upload(request.files.get("idf"), config.MAX_UPLOAD_BYTES)
    reference, reference_name = read_reference(
        request.files.get("reference"), config.MAX_UPLOAD_BYTES
    )
    check = check_service.create_check(
        session=session,
        actor=actor(),
        config=config,
        building_id=building_id,
        idf_bytes=data,
        filename=filename,
        weather=request.form.get("weather") or None,
        saving_rate=request.form.get("saving_rate", "").lower() in ("1", "true", "on", "yes"),
        n50=request.form.get("n50"),
        reference_bytes=reference,
        reference_filename=reference_name,
        enqueue=enqueue_check,
    )
    body = check_payload(session, check, request_locale())
    response = created(body, url_for(".show", check_id=check.id))
    # 202: accepted and queued; 200 when answered at once from an identical earlier run.
    response.status_code = 200 if check.status == "done" else 202
    return response


@bp.get("/checks")
@documented(response=["Check"])
@token_required
def index():
    """List the checks the caller may see (officers: their districts; designers: their own)."""
    session = get_session()
    building_id = request.args.get("building_id", type=int)
    rows = check_service.list_checks(session=session, actor=actor(), building_id=building_id)
    return jsonify([check_payload(session, c, request_locale()) for c in rows])


# Waiting requests per server process. `make run` gives each process 4 threads; two are
# always left for pages and other calls. A request over the limit is answered at once with
# the check's state and `Retry-After`, and the client asks again a second later.
MAX_WAITING = 2
_waiting = threading.BoundedSemaphore(MAX_WAITING)


@bp.get("/checks/<int:check_id>")
@documented(
    response="Check",
    errors=(403, 404, 422),
    query=(
        (
            "wait",
            {"type": "integer", "minimum": 0, "maximum": MAX_WAIT_S},
            "Seconds to wait for the check to end before answering (long poll); "
            "the answer comes as soon as it ends.",
        ),
    ),
)
@token_required
def show(check_id: int):
    """A check's state, results, and verdict; with `wait`, once it ends (or the wait is up)."""
    session = get_session()
    problems: dict = {}
    wait_s = int_arg("wait", problems, low=0, high=MAX_WAIT_S)
    if problems:
        raise ValidationFailed(problems)
    busy = False
    if wait_s:
        if _waiting.acquire(blocking=False):
            try:
                check_service.wait_until_ended(
                    session=session, actor=actor(), check_id=check_id, timeout_s=wait_s
                )
            finally:
                _waiting.release()
        else:
            busy = True
    check = check_service.get_check(session=session, actor=actor(), check_id=check_id)
    response = jsonify(check_payload(session, check, request_locale()))
    if busy and check.status not in FINAL_STATES:
        response.headers["Retry-After"] = "1"
    return response


@bp.post("/checks/<int:check_id>/cancel")
@documented(response="Check", errors=(403, 404, 409))
@token_required
def cancel(check_id: int):
    """Cancel a queued or running check."""
    session = get_session()
    check = check_service.cancel_check(session=session, actor=actor(), check_id=check_id)
    return jsonify(check_payload(session, check, request_locale()))


def _weather_body(w) -> dict:
    return {
        "id": w.id,
        "name": w.name,
        "location": w.location,
        "synthetic": w.synthetic,
        "default": w.is_default,
        "sha256": w.sha256,
        "source": w.source,
    }


@bp.get("/weather")
@documented(response={"schema": {"type": "array"}, "media_type": "application/json"})
@token_required
def weather():
    """The weather library (synthetic files are flagged)."""
    return jsonify([_weather_body(w) for w in list_weather(session=get_session())])


register_schema(
    "WeatherUpload",
    {
        "type": "object",
        "required": ["epw"],
        "properties": {
            "epw": {"type": "string", "format": "binary"},
            "source": {"type": "string", "description": "Where the file comes from."},
        },
    },
)


@bp.post("/weather")
@documented(
    request_body="WeatherUpload",
    request_media_type="multipart/form-data",
    response={"schema": {"type": "object"}, "media_type": "application/json"},
    status=201,
    errors=(403, 413, 422),
)
@token_required
def add_weather_file():
    """Add an EPW to the weather library (an identical file already there is returned)."""
    config = current_app.extensions["registry.config"]
    upload = request.files.get("epw")
    if upload is None or not upload.filename:
        raise ValidationFailed({"epw": ("field.required", {})})
    row = add_weather(
        session=get_session(),
        actor=actor(),
        config=config,
        data=upload.stream.read(config.MAX_UPLOAD_BYTES + 1),
        name=upload.filename,
        source=request.form.get("source", ""),
    )
    return jsonify(_weather_body(row)), 201
