"""HTML blueprints (one module per feature) and the app-wide error pages."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator

from flask import Flask, g, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from registry.errors import RegistryError
from registry.extensions import close_session, login_manager, request_locale
from registry.i18n import has_message, render

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def started(chunks: Iterator[str]) -> Iterator[str]:
    """A streamed body whose first chunk is made now, inside the view: an error in starting
    it (a value the database refuses) then reaches the error handlers as a clean answer,
    instead of cutting off a download whose 200 was already sent."""
    first = next(chunks, None)
    return itertools.chain(() if first is None else (first,), chunks)


def error_body(exc: RegistryError) -> dict:
    locale = request_locale()
    return {
        "code": exc.code,
        "message": render(exc.code, exc.params, locale),
        "errors": {f: render(c, p, locale) for f, (c, p) in exc.field_errors.items()},
    }


def _forget_request_rows() -> None:
    """Close the request's session and render the error page for "nobody".

    The rollback expired every row the request loaded, the logged-in user's included;
    reading one again (for the page's locale or menu) would ask the database that just
    failed, and raise inside the error handler (a bare English 500 instead of this page).
    """
    close_session()
    g._login_user = login_manager.anonymous_user()


class IdConverter(IntegerConverter):
    """`<int:…>` up to the database's INTEGER: a longer id is a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _has_nul() -> bool:
    """A NUL anywhere a user can type: path, query, form fields and upload names."""
    if "\x00" in request.path:
        return True
    values = [*request.args.keys(), *request.args.values()]
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        values += [*request.form.keys(), *request.form.values()]
        values += [f.filename or "" for f in request.files.values()]
    return any("\x00" in (value or "") for value in values)


def register(app: Flask) -> None:
    # Before any blueprint adds its rules, so every <int:…> in them is bounded.
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_nul():
        # PostgreSQL cannot store NUL and SQLite would keep it invisibly: refuse it up front.
        if _has_nul():
            raise RegistryError("request.nul_character")

    # Feature modules, each exposing a Blueprint named `bp`; imported here because they
    # import this package's helpers.
    from registry.web import (
        admin,
        auth,
        buildings,
        checks,
        dashboard,
        imports,
        meter_imports,
        metered,
        parcels,
        records,
        reference,
        verify,
    )

    for module in (
        auth,
        buildings,
        records,
        admin,
        reference,
        checks,
        dashboard,
        imports,
        verify,
        parcels,
        metered,
        meter_imports,
    ):
        app.register_blueprint(module.bp)

    @app.errorhandler(RegistryError)
    def _registry_error(exc: RegistryError):
        body = error_body(exc)
        if wants_json():
            return jsonify(body), exc.status
        return render_template("error.html", status=exc.status, error=body), exc.status

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _unstorable_value(exc):
        # A value the database refuses (too long, out of range; SQLite's driver raises a bare
        # OverflowError for an integer beyond 64 bits): the input's fault, not an outage.
        log.warning("database refused a value: %s", getattr(exc, "orig", exc).__class__.__name__)
        close_session()
        body = {
            "code": "request.invalid_value",
            "message": render("request.invalid_value", {}, request_locale()),
            "errors": {},
        }
        if wants_json():
            return jsonify(body), 422
        return render_template("error.html", status=422, error=body), 422

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_down(exc):
        # A dropped connection: nothing was committed; say so, and let the next request
        # start with a fresh session and a re-checked pool connection.
        log.warning("database error: %s", exc.__class__.__name__)
        _forget_request_rows()
        body = {
            "code": "server.database_unavailable",
            "message": render("server.database_unavailable", {}, request_locale()),
            "errors": {},
        }
        if wants_json():
            return jsonify(body), 503
        return render_template("error.html", status=503, error=body), 503

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded):
        # The limited view's own answer (its page or JSON, with Retry-After), when it has one.
        if exc.response is not None:
            return exc.response
        return _http_error(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # The exception's own headers (Allow on a 405, as RFC 9110 requires), not its body.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if wants_json():
            # In the caller's language when the catalogue has the status; werkzeug's is English.
            code = f"http.{exc.code}"
            message = render(code, {}, request_locale()) if has_message(code) else exc.description
            return jsonify({"code": code, "message": message, "errors": {}}), exc.code, headers
        return (
            render_template(
                "error.html",
                status=exc.code,
                error={"code": f"http.{exc.code}", "message": exc.description, "errors": {}},
            ),
            exc.code,
            headers,
        )

    @app.errorhandler(Exception)
    def _unexpected(_exc: Exception):
        log.exception("unhandled error")
        _forget_request_rows()
        body = {
            "code": "server.error",
            "message": render("server.error", {}, request_locale()),
            "errors": {},
        }
        if wants_json():
            return jsonify(body), 500
        return render_template("error.html", status=500, error=body), 500

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'",
        )
        return response
