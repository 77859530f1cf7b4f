"""What a login leaves behind: API tokens, and the back-off of usernames that keep failing."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is kept, and revoking it keeps the row for the list."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    # The token's first characters, so its owner can tell which one a list row is.
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    revoked_at: datetime | None = None


class ApiTokenPublic(SQLModel):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class LoginThrottle(SQLModel, table=True):
    """Failed logins in a row for one typed username, known or not (keyed by the SHA-256 of
    its normalised form, so the table names nobody), and when it may try again."""

    __tablename__ = "login_throttles"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    last_failure_at: datetime = Field(default_factory=utcnow, index=True)
    retry_at: datetime = Field(default_factory=utcnow)
