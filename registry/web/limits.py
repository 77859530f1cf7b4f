"""Rate limits per client address, kept by Flask-Limiter: failed logins and public label
lookups.

Views say what limits them with `@limited(...)`; `init_app` wraps them with the app's own
limiter once every blueprint is registered, so each app (and each test's app) counts
apart. The counts live in Redis when Redis is configured, so every web process and host
counts together; a Redis outage falls back to counting in memory rather than failing the
request.

The client address is the TCP peer's unless REGISTRY_TRUSTED_PROXIES says how many
proxies in front set X-Forwarded-For: only then is that header believed (the entry the
nearest trusted proxy added), so nobody picks the address they are counted under.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["RateLimitExceeded", "init_app", "limited", "retry_after_s"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def limited(setting: str, *, scope: str, **options):
    """Limit a view by the limit string in app.config[setting], counted per client address
    in `scope` (views sharing a scope share the count). `options` go to Flask-Limiter
    (methods, deduct_when, exempt_when, on_breach)."""

    def mark(view):
        view.rate_limit = (setting, scope, options)
        return view

    return mark


def retry_after_s(limit: RequestLimit) -> int:
    """Whole seconds until the breached limit lets the next request through."""
    return max(1, math.ceil(limit.reset_at - time.time()))


def init_app(app: Flask) -> Limiter:
    config = app.extensions["registry.config"]
    if config.TRUSTED_PROXIES:
        hops = config.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=config.RATELIMIT_STORAGE_URI,
        strategy="moving-window",
        key_prefix="registry",
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    for endpoint, view in list(app.view_functions.items()):
        if not hasattr(view, "rate_limit"):
            continue
        setting, scope, options = view.rate_limit
        provider: Callable[[], str] = lambda setting=setting: current_app.config[setting]  # noqa: E731
        decorate = limiter.shared_limit(provider, scope=scope, **options)
        app.view_functions[endpoint] = decorate(view)
    app.extensions["registry.limiter"] = limiter
    return limiter
