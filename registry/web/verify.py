"""The public label check: /verify?label=… and the QR codes' /verify/<label>; no login."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request

from registry.errors import NotFound
from registry.extensions import get_session
from registry.qr import qr_svg
from registry.services.buildings.verify import clean_label, verify_label
from registry.web import display, limits

# The name "verify" is on the login guard's list of public blueprints.
bp = Blueprint("verify", __name__)


def _asks_nothing() -> bool:
    """The empty form costs no lookup."""
    return not clean_label((request.view_args or {}).get("label") or request.args.get("label"))


def _too_many_lookups(limit):
    seconds = limits.retry_after_s(limit)
    label = clean_label((request.view_args or {}).get("label") or request.args.get("label"))
    error = display.message("verify.rate_limited", {"seconds": seconds})
    page = render_template("verify/show.html", label=label, result=None, error=error, qr=None)
    return make_response(page, 429, {"Retry-After": str(seconds)})


# The page and the API's /api/v1/verify count together, per address.
VERIFY_LIMIT = {"setting": "VERIFY_RATE_LIMIT", "scope": "verify", "exempt_when": _asks_nothing}


def _page(label: str):
    result, error, status = None, None, 200
    if label:
        try:
            result = verify_label(session=get_session(), label=label)
        except NotFound as exc:
            error, status = display.message(exc.code, exc.params), 404
    qr = qr_svg(current_app.config["PUBLIC_BASE_URL"], result.label_number) if result else None
    page = render_template("verify/show.html", label=label, result=result, error=error, qr=qr)
    return page, status


@bp.route("/verify")
@limits.limited(**VERIFY_LIMIT, on_breach=_too_many_lookups)
def lookup():
    """Check a label number typed into the form."""
    return _page(clean_label(request.args.get("label")))


@bp.route("/verify/<path:label>")
@limits.limited(**VERIFY_LIMIT, on_breach=_too_many_lookups)
def show(label: str):
    """Check the label a QR code points at."""
    return _page(clean_label(label))


@bp.route("/verify/<path:label>/qr.svg")
def qr(label: str):
    """The QR code of a label's verification URL, as SVG."""
    svg = qr_svg(current_app.config["PUBLIC_BASE_URL"], clean_label(label))
    return current_app.response_class(svg, mimetype="image/svg+xml")
