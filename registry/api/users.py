"""Users over JSON: who am I; (admins) list and create accounts, deactivate them, reset their
passwords; API tokens issued, listed and revoked (each user their own, admins anyone's)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify
from sqlmodel import SQLModel

from registry.api.common import (
    actor,
    documented,
    dump,
    json_body,
    register_schema,
    token_required,
)
from registry.extensions import get_session
from registry.i18n import locale_of
from registry.models import ApiTokenPublic, User
from registry.services import users as user_service
from registry.services.permissions import ROLES


class UserPublic(SQLModel):
    """What the API shows of a user: never the password or token hashes."""

    id: int
    username: str
    display_name: str
    role: str
    districts: list[str]
    locale: str
    active: bool
    created_at: datetime


def user_public(user: User) -> dict:
    return UserPublic(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        districts=sorted(user.district_codes),
        locale=user.locale,
        active=user.active,
        created_at=user.created_at,
    ).model_dump(mode="json")


bp = Blueprint("api_users", __name__, url_prefix="/api/v1")

register_schema("UserPublic", UserPublic)
register_schema(
    "UserCreate",
    {
        "type": "object",
        "required": ["username", "password", "role"],
        "properties": {
            "username": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "Stored normalised (NFKC, lower case); letters, digits and "
                ". _ - @; a name that looks like an existing one is refused.",
            },
            "password": {
                "type": "string",
                "minLength": user_service.MIN_PASSWORD_LENGTH,
                "description": "Not a common password, and not containing the username.",
            },
            "role": {"type": "string", "enum": list(ROLES)},
            "districts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "District codes or names; officers need at least one.",
            },
            "display_name": {"type": "string", "maxLength": 100},
            "locale": {"type": "string", "enum": ["zh_Hans_CN", "en"]},
        },
    },
)


@bp.get("/users/me")
@documented(response="UserPublic")
@token_required
def me():
    """Show the user the token belongs to."""
    return jsonify(user_public(actor()))


@bp.get("/users")
@documented(response=["UserPublic"], errors=(403,))
@token_required
def list_users():
    """List every user (admins only)."""
    users = user_service.list_users(session=get_session(), actor=actor())
    return jsonify([user_public(user) for user in users])


@bp.post("/users")
@documented(
    request_body="UserCreate", response="UserPublic", status=201, errors=(400, 403, 409, 422)
)
@token_required
def create_user():
    """Create a user (admins only)."""
    body = json_body()
    districts = body.get("districts") or []
    if isinstance(districts, str):
        districts = [part for part in districts.split(",") if part.strip()]
    elif not isinstance(districts, list):
        districts = [districts]
    user = user_service.create_user(
        session=get_session(),
        actor=actor(),
        username=body.get("username", ""),
        password=body.get("password", ""),
        role=body.get("role", ""),
        districts=[str(code).strip() for code in districts],
        display_name=body.get("display_name") or "",
        locale=locale_of(body.get("locale")),
    )
    return jsonify(user_public(user)), 201


register_schema("ApiTokenPublic", ApiTokenPublic)
register_schema(
    "TokenCreate",
    {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 100}},
        "description": "Optional: a name to tell the token apart in the list.",
    },
)
register_schema(
    "IssuedToken",
    {
        "type": "object",
        "required": ["token", "id", "name", "prefix"],
        "properties": {
            "token": {"type": "string", "description": "Shown this once."},
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "prefix": {"type": "string"},
        },
    },
)
register_schema(
    "NewPassword",
    {
        "type": "object",
        "required": ["username", "password"],
        "properties": {
            "username": {"type": "string"},
            "password": {"type": "string", "description": "Shown this once."},
        },
    },
)


def _user(user_id: int) -> User:
    return user_service.get_user(session=get_session(), user_id=user_id)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/users/<int:user_id>/token")
@documented(
    request_body="TokenCreate",
    body_optional=True,
    response="IssuedToken",
    status=201,
    errors=(400, 403, 404, 422),
)
@token_required
def issue_token(user_id: int):
    """Issue an API token for a user (oneself, or anyone for admins); other tokens stay."""
    body = json_body(optional=True)
    user = _user(user_id)
    session = get_session()
    token = user_service.issue_api_token(
        session=session, actor=actor(), user=user, name=body.get("name", "")
    )
    row = user_service.list_tokens(session=session, actor=actor(), user=user)[0]
    response = jsonify({"token": token, "id": row.id, "name": row.name, "prefix": row.prefix})
    response.status_code = 201
    return _no_store(response)


@bp.get("/users/<int:user_id>/tokens")
@documented(response=["ApiTokenPublic"], errors=(403, 404))
@token_required
def list_tokens(user_id: int):
    """List a user's API tokens, revoked ones with when (never the tokens themselves)."""
    tokens = user_service.list_tokens(session=get_session(), actor=actor(), user=_user(user_id))
    return jsonify([dump(ApiTokenPublic, token) for token in tokens])


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@documented(response="ApiTokenPublic", errors=(403, 404, 409))
@token_required
def revoke_token(user_id: int, token_id: int):
    """Revoke one API token; requests with it are refused from now on."""
    token = user_service.revoke_token(
        session=get_session(), actor=actor(), user=_user(user_id), token_id=token_id
    )
    return jsonify(dump(ApiTokenPublic, token))


@bp.post("/users/<int:user_id>/deactivate")
@documented(response="UserPublic", errors=(403, 404, 409))
@token_required
def deactivate(user_id: int):
    """Deactivate a user (admins only): every session and token of theirs ends."""
    user = user_service.set_active(
        session=get_session(), actor=actor(), user_id=user_id, active=False
    )
    return jsonify(user_public(user))


@bp.post("/users/<int:user_id>/activate")
@documented(response="UserPublic", errors=(403, 404, 409))
@token_required
def activate(user_id: int):
    """Let a deactivated user log in again (admins only)."""
    user = user_service.set_active(
        session=get_session(), actor=actor(), user_id=user_id, active=True
    )
    return jsonify(user_public(user))


@bp.post("/users/<int:user_id>/reset-password")
@documented(response="NewPassword", errors=(403, 404, 409))
@token_required
def reset_password(user_id: int):
    """Give a user a new generated password (admins only); their sessions and tokens end."""
    password = user_service.reset_password(session=get_session(), actor=actor(), user_id=user_id)
    return _no_store(jsonify({"username": _user(user_id).username, "password": password}))
