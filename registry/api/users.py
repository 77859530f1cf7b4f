"""Users over JSON: who am I, and (admins) list and create accounts."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify
from sqlmodel import SQLModel

from registry.api.common import (
    actor,
    documented,
    json_body,
    register_schema,
    token_required,
)
from registry.extensions import get_session
from registry.i18n import locale_of
from registry.models import User
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
            "username": {"type": "string", "minLength": 1, "maxLength": 64},
            "password": {"type": "string", "minLength": user_service.MIN_PASSWORD_LENGTH},
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
        username=str(body.get("username") or ""),
        password=str(body.get("password") or ""),
        role=str(body.get("role") or ""),
        districts=[str(code).strip() for code in districts],
        display_name=str(body.get("display_name") or ""),
        locale=locale_of(body.get("locale")),
    )
    return jsonify(user_public(user)), 201
