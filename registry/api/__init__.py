"""JSON API under /api/v1 (one module per feature) and the OpenAPI document."""

from __future__ import annotations

from flask import Flask

from registry.features import optional_module

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
        module = optional_module(name)
        if module is None:
            continue
        # The API authenticates with bearer tokens, not cookies, so CSRF does not apply.
        csrf.exempt(module.bp)
        app.register_blueprint(module.bp)
