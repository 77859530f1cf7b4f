"""API tokens: issued (shown once; only a hash is kept), listed, revoked one by one, and
all revoked when the user's sessions end (`accounts._end_sessions`)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import update
from sqlmodel import Session, select

from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import ApiToken, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event

TOKEN_PREFIX = "rgy_"
# How much of a token its list row shows: enough to tell tokens apart, far too little to use.
SHOWN_CHARACTERS = 8
MAX_TOKEN_NAME = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, session: Session, actor: User, user: User, name: str = "") -> str:
    """A new bearer token for `user`, beside any it has (shown once; only its hash is
    stored). Each user for themselves; administrators for anyone."""
    permissions.require_self_or_admin(actor, user)
    if not isinstance(name, str):
        raise ValidationFailed({"name": ("field.not_text", {})})
    name = " ".join(name.split())
    if len(name) > MAX_TOKEN_NAME:
        raise ValidationFailed({"name": ("field.too_long", {"max": MAX_TOKEN_NAME})})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_digest(token),
        prefix=token[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="issue_token",
        after={"token_id": row.id, "name": name},
    )
    session.commit()
    return token


def list_tokens(*, session: Session, actor: User, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (with when)."""
    permissions.require_self_or_admin(actor, user)
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.exec(query.order_by(ApiToken.id.desc())))


def revoke_token(*, session: Session, actor: User, user: User, token_id: int) -> ApiToken:
    """Revoke one token of `user`; the next request with it is refused. A token already
    revoked is a 409 (the conditional update changed nothing)."""
    permissions.require_self_or_admin(actor, user)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("token.not_found")
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if not result.rowcount:
        session.rollback()
        raise Conflict("token.already_revoked")
    record_event(
        session=session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="revoke_token",
        before={"token_id": token_id, "name": token.name},
    )
    session.commit()
    session.refresh(token)
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user a live token belongs to, else None."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    query = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )
    user = session.exec(query).first()
    return user if user and user.active else None
