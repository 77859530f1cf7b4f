"""What the database commands share: settings, the engine, sessions, the acting user.

Printing, options and errors are in `registry.cli.output`, which imports no ORM.
"""

from __future__ import annotations

import click
from sqlmodel import Session, select

from registry.config import Config
from registry.models import User
from registry.services import permissions

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
    parts, whose imports and blueprints would slow every run."""
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


def resolve_actor(session: Session, username: str | None) -> User:
    query = (
        select(User).where(User.username == username)
        if username
        else (select(User).where(User.role == permissions.ADMIN, User.active).order_by(User.id))
    )
    user = session.exec(query).first()
    if user is None:
        raise click.ClickException(
            f"user {username!r} not found" if username else "no admin yet: run `registry init`"
        )
    return user
