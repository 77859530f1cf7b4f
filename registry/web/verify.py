"""The public label check: /verify?label=… and the QR codes' /verify/<label>; no login."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.domain import dates
from registry.errors import NotFound, RegistryError, ValidationFailed
from registry.extensions import get_session
from registry.qr import qr_svg
from registry.services.buildings.verify import (
    RateLimiter,
    clean_label,
    under_notice,
    verify_label,
)
from registry.services.notice import objections as objection_service
from registry.web import display, forms

# The name "verify" is on the login guard's list of public blueprints.
bp = Blueprint("verify", __name__)


class RateLimited(RegistryError):
    status = 429


def limiter() -> RateLimiter:
    """The app's limiter, shared by this page and the API's verify endpoint."""
    app = current_app
    if "registry.verify_limiter" not in app.extensions:
        app.extensions["registry.verify_limiter"] = RateLimiter(
            limit=int(app.config.get("VERIFY_RATE_LIMIT", 30)),
            window_s=float(app.config.get("VERIFY_RATE_WINDOW_S", 60)),
        )
    return app.extensions["registry.verify_limiter"]


def check_rate() -> None:
    """Raise a 429 with the wait in seconds when this address asked too often."""
    wait = limiter().hit(request.remote_addr or "unknown", time.monotonic())
    if wait is not None:
        raise RateLimited("verify.rate_limited", {"seconds": wait})


def _page(label: str):
    result, error, status, headers = None, None, 200, {}
    if label:
        try:
            check_rate()
            result = verify_label(session=get_session(), label=label)
        except RateLimited as exc:
            error, status = display.message(exc.code, exc.params), 429
            headers["Retry-After"] = str(exc.params["seconds"])
        except NotFound as exc:
            error, status = display.message(exc.code, exc.params), 404
    qr = qr_svg(current_app.config["PUBLIC_BASE_URL"], result.label_number) if result else None
    page = render_template("verify/show.html", label=label, result=result, error=error, qr=qr)
    return page, status, headers


@bp.route("/verify")
def lookup():
    """Check a label number typed into the form."""
    return _page(clean_label(request.args.get("label")))


@bp.route("/verify/<path:label>")
def show(label: str):
    """Check the label a QR code points at."""
    return _page(clean_label(label))


@bp.route("/verify/<path:label>/qr.svg")
def qr(label: str):
    """The QR code of a label's verification URL, as SVG."""
    svg = qr_svg(current_app.config["PUBLIC_BASE_URL"], clean_label(label))
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


@bp.route("/verify/notices/<int:record_id>/objections", methods=["POST"])
def object_to(record_id: int):
    """Lodge an objection (reason and contact) against a record under notice; no login."""
    values = {
        "record_id": record_id,
        "reason": request.form.get("reason", ""),
        "contact": request.form.get("contact", ""),
    }
    try:
        check_rate()
        objection_service.lodge(
            session=get_session(),
            record_id=record_id,
            reason=values["reason"],
            contact=values["contact"],
        )
    except RateLimited as exc:
        return _notices_page(values, {}, display.message(exc.code, exc.params), 429)
    except ValidationFailed as exc:
        errors = forms.field_errors(exc)
        return _notices_page(values, errors, display.message(exc.code, exc.params), exc.status)
    except RegistryError as exc:
        return _notices_page(values, {}, display.message(exc.code, exc.params), exc.status)
    flash(_("Your objection was received; the registry's officers will look into it."), "success")
    return redirect(url_for("verify.notices"))
