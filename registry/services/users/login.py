"""Password login with a back-off per typed username.

Every failed attempt for a username (one that exists or not: the answers and the work done
are the same) counts; after a few in a row, the next attempt must wait 1, 2, 4, … up to 60
seconds (`registry.domain.users.login`). While it waits, an attempt is answered at once
with the wait, the password unchecked. A success, an administrator (`clear_delay`) or
fifteen quiet minutes clear the count. Per-address limits are the web layer's
(Flask-Limiter), so one address cannot walk many usernames either.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain.users import login as rules
from registry.domain.users import names
from registry.errors import RegistryError
from registry.models import LoginThrottle, User, utcnow
from registry.services import permissions
from registry.services.audit import record_event


class Throttled(RegistryError):
    status = 429


# Checked against when the user does not exist, so the answer costs the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def find_by_login(session: Session, typed: str) -> User | None:
    """The user a typed username means: its normalised form, or (for a name stored before
    normalisation) exactly as typed."""
    normalised = names.normalise_username(typed)
    raw = (typed or "").strip()
    rows = list(session.exec(select(User).where(User.username.in_({normalised, raw}))))
    rows.sort(key=lambda user: user.username != raw)
    return rows[0] if rows else None


def throttle_key(typed: str) -> str:
    """The back-off's key for a typed username: never the name itself, since people type
    their password into the username field."""
    return hashlib.sha256(names.normalise_username(typed).encode()).hexdigest()


def authenticate(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> User | None:
    """The user if the password matches, else None (wrong password, unknown or inactive
    user alike). Raises Throttled (429, with the seconds to wait) while the username's
    back-off runs."""
    now = now or utcnow()
    key = throttle_key(username)
    throttle = session.get(LoginThrottle, key)
    if throttle is not None and _aware(throttle.retry_at) > now:
        seconds = math.ceil((_aware(throttle.retry_at) - now).total_seconds())
        session.rollback()
        raise Throttled("auth.throttled", {"seconds": max(1, seconds)})
    user = find_by_login(session, username)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        matched = False
    else:
        matched = check_password_hash(user.password_hash, password or "")
    if matched:
        if throttle is not None:
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
        session.commit()
        return user
    _count_failure(session, key, now)
    session.commit()
    return None


def _count_failure(session: Session, key: str, now: datetime) -> None:
    """One more failure in a row for `key` (the count starts again after a quiet spell),
    and its next allowed attempt. An UPDATE that adds one, so concurrent failures each
    count; the first failure inserts the row (a concurrent first insert is retried as an
    update)."""
    quiet_since = now - timedelta(seconds=rules.FORGET_AFTER_S)
    values = {
        "failures": case(
            (LoginThrottle.last_failure_at < quiet_since, 1),
            else_=LoginThrottle.failures + 1,
        ),
        "last_failure_at": now,
    }
    for _attempt in range(2):
        result = session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key).values(**values)
        )
        if result.rowcount:
            break
        try:
            with session.begin_nested():
                session.add(LoginThrottle(key=key, failures=1, last_failure_at=now, retry_at=now))
            # Names nobody used for a while go, so guessed names do not pile up.
            session.execute(
                delete(LoginThrottle).where(LoginThrottle.last_failure_at < quiet_since)
            )
            break
        except IntegrityError:
            continue
    failures = session.execute(
        select(LoginThrottle.failures).where(LoginThrottle.key == key)
    ).scalar_one()
    retry_at = now + timedelta(seconds=rules.delay_after(failures))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(retry_at=retry_at))


def forget_failures(session: Session, username: str) -> None:
    """Clear a username's back-off, in the caller's transaction."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == throttle_key(username)))


def clear_delay(*, session: Session, actor: User | None, user: User) -> None:
    """An administrator lets a user whose name is being guessed try again at once."""
    if actor is not None:
        permissions.require_admin(actor)
    forget_failures(session, user.username)
    record_event(
        session=session, actor=actor, entity="user", entity_id=user.id, action="clear_delay"
    )
    session.commit()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
