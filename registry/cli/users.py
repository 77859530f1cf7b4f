"""`registry user ...`: an administrator's hands on the server's command line: deactivate or
reactivate a user, reset a password, clear a login delay, and list, issue or revoke API
tokens. Each ends what the web's buttons end (sessions and tokens) and is audited as
"system", like `create-user`."""

from __future__ import annotations

import click

from registry.cli.common import open_session
from registry.cli.output import emit, handles_errors, json_option, locale_option
from registry.domain import dates
from registry.errors import NotFound
from registry.i18n import gettext
from registry.services import users as user_service


def register(main: click.Group) -> None:
    main.add_command(user)


@click.group()
def user() -> None:
    """Deactivate, reset passwords, clear login delays, manage API tokens."""


def _find(session, username: str):
    found = user_service.find_by_login(session, username)
    if found is None:
        raise NotFound("user.not_found")
    return found


def _state(found) -> dict:
    return {"id": found.id, "username": found.username, "active": found.active}


@user.command()
@click.argument("username")
@json_option
@locale_option
@handles_errors
def deactivate(username, as_json, lang):
    """Deactivate USERNAME: every session and API token ends; logins are refused."""
    with open_session() as session:
        found = user_service.set_active(
            session=session, actor=None, user_id=_find(session, username).id, active=False
        )
        text = gettext("User %(username)s deactivated.", lang) % {"username": found.username}
        emit(_state(found), as_json, text)


@user.command()
@click.argument("username")
@json_option
@locale_option
@handles_errors
def activate(username, as_json, lang):
    """Let a deactivated USERNAME log in again (old sessions and tokens stay ended)."""
    with open_session() as session:
        found = user_service.set_active(
            session=session, actor=None, user_id=_find(session, username).id, active=True
        )
        text = gettext("User %(username)s activated.", lang) % {"username": found.username}
        emit(_state(found), as_json, text)


@user.command("reset-password")
@click.argument("username")
@click.option(
    "--password",
    default=None,
    help="The new password (default: a generated one, printed once).",
)
@json_option
@locale_option
@handles_errors
def reset_password(username, password, as_json):
    """Give USERNAME a new password; every session and API token of theirs ends."""
    with open_session() as session:
        found = _find(session, username)
        new = user_service.reset_password(
            session=session, actor=None, user_id=found.id, new_password=password
        )
        emit({"username": found.username, "password": new}, as_json, new)


@user.command()
@click.argument("username")
@json_option
@locale_option
@handles_errors
def unlock(username, as_json, lang):
    """Clear USERNAME's login delay, so its owner can log in at once."""
    with open_session() as session:
        found = _find(session, username)
        user_service.clear_delay(session=session, actor=None, user=found)
        said = gettext("%(username)s can log in again at once.", lang)
        emit(_state(found), as_json, said % {"username": found.username})


@user.command()
@click.argument("username")
@json_option
@locale_option
@handles_errors
def tokens(username, as_json, lang):
    """List USERNAME's API tokens (the first characters of each, never the token)."""
    with open_session() as session:
        found = _find(session, username)
        rows = user_service.list_tokens(session=session, actor=found, user=found)
        data = [
            {
                "id": row.id,
                "name": row.name,
                "prefix": row.prefix,
                "created_at": row.created_at,
                "revoked_at": row.revoked_at,
            }
            for row in rows
        ]
        # The status as the token list's page words it, the time on the bureau's clock.
        lines = [
            f"{row['id']}\t{row['prefix']}…\t{row['name'] or '—'}\t"
            + (
                gettext("Revoked %(when)s", lang) % {"when": dates.shown(row["revoked_at"])}
                if row["revoked_at"]
                else gettext("Valid", lang)
            )
            for row in data
        ]
        emit(data, as_json, "\n".join(lines))


@user.command("issue-token")
@click.argument("username")
@click.option("--name", default="", help="A name to tell the token apart in the list.")
@json_option
@locale_option
@handles_errors
def issue_token(username, name, as_json):
    """Issue USERNAME a new API token (printed once; other tokens stay valid)."""
    with open_session() as session:
        found = _find(session, username)
        token = user_service.issue_api_token(session=session, actor=found, user=found, name=name)
        emit({"username": found.username, "token": token}, as_json, token)


@user.command("revoke-token")
@click.argument("username")
@click.argument("token_id", type=int)
@json_option
@locale_option
@handles_errors
def revoke_token(username, token_id, as_json, lang):
    """Revoke USERNAME's API token TOKEN_ID (see `registry user tokens`)."""
    with open_session() as session:
        found = _find(session, username)
        row = user_service.revoke_token(session=session, actor=found, user=found, token_id=token_id)
        emit({"id": row.id, "revoked_at": row.revoked_at}, as_json, gettext("Token revoked.", lang))
