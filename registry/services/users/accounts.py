"""Users: create, list, passwords (own change and an administrator's reset), deactivation,
and ending every session and token of a user at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain.buildings import districts as district_domain
from registry.domain.users import names, passwords
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import ApiToken, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event, snapshot
from registry.services.permissions import ROLES
from registry.services.users import login

MIN_PASSWORD_LENGTH = passwords.MIN_PASSWORD_LENGTH


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
    """Create a user; `actor=None` only for the installation's first admin and the CLI.

    The username is stored normalised (NFKC, case-folded); one that looks like an existing
    user's is refused, as is a password the policy does not accept.
    """
    if actor is not None:
        permissions.require_admin(actor)
    problems = not_text(username=username, password=password, role=role, display_name=display_name)
    if problems:
        raise ValidationFailed(problems)
    username = names.normalise_username(username)
    problem = names.username_problem(username)
    if problem:
        problems["username"] = problem
    if len(display_name or "") > 100:
        problems["display_name"] = ("field.too_long", {"max": 100})
    if role not in ROLES:
        problems["role"] = ("user.role_unknown", {"role": role})
    problem = passwords.password_problem(password, username)
    if problem:
        problems["password"] = problem
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
    _refuse_look_alike(session, username)
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


def not_text(**values) -> dict[str, tuple[str, dict]]:
    """A problem for each value that is not a string (a JSON body may hold anything)."""
    return {
        name: ("field.not_text", {}) for name, value in values.items() if not isinstance(value, str)
    }


def _refuse_look_alike(session: Session, username: str) -> None:
    """Conflict if an existing user's name is, or looks like, `username`.

    Names stored before normalisation (`Admin`) are compared in their normalised form.
    The unique index still decides a race between two creations of the same name.
    """
    wanted = names.skeleton(username)
    for existing in session.exec(select(User.username)):
        normalised = names.normalise_username(existing)
        if normalised == username:
            raise Conflict("user.username_taken", {"username": username})
        if names.skeleton(normalised) == wanted:
            raise Conflict("user.username_confusable", {"username": username, "other": existing})


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found")
    return user


def list_users(*, session: Session, actor: User) -> list[User]:
    permissions.require_admin(actor)
    return list(session.exec(select(User).order_by(User.username)))


def _end_sessions(session: Session, user_id: int) -> None:
    """Raise the user's session generation (every login cookie stamped with the old one is
    refused from the next request on) and revoke every live API token, in the caller's
    transaction. Conditional updates, so concurrent ends cannot lose one."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(*, session: Session, actor: User) -> None:
    """Log the user out everywhere: every browser session and every API token."""
    _end_sessions(session, actor.id)
    record_event(session=session, actor=actor, entity="user", entity_id=actor.id, action="logout")
    session.commit()


def change_password(
    *,
    session: Session,
    actor: User,
    current_password: str,
    new_password: str,
) -> User:
    """Change one's own password after proving the current one; every other session and
    every token ends. The log records that it happened, never the values."""
    problems: dict[str, tuple[str, dict]] = {}
    if not check_password_hash(actor.password_hash, current_password or ""):
        problems["current_password"] = ("auth.invalid_current_password", {})
    problem = passwords.password_problem(new_password, names.normalise_username(actor.username))
    if problem:
        problems["new_password"] = problem
    elif new_password == current_password:
        problems["new_password"] = ("user.password_unchanged", {})
    if problems:
        raise ValidationFailed(problems)
    user = session.get(User, actor.id)
    user.password_hash = generate_password_hash(new_password)
    session.add(user)
    session.flush()
    _end_sessions(session, user.id)
    record_event(
        session=session, actor=actor, entity="user", entity_id=user.id, action="password_change"
    )
    session.commit()
    session.refresh(user)
    return user


def reset_password(
    *, session: Session, actor: User | None, user_id: int, new_password: str | None = None
) -> str:
    """An administrator sets another user's password (a generated one unless given) and
    ends every session and token of that user; returns the password, to hand over once.

    `actor=None` only from the server's command line.
    """
    if actor is not None:
        permissions.require_admin(actor)
        if actor.id == user_id:
            raise Conflict("user.cannot_reset_self")
    user = get_user(session=session, user_id=user_id)
    username = names.normalise_username(user.username)
    password = new_password or passwords.generate_password(username)
    problem = passwords.password_problem(password, username)
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.flush()
    _end_sessions(session, user.id)
    login.forget_failures(session, user.username)  # the back-off of the old password goes too
    record_event(
        session=session, actor=actor, entity="user", entity_id=user.id, action="password_reset"
    )
    session.commit()
    return password


def set_active(*, session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Deactivate (every session and token ends; the account cannot log in) or reactivate a
    user. Administrators only; nobody deactivates themselves."""
    if actor is not None:
        permissions.require_admin(actor)
        if actor.id == user_id and not active:
            raise Conflict("user.cannot_deactivate_self")
    user = get_user(session=session, user_id=user_id)
    before = snapshot(user, ("active",))
    user.active = active
    session.add(user)
    session.flush()
    _end_sessions(session, user.id)
    record_event(
        session=session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="activate" if active else "deactivate",
        before=before,
        after=snapshot(user, ("active",)),
    )
    session.commit()
    session.refresh(user)
    return user
