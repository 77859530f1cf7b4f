"""Validity rules as versioned data, and the outcome of each rule version for each check.

Like the quota rows: an administrator's edit adds the next version and marks the old one
superseded, and a check keeps the version (and the outcome) it was judged by, so a verdict
given under last year's rules can still be shown with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class ValidityRuleBase(SQLModel):
    key: str = Field(max_length=40, index=True)
    threshold: float | None = None  # None: a yes/no rule
    unit: str = Field(default="", max_length=20)
    source: str = Field(max_length=1000)
    source_status: str = Field(max_length=24)  # registry-rule | verified-… | unverified
    notes: str = Field(default="", max_length=1000)


class ValidityRule(ValidityRuleBase, table=True):
    __tablename__ = "validity_rules"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_validity_rules_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    change_reason: str | None = Field(default=None, max_length=1000)
    superseded_at: datetime | None = Field(default=None, index=True)
    superseded_by_id: int | None = Field(default=None, foreign_key="validity_rules.id")


class ValidityRuleUpdate(SQLModel):
    """What an administrator may change; the rule's key stays."""

    threshold: float | None = None
    source: str | None = Field(default=None, max_length=1000)
    source_status: str | None = Field(default=None, max_length=24)
    notes: str | None = Field(default=None, max_length=1000)


class CheckValidity(SQLModel, table=True):
    """One rule version applied to one check: held or not, the figure and the limit compared.

    Written once when the check's result is stored (or first shown); the check's verdict is
    official when every one of its rows held.
    """

    __tablename__ = "check_validity"
    __table_args__ = (
        UniqueConstraint("check_id", "rule_key", name="uq_check_validity_check_rule"),
    )

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="checks.id", index=True)
    rule_id: int = Field(foreign_key="validity_rules.id", index=True)
    rule_key: str = Field(max_length=40)
    rule_version: int
    held: bool
    code: str = Field(max_length=64)
    params: dict | None = Field(default=None, sa_column=Column(JSON))
    # {"value", "limit", "unit"}: the figure compared and the limit (numbers, or for the
    # weather rule the weather files' names).
    figures: dict | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
