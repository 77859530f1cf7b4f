"""The public label check: /verify?label=… and the QR codes' /verify/<label>; no login."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from registry.documents.qr import qr_svg
from registry.domain import dates
from registry.errors import NotFound, RegistryError, ValidationFailed
from registry.extensions import get_session, public_base_url
from registry.services.buildings.verify import clean_label, under_notice, verify_label
from registry.services.notice import objections as objection_service
from registry.web import display, forms, limits

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
    qr = qr_svg(public_base_url(), result.label_number) if result else None
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
    svg = qr_svg(public_base_url(), clean_label(label))
    return current_app.response_class(svg, mimetype="image/svg+xml")


@bp.route("/verify/notices")
def notices():
    """Labels and energy levels under public notice (公示), with the form to object."""
    return _notices_page()


def _notices_page(values=None, errors=None, summary=None, status=200):
    listed = under_notice(session=get_session(), today=dates.today())
    page = render_template(
        "verify/notices.html",
        notices=listed,
        values=values or {},
        errors=errors or {},
        summary=summary,
    )
    return page, status


def _too_many_objections(limit):
    seconds = limits.retry_after_s(limit)
    summary = display.message("verify.rate_limited", {"seconds": seconds})
    page, status = _notices_page(None, {}, summary, 429)
    return make_response(page, status, {"Retry-After": str(seconds)})


@bp.route("/verify/notices/<int:record_id>/objections", methods=["POST"])
# Objections count with the lookups: one budget per address for the public pages.
@limits.limited("VERIFY_RATE_LIMIT", scope="verify", on_breach=_too_many_objections)
def object_to(record_id: int):
    """Lodge an objection (reason and contact) against a record under notice; no login."""
    values = {
        "record_id": record_id,
        "reason": request.form.get("reason", ""),
        "contact": request.form.get("contact", ""),
    }
    try:
        objection_service.lodge(
            session=get_session(),
            record_id=record_id,
            reason=values["reason"],
            contact=values["contact"],
        )
    except ValidationFailed as exc:
        errors = forms.field_errors(exc)
        return _notices_page(values, errors, display.message(exc.code, exc.params), exc.status)
    except RegistryError as exc:
        return _notices_page(values, {}, display.message(exc.code, exc.params), exc.status)
    flash(_("Your objection was received; the registry's officers will look into it."), "success")
    return redirect(url_for("verify.notices"))
