"""HTML blueprints (one module per feature) and the app-wide error pages."""

from __future__ import annotations

import importlib
import logging

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from registry.errors import RegistryError
from registry.extensions import close_session, message_locale
from registry.messages import render

log = logging.getLogger(__name__)

# Feature modules, each exposing a Blueprint named `bp`. Add a line to add a feature.
BLUEPRINTS = (
    "registry.web.auth",
    "registry.web.buildings",
    "registry.web.records",
    "registry.web.admin",
    "registry.web.checks",
    "registry.web.dashboard",
    "registry.web.imports",
    "registry.web.verify",
)


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_body(exc: RegistryError) -> dict:
    locale = message_locale()
    return {
        "code": exc.code,
        "message": render(exc.code, exc.params, locale),
        "errors": {f: render(c, p, locale) for f, (c, p) in exc.field_errors.items()},
    }


def register(app: Flask) -> None:
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        app.register_blueprint(module.bp)

    @app.errorhandler(RegistryError)
    def _registry_error(exc: RegistryError):
        body = error_body(exc)
        if wants_json():
            return jsonify(body), exc.status
        return render_template("error.html", status=exc.status, error=body), exc.status

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_down(exc):
        # A dropped connection: nothing was committed; say so, and let the next request
        # start with a fresh session and a re-checked pool connection.
        log.warning("database error: %s", exc.__class__.__name__)
        close_session()
        body = {"code": "server.database_unavailable",
                "message": render("server.database_unavailable", {}, message_locale()),
                "errors": {}}
        if wants_json():
            return jsonify(body), 503
        return render_template("error.html", status=503, error=body), 503

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if wants_json():
            return jsonify({"code": f"http.{exc.code}", "message": exc.description,
                            "errors": {}}), exc.code
        return render_template(
            "error.html", status=exc.code,
            error={"code": f"http.{exc.code}", "message": exc.description, "errors": {}},
        ), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        close_session()
        body = {"code": "server.error", "message": render("server.error", {}, message_locale()),
                "errors": {}}
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
