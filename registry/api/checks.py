"""Energy checks over JSON: upload a model, poll its state, read results and the verdict."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, request, url_for

from registry.api import check_schemas  # noqa: F401  (registers the schemas named below)
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
