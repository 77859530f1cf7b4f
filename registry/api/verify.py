"""Public label verification over JSON: no token, rate limited per address."""

from __future__ import annotations

from flask import Blueprint, jsonify

from registry.api.common import documented, register_schema
from registry.documents.qr import verify_url
from registry.extensions import get_session, public_base_url, request_locale
from registry.i18n import render
from registry.services.buildings.verify import verify_label
from registry.web import limits
from registry.web.verify import VERIFY_LIMIT

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


def _too_many_lookups(limit):
    seconds = limits.retry_after_s(limit)
    params = {"seconds": seconds}
    message = render("verify.rate_limited", params, request_locale())
    response = jsonify({"code": "verify.rate_limited", "message": message, "errors": {}})
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.get("/verify/<path:label>")
@documented(response="Verification", errors=(404, 429))
@limits.limited(**VERIFY_LIMIT, on_breach=_too_many_lookups)
def verify(label: str):
    """Verify a label number (anonymous, at most a few lookups a minute per address)."""
    result = verify_label(session=get_session(), label=label)
    url = verify_url(public_base_url(), result.label_number)
    return jsonify({**result.as_dict(), "url": url})
