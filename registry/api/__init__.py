"""JSON API under /api/v1 (one module per feature) and the OpenAPI document."""

from __future__ import annotations

import importlib

from flask import Flask

# Feature modules, each exposing a Blueprint named `bp`. Add a line to add a feature.
BLUEPRINTS = (
    "registry.api.openapi",
    "registry.api.buildings",
    "registry.api.records",
    "registry.api.users",
    "registry.api.checks",
    "registry.api.tally",
    "registry.api.imports",
    "registry.api.verify",
)


def register(app: Flask) -> None:
    from registry.extensions import csrf

    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        # The API authenticates with bearer tokens, not cookies, so CSRF does not apply.
        csrf.exempt(module.bp)
        app.register_blueprint(module.bp)
