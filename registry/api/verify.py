"""Public label verification over JSON: no token, rate limited per address."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from registry.api.common import documented, register_schema
from registry.extensions import get_session, message_locale
from registry.messages import render
from registry.qr import verify_url
from registry.services.buildings.verify import verify_label
from registry.web.verify import RateLimited, check_rate

bp = Blueprint("api_verify", __name__, url_prefix="/api/v1")

register_schema(
    "Verification",
    {
        "type": "object",
        "description": "What an issued label says; nothing about owners or people.",
        "properties": {
            "label_number": {"type": "string"},
            "building_name": {"type": "string"},
            "district_code": {"type": "string"},
            "district_zh": {"type": "string"},
            "district_en": {"type": "string"},
            "kind": {"type": "string"},
            "level": {"type": "string"},
            "level_zh": {"type": "string"},
            "level_en": {"type": "string"},
            "stage": {"type": ["string", "null"]},
            "issued_on": {"type": ["string", "null"], "format": "date"},
            "status": {"type": "string", "enum": ["valid", "revoked"]},
            "revoked_on": {"type": ["string", "null"], "format": "date"},
            "published_on": {"type": ["string", "null"], "format": "date"},
            "url": {"type": "string"},
        },
    },
)


@bp.get("/verify/<path:label>")
@documented(response="Verification", errors=(404, 429))
def verify(label: str):
    """Verify a label number (anonymous, at most a few lookups a minute per address)."""
    try:
        check_rate()
    except RateLimited as exc:
        message = render(exc.code, exc.params, message_locale())
        response = jsonify({"code": exc.code, "message": message, "errors": {}})
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.params["seconds"])
        return response
    result = verify_label(session=get_session(), label=label)
    url = verify_url(current_app.config["PUBLIC_BASE_URL"], result.label_number)
    return jsonify({**result.as_dict(), "url": url})
