"""The Qingdao green-building registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.config import PROJECT_ROOT, Config

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the app: config, database engine, login, CSRF, Babel, blueprints, CLI, jobs."""
    # Flask is imported here, not with the package: the `registry` command and the Celery
    # worker import `registry.*` modules without serving a page.
    from flask import Flask

    from registry import extensions, queue
    from registry.db import make_engine

    if config is None:
        config = Config()
    elif isinstance(config, dict):
        config = Config(**config)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "registry" / "static"),
        instance_path=str(config.INSTANCE_DIR),
    )
    app.config.from_mapping(config.as_flask_mapping())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "registry" / "translations")
    app.extensions["registry.config"] = config
    app.extensions["registry.engine"] = make_engine(config.DATABASE_URL)

    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "auth.login"
    extensions.csrf.init_app(app)
    extensions.babel.init_app(app, locale_selector=extensions.select_locale)
    app.teardown_appcontext(extensions.close_session)

    import registry.auth  # noqa: F401  (registers the login loaders)
    from registry import api, web
    from registry.web import limits

    web.register(app)
    api.register(app)
    # After every blueprint: it wraps the views that declare a rate limit.
    limits.init_app(app)

    queue.init_app(app)
    return app
