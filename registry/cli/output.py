"""What every command prints with: options for language and JSON, output, errors as messages.

No database or ORM import here: `registry check --server` is built from this module alone,
so a designer's command starts without loading the database layer.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from datetime import date, datetime

import click

from registry.errors import RegistryError
from registry.i18n import Locale, gettext, labelled, locale_of, render


class ErrorReply(Exception):
    """An error already rendered (by the server, or by a client-side message table)."""

    def __init__(self, payload: dict):
        super().__init__(payload.get("code", ""))
        self.payload = payload


def to_locale(_ctx, _param, value) -> Locale:
    """A click callback: --lang zh|en as a registry.i18n.Locale."""
    return locale_of(value)


def locale_option(func):
    """--lang zh|en, handed to the command as a registry.i18n.Locale."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        callback=to_locale,
        help="Language of messages.",
    )(func)


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def actor_option(func):
    return click.option(
        "--as",
        "actor_name",
        default=None,
        metavar="USERNAME",
        help="Act as this user (default: the first admin).",
    )(func)


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
    else:
        click.echo(text if text is not None else data)


def error_payload(exc: RegistryError, lang: Locale) -> dict:
    return {
        "code": exc.code,
        "message": render(exc.code, exc.params, lang),
        "errors": {f: render(c, p, lang) for f, (c, p) in exc.field_errors.items()},
    }


def field_label(field: str, lang: Locale) -> str | None:
    """What a field the service refused is called at the command line: the option that set it
    (--area for floor_area_m2; --district for district_code), else its name as the import
    sheet's columns give it, else None (the message stands alone: never the key)."""
    ctx = click.get_current_context(silent=True)
    for param in ctx.command.params if ctx else ():
        if isinstance(param, click.Option) and field in (param.name, f"{param.name}_code"):
            return max(param.opts, key=len)  # --area over -a
    from registry.domain.imports.headers import FIELD_NAMES  # noqa: PLC0415  (pure, on demand)

    return gettext(FIELD_NAMES[field], lang) if field in FIELD_NAMES else None


def handles_errors(func):
    """Turn service errors into a message (or JSON) and exit status 1, never a traceback."""

    # A command that prints nothing in words still takes --lang for its error messages; it
    # is consumed here when the command itself does not name it.
    wants_lang = "lang" in inspect.signature(func).parameters

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        lang = kwargs.get("lang") if wants_lang else kwargs.pop("lang", None)
        lang = locale_of(lang)
        as_json = kwargs.get("as_json", False)
        try:
            return func(*args, **kwargs)
        except (RegistryError, ErrorReply) as exc:
            payload = exc.payload if isinstance(exc, ErrorReply) else error_payload(exc, lang)
            if as_json:
                click.echo(json.dumps({"error": payload}, ensure_ascii=False, indent=2))
            else:
                click.echo(payload["message"], err=True)
                for field, message in (payload.get("errors") or {}).items():
                    label = field_label(field, lang)
                    line = labelled(label, message, lang) if label else message
                    click.echo(f"  {line}", err=True)
            sys.exit(1)

    return wrapper
