"""JSON API under /api/v1 (one module per feature) and the OpenAPI document."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from registry.api import (
        buildings,
        checks,
        imports,
        metered,
        openapi,
        parcels,
        records,
        tally,
        users,
        verify,
    )
    from registry.extensions import csrf

    # Feature modules, each exposing a Blueprint named `bp`.
    modules = (openapi, buildings, records, users, checks, tally, imports, verify, parcels, metered)
    for module in modules:
        # The API authenticates with bearer tokens, not cookies, so CSRF does not apply.
        csrf.exempt(module.bp)
        app.register_blueprint(module.bp)
