"""What every command shares: the app context, the acting user, errors as messages."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date, datetime

import click
from sqlmodel import Session, select

from registry.config import Config
from registry.errors import RegistryError
from registry.messages import render
from registry.models import User

_app = None  # the Flask app, for the commands that need one (and for tests to set)
_config: Config | None = None
_engine = None


def app():
    global _app
    if _app is None:
        from registry import create_app

        _app = create_app()
    return _app


def config() -> Config:
    """The settings, without building the Flask app: data commands need none of the web
    parts, whose imports and blueprints cost ~0.25 s per run."""
    global _config
    if _app is not None:
        return _app.extensions["registry.config"]
    if _config is None:
        _config = Config()
    return _config


def engine():
    global _engine
    if _app is not None:
        return _app.extensions["registry.engine"]
    if _engine is None:
        from registry.db import make_engine

        _engine = make_engine(config().DATABASE_URL)
    return _engine


def open_session() -> Session:
    return Session(engine(), expire_on_commit=False)


def close() -> None:
    """Close this process's own database connections (SQLite then checkpoints its WAL)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
        _engine = None


def locale_option(func):
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
        help="Language of messages.",
    )(func)


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def actor_option(func):
    return click.option(
        "--as", "actor_name", default=None, metavar="USERNAME",
        help="Act as this user (default: the first admin).",
    )(func)


def resolve_actor(session: Session, username: str | None) -> User:
    query = select(User).where(User.username == username) if username else (
        select(User).where(User.role == "admin", User.active).order_by(User.id)
    )
    user = session.exec(query).first()
    if user is None:
        raise click.ClickException(
            f"user {username!r} not found" if username else "no admin yet: run `registry init`"
        )
    return user


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
    else:
        click.echo(text if text is not None else data)


def error_payload(exc: RegistryError, lang: str) -> dict:
    return {
        "code": exc.code,
        "message": render(exc.code, exc.params, lang),
        "errors": {f: render(c, p, lang) for f, (c, p) in exc.field_errors.items()},
    }


def handles_errors(func):
    """Turn service errors into a message (or JSON) and exit status 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        lang = kwargs.get("lang", "zh")
        as_json = kwargs.get("as_json", False)
        try:
            return func(*args, **kwargs)
        except RegistryError as exc:
            payload = error_payload(exc, lang)
            if as_json:
                click.echo(json.dumps({"error": payload}, ensure_ascii=False, indent=2))
            else:
                click.echo(payload["message"], err=True)
                for field, message in payload["errors"].items():
                    click.echo(f"  {field}: {message}", err=True)
            sys.exit(1)

    return wrapper
