"""Users, passwords, login throttling and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain.buildings import districts as district_domain
from registry.errors import Conflict, PermissionDenied, ValidationFailed
from registry.models import User, utcnow
from registry.services import permissions
from registry.services.audit import record_event, snapshot
from registry.services.permissions import ROLES

MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def create_user(
    *,
    session: Session,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    districts: list[str] | tuple[str, ...] = (),
    display_name: str = "",
    locale: str = "zh_Hans_CN",
) -> User:
    """Create a user; `actor=None` only for the installation's first admin and the CLI."""
    if actor is not None:
        permissions.require_admin(actor)
    problems: dict[str, tuple[str, dict]] = {}
    username = (username or "").strip()
    if not username:
        problems["username"] = ("field.required", {})
    elif len(username) > 64:
        problems["username"] = ("field.too_long", {"max": 64})
    if len(display_name or "") > 100:
        problems["display_name"] = ("field.too_long", {"max": 100})
    if role not in ROLES:
        problems["role"] = ("user.role_unknown", {"role": role})
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems["password"] = ("user.password_too_short", {"min": MIN_PASSWORD_LENGTH})
    codes: list[str] = []
    for value in districts:
        try:
            codes.append(district_domain.normalise_district(str(value)).code)
        except district_domain.UnknownDistrict:
            problems["districts"] = ("district.unknown", {"value": str(value)})
    if permissions.role_needs_districts(role) and not codes and "districts" not in problems:
        problems["districts"] = ("user.officer_needs_district", {})
    if problems:
        raise ValidationFailed(problems)
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict("user.username_taken", {"username": username})
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password),
        role=role,
        districts=",".join(sorted(set(codes))) if permissions.role_needs_districts(role) else "",
        locale=locale,
    )
    session.add(user)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="create",
        after=snapshot(user),
    )
    session.commit()
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The user if the password matches; counts failures and locks after too many.

    Raises PermissionDenied('auth.locked') while locked, so a locked account says so
    instead of looking like a wrong password.
    """
    user = session.exec(select(User).where(User.username == (username or "").strip())).first()
    now = utcnow()
    if user is None or not user.active:
        # Same cost as a real check, so timing does not reveal which usernames exist.
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise PermissionDenied("auth.locked", {"minutes": minutes})
    if check_password_hash(user.password_hash, password or ""):
        user.failed_logins = 0
        user.locked_until = None
        session.add(user)
        session.commit()
        return user
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    session.add(user)
    session.commit()
    return None


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, session: Session, actor: User, user: User) -> str:
    """A new bearer token for `user` (shown once; only its hash is stored)."""
    permissions.require_self_or_admin(actor, user)
    token = "rgy_" + secrets.token_urlsafe(32)
    user.api_token_hash = _token_digest(token)
    session.add(user)
    record_event(
        session=session, actor=actor, entity="user", entity_id=user.id, action="issue_token"
    )
    session.commit()
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.exec(select(User).where(User.api_token_hash == _token_digest(token))).first()
    return user if user and user.active else None


def list_users(*, session: Session, actor: User) -> list[User]:
    permissions.require_admin(actor)
    return list(session.exec(select(User).order_by(User.username)))


def change_password(
    *,
    session: Session,
    actor: User,
    current_password: str,
    new_password: str,
) -> User:
    """Change one's own password after proving the current one; the log records that it
    happened, never the values."""
    problems: dict[str, tuple[str, dict]] = {}
    if not check_password_hash(actor.password_hash, current_password or ""):
        problems["current_password"] = ("auth.invalid_current_password", {})
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        problems["new_password"] = ("user.password_too_short", {"min": MIN_PASSWORD_LENGTH})
    elif new_password == current_password:
        problems["new_password"] = ("user.password_unchanged", {})
    if problems:
        raise ValidationFailed(problems)
    user = session.get(User, actor.id)
    user.password_hash = generate_password_hash(new_password)
    session.add(user)
    record_event(
        session=session, actor=actor, entity="user", entity_id=user.id, action="password_change"
    )
    session.commit()
    return user
